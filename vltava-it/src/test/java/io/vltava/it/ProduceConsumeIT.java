package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.testing.EmbeddedBroker;
import io.vltava.testing.KafkaClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ProduceConsumeIT {

    private static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void defaultProducerAndAssignedConsumerRoundTrip() throws Exception {
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("orders", 3, (short) 1))).all().get();
            assertThat(admin.listTopics().names().get()).contains("orders");
        }
        List<RecordMetadata> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers())) {
            for (int i = 0; i < 100; i++) {
                sent.add(producer.send(new ProducerRecord<>("orders", i % 3, "k" + i, "v" + i)).get());
            }
        }
        assertThat(sent).allSatisfy(m -> assertThat(m.offset()).isBetween(0L, 33L));
        try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(broker.bootstrapServers())) {
            TopicPartition p0 = new TopicPartition("orders", 0);
            consumer.assign(Set.of(p0));
            consumer.seekToBeginning(Set.of(p0));
            List<ConsumerRecord<String, String>> received = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 20_000;
            while (received.size() < 34 && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
            assertThat(received).hasSize(34);
            assertThat(received.get(0).value()).isEqualTo("v0");
            assertThat(received.get(0).offset()).isZero();
            assertThat(received.get(33).offset()).isEqualTo(33);
        }
    }
}
