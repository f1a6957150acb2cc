package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.testing.EmbeddedBroker;
import io.vltava.testing.KafkaClients;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Earliest, latest, by timestamp and max timestamp, from the consumer and the admin client. */
class ListOffsetsIT {

    private static final long BASE = 1_700_000_000_000L;
    private static EmbeddedBroker broker;
    private static final TopicPartition TP = new TopicPartition("times", 0);

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.start(Map.of("log.segment.bytes", "1048576"));
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("times", 1, (short) 1))).all().get();
        }
        Properties props = new Properties();
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers(), props)) {
            for (int i = 0; i < 2000; i++) {
                long timestamp = i == 1234 ? BASE + 10_000_000 : BASE + i * 1000L;
                producer.send(new ProducerRecord<>("times", 0, timestamp, "k", "v" + i + "y".repeat(1000)));
            }
            producer.flush();
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void consumerFindsOffsets() {
        try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(broker.bootstrapServers())) {
            assertThat(consumer.beginningOffsets(Set.of(TP)).get(TP)).isZero();
            assertThat(consumer.endOffsets(Set.of(TP)).get(TP)).isEqualTo(2000);
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(Map.of(TP, BASE + 500_500L), Duration.ofSeconds(10));
            assertThat(found.get(TP).offset()).isEqualTo(501);
            assertThat(found.get(TP).timestamp()).isEqualTo(BASE + 501_000L);
            Map<TopicPartition, OffsetAndTimestamp> exact = consumer.offsetsForTimes(Map.of(TP, BASE + 17_000L), Duration.ofSeconds(10));
            assertThat(exact.get(TP).offset()).isEqualTo(17);
            Map<TopicPartition, OffsetAndTimestamp> none = consumer.offsetsForTimes(Map.of(TP, BASE + 99_000_000L), Duration.ofSeconds(10));
            assertThat(none.get(TP)).isNull();
        }
    }

    @Test
    void adminFindsMaxTimestamp() throws Exception {
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            ListOffsetsResultInfo max = admin.listOffsets(Map.of(TP, OffsetSpec.maxTimestamp())).partitionResult(TP).get();
            assertThat(max.offset()).isEqualTo(1234);
            assertThat(max.timestamp()).isEqualTo(BASE + 10_000_000);
            assertThat(admin.listOffsets(Map.of(TP, OffsetSpec.earliest())).partitionResult(TP).get().offset()).isZero();
            assertThat(admin.listOffsets(Map.of(TP, OffsetSpec.latest())).partitionResult(TP).get().offset()).isEqualTo(2000);
            assertThat(admin.listOffsets(Map.of(TP, OffsetSpec.forTimestamp(BASE))).partitionResult(TP).get().offset()).isZero();
        }
    }
}
