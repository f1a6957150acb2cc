package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.testing.BrokerProcess;
import io.vltava.testing.KafkaClients;
import java.nio.file.Files;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The broker as the README starts it, in a process of its own: serves clients and stops cleanly on SIGTERM. */
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
}
