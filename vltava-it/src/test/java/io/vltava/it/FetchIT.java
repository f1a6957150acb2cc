package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vltava.testing.EmbeddedBroker;
import io.vltava.testing.KafkaClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Java consumer reading with assign and seek: long polls, byte limits, sessions, offsets. */
class FetchIT {

    private static EmbeddedBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.start(Map.of("log.segment.bytes", "1048576"));
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("wide", 12, (short) 1), new NewTopic("waiting", 1, (short) 1),
                    new NewTopic("big", 1, (short) 1), new NewTopic("seek", 1, (short) 1), new NewTopic("range", 1, (short) 1),
                    new NewTopic("rolling", 1, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void longPollWakesWhenDataArrives() throws Exception {
        Properties props = new Properties();
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "25000");
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "40000");
        KafkaConsumer<String, String> consumer = KafkaClients.consumer(broker.bootstrapServers(), props);
        try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers())) {
            TopicPartition tp = new TopicPartition("waiting", 0);
            consumer.assign(Set.of(tp));
            consumer.seekToEnd(Set.of(tp));
            consumer.position(tp);
            assertThat(consumer.poll(Duration.ofMillis(500))).as("the first fetch is now waiting on the broker").isEmpty();
            producer.send(new ProducerRecord<>("waiting", "woken")).get();
            ConsumerRecords<String, String> records = consumer.poll(Duration.ofSeconds(15));
            assertThat(records.count()).as("a fetch waiting up to 25 s returns as soon as data arrives").isEqualTo(1);
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofMillis(100)));
        }
    }

    @Test
    void readsManyPartitionsThroughIncrementalSessions() throws Exception {
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        int perPartition = 300;
        try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers(), producerProps)) {
            for (int i = 0; i < perPartition; i++) {
                for (int p = 0; p < 12; p++) {
                    producer.send(new ProducerRecord<>("wide", p, "k", p + ":" + i));
                }
            }
            producer.flush();
        }
        Properties props = new Properties();
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "2048");
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, "8192");
        try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(broker.bootstrapServers(), props)) {
            Set<TopicPartition> partitions = new HashSet<>();
            for (int p = 0; p < 12; p++) {
                partitions.add(new TopicPartition("wide", p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<Integer, List<String>> byPartition = new HashMap<>();
            int total = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (total < 12 * perPartition && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    byPartition.computeIfAbsent(record.partition(), p -> new ArrayList<>()).add(record.value());
                    total++;
                }
            }
            assertThat(total).isEqualTo(12 * perPartition);
            for (int p = 0; p < 12; p++) {
                List<String> values = byPartition.get(p);
                for (int i = 0; i < perPartition; i++) {
                    assertThat(values.get(i)).isEqualTo(p + ":" + i);
                }
            }
        }
    }

    @Test
    void returnsABatchLargerThanThePartitionLimit() throws Exception {
        try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers())) {
            producer.send(new ProducerRecord<>("big", "x".repeat(100_000))).get();
        }
        Properties props = new Properties();
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "1024");
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, "1024");
        try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(broker.bootstrapServers(), props)) {
            TopicPartition tp = new TopicPartition("big", 0);
            consumer.assign(Set.of(tp));
            consumer.seekToBeginning(Set.of(tp));
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (records.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            assertThat(records).singleElement().satisfies(r -> assertThat(r.value()).hasSize(100_000));
        }
    }

    @Test
    void seeksIntoTheMiddleOfABatch() throws Exception {
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, "100");
        try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers(), producerProps)) {
            for (int i = 0; i < 50; i++) {
                producer.send(new ProducerRecord<>("seek", "v" + i));
            }
            producer.flush();
        }
        try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(broker.bootstrapServers())) {
            TopicPartition tp = new TopicPartition("seek", 0);
            consumer.assign(Set.of(tp));
            consumer.seek(tp, 37);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (records.size() < 13 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            assertThat(records).hasSize(13);
            assertThat(records.get(0).offset()).isEqualTo(37);
            assertThat(records.get(0).value()).isEqualTo("v37");
        }
    }

    @Test
    void anOffsetPastTheEndIsOutOfRange() throws Exception {
        try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers())) {
            producer.send(new ProducerRecord<>("range", "only")).get();
        }
        Properties props = new Properties();
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(broker.bootstrapServers(), props)) {
            TopicPartition tp = new TopicPartition("range", 0);
            consumer.assign(Set.of(tp));
            consumer.seek(tp, 42);
            assertThatThrownBy(() -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200));
                }
            }).isInstanceOf(OffsetOutOfRangeException.class);
        }
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(broker.bootstrapServers(), props)) {
            TopicPartition tp = new TopicPartition("range", 0);
            consumer.assign(Set.of(tp));
            consumer.seek(tp, 42);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (records.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            assertThat(records).singleElement().satisfies(r -> assertThat(r.value()).isEqualTo("only"));
        }
    }

    @Test
    void readsAcrossRolledSegments() throws Exception {
        int count = 3000;
        try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>("rolling", "value-" + i + "-" + "y".repeat(1000)));
            }
            producer.flush();
        }
        assertThat(java.nio.file.Files.list(broker.dataDir().resolve("rolling-0"))
                .filter(f -> f.toString().endsWith(".log")).count()).isGreaterThan(2);
        try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(broker.bootstrapServers())) {
            TopicPartition tp = new TopicPartition("rolling", 0);
            consumer.assign(Set.of(tp));
            consumer.seekToBeginning(Set.of(tp));
            int next = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (next < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    assertThat(record.offset()).isEqualTo(next);
                    assertThat(record.value()).startsWith("value-" + next + "-");
                    next++;
                }
            }
            assertThat(next).isEqualTo(count);
        }
    }
}
