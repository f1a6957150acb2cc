package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.testing.BrokerProcess;
import io.vltava.testing.KafkaClients;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The broker as the README starts it, in a process of its own: serves clients and stops cleanly on
 * SIGTERM, even in the middle of a producer's stream.
 */
class SeparateProcessIT {

    @Test
    void readmeCommandRunsABrokerThatStopsCleanly() throws Exception {
        try (BrokerProcess broker = BrokerProcess.start(BrokerProcess.repositoryRoot(), List.of())) {
            System.out.println("Broker process reported start-up in " + broker.startupMillis() + " ms");
            try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
                admin.createTopics(List.of(new NewTopic("process", 1, (short) 1))).all().get();
            }
            try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers())) {
                assertThat(producer.send(new ProducerRecord<>("process", "hello")).get().offset()).isZero();
            }
            assertThat(broker.stop()).as("exit code after SIGTERM: 0, or 143 as the JVM reports a SIGTERM").isIn(0, 143);
            assertThat(broker.output()).anySatisfy(line -> assertThat(line).contains("stopped"));
            assertThat(Files.exists(broker.dataDir().resolve(".kafka_cleanshutdown"))).isTrue();

            broker.restart();
            assertThat(broker.output()).noneSatisfy(line -> assertThat(line).contains("unclean shutdown"));
            try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers())) {
                assertThat(producer.send(new ProducerRecord<>("process", "again")).get().offset()).isEqualTo(1);
            }
            assertThat(PartitionReader.readValues(broker.bootstrapServers(), new TopicPartition("process", 0), 2)).containsExactly("hello", "again");
        }
    }

    @Test
    void sigtermInTheMiddleOfAProducersStreamStopsCleanlyAndLosesNoAcknowledgedRecord() throws Exception {
        try (BrokerProcess broker = BrokerProcess.start(BrokerProcess.repositoryRoot(), List.of())) {
            try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
                admin.createTopics(List.of(new NewTopic("busy", 1, (short) 1))).all().get();
            }
            Properties settings = new Properties();
            settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "3000");
            settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
            settings.put(ProducerConfig.LINGER_MS_CONFIG, "1");
            settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "2000");
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicInteger failed = new AtomicInteger();
            try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers(), settings)) {
                Thread sender = new Thread(() -> {
                    for (int i = 0; i < 1_000_000 && failed.get() == 0; i++) {
                        String value = "v" + i;
                        try {
                            producer.send(new ProducerRecord<>("busy", value), (metadata, error) -> {
                                if (error == null) {
                                    acknowledged.add(value);
                                } else {
                                    failed.incrementAndGet();
                                }
                            });
                        } catch (KafkaException e) {
                            failed.incrementAndGet();
                        }
                    }
                }, "busy-producer");
                sender.start();
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 20_000);

                long stopping = System.nanoTime();
                assertThat(broker.stop()).isIn(0, 143);
                System.out.printf("SIGTERM under load: the broker stopped in %d ms after %d acknowledged records%n",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping), acknowledged.size());
                sender.join(30_000);
                producer.close(Duration.ZERO);
            }
            assertThat(Files.exists(broker.dataDir().resolve(".kafka_cleanshutdown"))).isTrue();

            broker.restart();
            assertThat(broker.output()).noneSatisfy(line -> assertThat(line).contains("unclean shutdown"));
            long stored;
            try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
                TopicPartition busy = new TopicPartition("busy", 0);
                stored = admin.listOffsets(Map.of(busy, OffsetSpec.latest())).partitionResult(busy).get().offset();
            }
            assertThat(stored).isGreaterThanOrEqualTo(acknowledged.size());
            List<String> values = PartitionReader.readValues(broker.bootstrapServers(), new TopicPartition("busy", 0), stored);
            assertThat(Set.copyOf(values)).containsAll(acknowledged);
        }
    }
}
