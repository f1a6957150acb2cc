package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vltava.testing.EmbeddedBroker;
import io.vltava.testing.KafkaClients;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/** Topics created on first use when {@code auto.create.topics.enable} is on, and refused otherwise. */
class AutoCreateIT {

    @Test
    void producingToAMissingTopicCreatesIt() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(Map.of("num.partitions", "3"));
             KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers());
             Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            assertThat(producer.send(new ProducerRecord<>("created-on-use", "v")).get().offset()).isZero();
            assertThat(admin.describeTopics(List.of("created-on-use")).allTopicNames().get().get("created-on-use").partitions()).hasSize(3);
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("not:legal", "v")).get())
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(InvalidTopicException.class);
        }
    }

    @Test
    void missingTopicsStayMissingWhenAutoCreationIsOff() {
        Properties props = new Properties();
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "1500");
        try (EmbeddedBroker broker = EmbeddedBroker.start(Map.of("auto.create.topics.enable", "false"));
             KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers(), props)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("never-created", "v")).get())
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TimeoutException.class);
        }
    }
}
