package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vltava.testing.EmbeddedBroker;
import io.vltava.testing.KafkaClients;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A compacted topic read back from the start with the real Java consumer gives the latest value of every key. */
class CompactionIT {

    private static final int KEYS = 200;
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static EmbeddedBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedBroker.start(Map.of("log.cleaner.backoff.ms", "100", "log.segment.delete.delay.ms", "100"));
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    /** 1,000 random letters and digits, so that compression leaves most of the bytes. */
    private static String noise(Random random) {
        StringBuilder text = new StringBuilder(1000);
        for (int i = 0; i < 1000; i++) {
            text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return text.toString();
    }

    @Test
    void aCompactedTopicKeepsTheLatestValueOfEveryKeyAndDropsDeletedKeys() throws Exception {
        TopicPartition tp = new TopicPartition("latest-per-key", 0);
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(tp.topic(), 1, (short) 1).configs(Map.of("cleanup.policy", "compact",
                    "segment.bytes", "1048576", "min.cleanable.dirty.ratio", "0.01", "delete.retention.ms", "0",
                    "compression.type", "producer")))).all().get();
        }
        Map<String, String> latest = new HashMap<>();
        Properties props = new Properties();
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        Random random = new Random(42);
        int sent = 0;
        try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers(), props)) {
            for (int round = 0; round < 20; round++) {
                for (int k = 0; k < KEYS; k++) {
                    String key = "key-" + k;
                    boolean deletedKey = k % 10 == 0;
                    if (round == 19 && deletedKey) {
                        continue;
                    }
                    String value = round == 18 && deletedKey ? null : "round-" + round + "-" + noise(random);
                    producer.send(new ProducerRecord<>(tp.topic(), 0, key, value));
                    sent++;
                    if (value == null) {
                        latest.remove(key);
                    } else {
                        latest.put(key, value);
                    }
                }
            }
            producer.flush();
        }
        int total = sent;

        // Round 18 deletes every tenth key and round 19 leaves those keys alone.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<ConsumerRecord<String, String>> records = PartitionReader.readRecords(broker.bootstrapServers(), tp, 1);
            assertThat(records.size()).isLessThan(total / 2);
            Map<String, String> seen = new HashMap<>();
            long previous = -1;
            for (ConsumerRecord<String, String> record : records) {
                assertThat(record.offset()).isGreaterThan(previous);
                previous = record.offset();
                if (record.value() == null) {
                    seen.remove(record.key());
                } else {
                    seen.put(record.key(), record.value());
                }
            }
            assertThat(seen).isEqualTo(latest);
        });
    }
}
