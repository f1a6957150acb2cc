package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vltava.testing.EmbeddedBroker;
import io.vltava.testing.KafkaClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Retention frees old segments and DeleteRecords moves the earliest offset, seen by the real Java clients. */
class RetentionIT {

    private static final String VALUE = "v".repeat(1000);
    private static EmbeddedBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedBroker.start(Map.of("log.retention.check.interval.ms", "200", "log.segment.delete.delay.ms", "200"));
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static void createTopic(String name, Map<String, String> configs) throws Exception {
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(name, 1, (short) 1).configs(configs))).all().get();
        }
    }

    /** Sends {@code count} 1 KiB records with these timestamps (null for now) and waits for them. */
    private static void produce(String topic, int count, Long timestamp) {
        Properties props = new Properties();
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers(), props)) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, 0, timestamp, "k" + i, VALUE));
            }
            producer.flush();
        }
    }

    private static long earliest(TopicPartition tp) throws Exception {
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            return admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get().offset();
        }
    }

    private static long segmentFiles(String topic) throws Exception {
        try (Stream<Path> files = Files.list(broker.dataDir().resolve(topic + "-0"))) {
            return files.filter(file -> file.getFileName().toString().endsWith(".log")).count();
        }
    }

    @Test
    void shortRetentionFreesOldSegmentsAndTheEarliestOffsetMoves() throws Exception {
        TopicPartition tp = new TopicPartition("short-lived", 0);
        createTopic(tp.topic(), Map.of("segment.bytes", "1048576", "retention.ms", "60000"));
        long anHourAgo = System.currentTimeMillis() - 3_600_000L;
        produce(tp.topic(), 3000, anHourAgo);
        produce(tp.topic(), 100, null);

        // About 3 MiB in segments of 1 MiB, a little over 1,000 records each: the two segments holding only
        // records an hour old go (one retention pass may remove them one at a time); the one or two holding
        // the 100 new records stay.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(segmentFiles(tp.topic())).isLessThanOrEqualTo(2);
            assertThat(earliest(tp)).isGreaterThanOrEqualTo(2000);
        });
        long earliest = earliest(tp);
        assertThat(earliest).isLessThanOrEqualTo(3000);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            try (Stream<Path> files = Files.list(broker.dataDir().resolve(tp.topic() + "-0"))) {
                return files.noneMatch(file -> file.getFileName().toString().endsWith(".deleted"));
            }
        });

        List<ConsumerRecord<String, String>> left = PartitionReader.readRecords(broker.bootstrapServers(), tp, 3100 - earliest);
        assertThat(left).hasSize((int) (3100 - earliest));
        assertThat(left.get(0).offset()).isEqualTo(earliest);
    }

    @Test
    void deleteRecordsMovesTheEarliestOffsetAndFetchesBelowItAreOutOfRange() throws Exception {
        TopicPartition tp = new TopicPartition("trimmed", 0);
        createTopic(tp.topic(), Map.of("segment.bytes", "1048576"));
        produce(tp.topic(), 3000, null);

        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            long low = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(2500))).lowWatermarks().get(tp).get().lowWatermark();
            assertThat(low).isEqualTo(2500);
        }
        assertThat(earliest(tp)).isEqualTo(2500);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(segmentFiles(tp.topic())).isLessThan(3));

        Properties strict = new Properties();
        strict.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(broker.bootstrapServers(), strict)) {
            consumer.assign(Set.of(tp));
            consumer.seek(tp, 100);
            assertThatThrownBy(() -> {
                for (int i = 0; i < 50; i++) {
                    consumer.poll(Duration.ofMillis(200));
                }
            }).isInstanceOf(OffsetOutOfRangeException.class);
            consumer.seekToBeginning(Set.of(tp));
            assertThat(consumer.position(tp)).isEqualTo(2500);
        }
        assertThat(PartitionReader.readRecords(broker.bootstrapServers(), tp, 500).get(0).offset()).isEqualTo(2500);

        broker.restart();
        assertThat(earliest(tp)).isEqualTo(2500);
    }

    @Test
    void recordsOfACompactedTopicCannotBeDeleted() throws Exception {
        TopicPartition tp = new TopicPartition("compacted-keep", 0);
        createTopic(tp.topic(), Map.of("cleanup.policy", "compact"));
        produce(tp.topic(), 10, null);

        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            assertThatThrownBy(() -> admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(5))).lowWatermarks().get(tp).get())
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(PolicyViolationException.class);
        }
        assertThat(earliest(tp)).isZero();
    }
}
