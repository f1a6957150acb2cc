package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.testing.EmbeddedBroker;
import io.vltava.testing.KafkaClients;
import io.vltava.testing.RawKafkaClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.junit.jupiter.api.Test;

/** Everything a clean restart must keep: topics, configurations, data, and producer ids never reused. */
class RestartIT {

    @Test
    void aClientConnectedAcrossRestartsIsServedAgainAtOnce() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start()) {
            try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
                admin.createTopics(List.of(new NewTopic("across", 1, (short) 1))).all().get();
                for (int i = 0; i < 6; i++) {
                    admin.describeTopics(List.of("across")).allTopicNames().get();
                    broker.restart();
                    // A request left on a connection the stopping broker did not close waits out the
                    // client's 30 s request timeout; one the new broker gets is answered at once.
                    assertThat(admin.listTopics().names().get(15, TimeUnit.SECONDS)).contains("across");
                }
            }
        }
    }

    @Test
    void topicsConfigsAndDataSurviveARestart() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(Map.of("log.segment.bytes", "1048576"))) {
            try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
                admin.createTopics(List.of(new NewTopic("kept", 2, (short) 1).configs(Map.of("retention.ms", "123456")))).all().get();
            }
            try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers())) {
                for (int i = 0; i < 2000; i++) {
                    producer.send(new ProducerRecord<>("kept", i % 2, "k" + i, "v" + i + "z".repeat(500)));
                }
                producer.flush();
            }
            long firstProducerId = initProducerId(broker);

            broker.restart();

            try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
                assertThat(admin.describeTopics(List.of("kept")).allTopicNames().get().get("kept").partitions()).hasSize(2);
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "kept");
                assertThat(admin.describeConfigs(List.of(resource)).all().get().get(resource).get("retention.ms").value()).isEqualTo("123456");
            }
            assertThat(initProducerId(broker)).isGreaterThan(firstProducerId);
            for (int p = 0; p < 2; p++) {
                List<ConsumerRecord<String, String>> records = PartitionReader.readExactly(broker.bootstrapServers(), new TopicPartition("kept", p), 1000);
                for (int i = 0; i < 1000; i++) {
                    assertThat(records.get(i).offset()).isEqualTo(i);
                    assertThat(records.get(i).key()).isEqualTo("k" + (2 * i + p));
                }
            }
            try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers())) {
                assertThat(producer.send(new ProducerRecord<>("kept", 0, "after", "restart")).get().offset()).isEqualTo(1000);
            }
        }
    }

    private static long initProducerId(EmbeddedBroker broker) {
        try (RawKafkaClient client = new RawKafkaClient("127.0.0.1", broker.port())) {
            InitProducerIdRequest request = new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
                    .setTransactionalId(null).setTransactionTimeoutMs(Integer.MAX_VALUE)).build();
            InitProducerIdResponse response = (InitProducerIdResponse) client.send(request);
            assertThat(response.error().code()).isZero();
            return response.data().producerId();
        }
    }
}
