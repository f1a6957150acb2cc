package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vltava.testing.EmbeddedBroker;
import io.vltava.testing.KafkaClients;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The Java producer with every codec and acks setting; what it stores is what a consumer reads back. */
class ProduceIT {

    private static EmbeddedBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedBroker.start(Map.of("message.max.bytes", "200000"));
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @ParameterizedTest
    @CsvSource({"none,all", "gzip,all", "snappy,1", "lz4,all", "zstd,1", "none,0", "lz4,0"})
    void storesWhatEveryCodecAndAcksSends(String codec, String acks) throws Exception {
        String topic = "codec-" + codec + "-acks" + acks;
        createTopic(topic, 1);
        Properties props = new Properties();
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec);
        props.put(ProducerConfig.ACKS_CONFIG, acks);
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        if (acks.equals("0")) {
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        }
        int count = 500;
        try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers(), props)) {
            List<java.util.concurrent.Future<RecordMetadata>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ProducerRecord<String, String> record = new ProducerRecord<>(topic, 0, 1_700_000_000_000L + i, "key-" + i, "value-" + i + "-" + "x".repeat(i % 50));
                record.headers().add(new RecordHeader("h", ("hv" + i).getBytes(StandardCharsets.UTF_8)));
                futures.add(producer.send(record));
            }
            producer.flush();
            for (int i = 0; i < count; i++) {
                RecordMetadata metadata = futures.get(i).get();
                if (!acks.equals("0")) {
                    assertThat(metadata.offset()).isEqualTo(i);
                }
            }
        }
        List<ConsumerRecord<String, String>> records = PartitionReader.readExactly(broker.bootstrapServers(), new TopicPartition(topic, 0), count);
        for (int i = 0; i < count; i++) {
            ConsumerRecord<String, String> record = records.get(i);
            assertThat(record.offset()).isEqualTo(i);
            assertThat(record.key()).isEqualTo("key-" + i);
            assertThat(record.value()).isEqualTo("value-" + i + "-" + "x".repeat(i % 50));
            assertThat(record.timestamp()).isEqualTo(1_700_000_000_000L + i);
            assertThat(new String(record.headers().lastHeader("h").value(), StandardCharsets.UTF_8)).isEqualTo("hv" + i);
        }
    }

    @Test
    void refusesRecordsLargerThanMessageMaxBytes() throws Exception {
        createTopic("too-large", 1);
        Properties props = new Properties();
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "1000000");
        try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers(), props)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("too-large", "x".repeat(300_000))).get())
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(RecordTooLargeException.class);
            assertThat(producer.send(new ProducerRecord<>("too-large", "small")).get().offset()).isZero();
        }
    }

    @Test
    void logAppendTimeTopicsStampTheBrokerTime() throws Exception {
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("append-time", 1, (short) 1)
                    .configs(Map.of("message.timestamp.type", "LogAppendTime")))).all().get();
        }
        long before = System.currentTimeMillis();
        try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers())) {
            RecordMetadata metadata = producer.send(new ProducerRecord<>("append-time", 0, 1000L, "k", "v")).get();
            assertThat(metadata.timestamp()).isGreaterThanOrEqualTo(before);
        }
        ConsumerRecord<String, String> record = PartitionReader.readExactly(broker.bootstrapServers(), new TopicPartition("append-time", 0), 1).get(0);
        assertThat(record.timestamp()).isGreaterThanOrEqualTo(before);
        assertThat(record.timestampType()).isEqualTo(org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "uncompressed"})
    void brokerRecompressesWhenTheTopicSaysSo(String topicCodec) throws Exception {
        String topic = "recompress-" + topicCodec;
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of("compression.type", topicCodec)))).all().get();
        }
        Properties props = new Properties();
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers(), props)) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
            }
            producer.flush();
        }
        List<ConsumerRecord<String, String>> records = PartitionReader.readExactly(broker.bootstrapServers(), new TopicPartition(topic, 0), 10);
        assertThat(records).extracting(ConsumerRecord::value).containsExactly("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9");
    }

    @Test
    void compactedTopicsRefuseRecordsWithoutKeys() throws Exception {
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("compacted", 1, (short) 1).configs(Map.of("cleanup.policy", "compact")))).all().get();
        }
        try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("compacted", null, "no key")).get())
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(org.apache.kafka.common.InvalidRecordException.class);
            assertThat(producer.send(new ProducerRecord<>("compacted", "key", "value")).get().offset()).isZero();
        }
    }

    static void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
    }
}
