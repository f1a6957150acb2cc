package io.vltava.metadata.image;

import static io.vltava.metadata.image.Images.apply;
import static io.vltava.metadata.image.Images.broker;
import static io.vltava.metadata.image.Images.topic;
import static io.vltava.metadata.image.Images.topicConfig;
import static io.vltava.metadata.image.Images.topicResource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vltava.metadata.record.MetadataRecord;
import io.vltava.metadata.record.ProducerIdsRecord;
import io.vltava.metadata.record.RegisterBrokerRecord.BrokerEndpoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MetadataImageTest {

    private static final UUID ORDERS = new UUID(0, 1);

    @Test
    void theEmptyImageHasNothing() {
        MetadataImage empty = MetadataImage.EMPTY;

        assertThat(empty.offset()).isEqualTo(-1);
        assertThat(empty.topics().byId()).isEmpty();
        assertThat(empty.topics().byName()).isEmpty();
        assertThat(empty.configs()).isEmpty();
        assertThat(empty.brokers()).isEmpty();
        assertThat(empty.nextProducerId()).isZero();
        assertThat(empty.configs(topicResource("orders"))).isEmpty();
        assertThat(empty.topics().get("orders")).isNull();
        assertThat(empty.topics().get(ORDERS)).isNull();
    }

    @Test
    void anImageBuiltFromRecordsCannotBeModified() {
        List<MetadataRecord> records = new ArrayList<>(topic("orders", ORDERS, 2));
        records.add(topicConfig("orders", "retention.ms", "1000"));
        records.add(broker(1, 9092));
        records.add(new ProducerIdsRecord(1, 1000));
        MetadataImage image = apply(MetadataImage.EMPTY, 0, records);
        TopicImage orders = image.topics().get("orders");
        PartitionRegistration partition = orders.partitions().get(0);
        BrokerRegistration broker = image.brokers().get(1);

        assertThatThrownBy(() -> image.topics().byId().remove(ORDERS)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> image.topics().byName().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> orders.partitions().remove(0)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> partition.replicas().add(2)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> partition.isr().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> image.configs().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> image.configs(topicResource("orders")).put("retention.ms", "1"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> image.brokers().remove(1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> broker.endpoints().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void copiesTheCollectionsItIsBuiltFrom() {
        Map<String, String> topicConfigs = new HashMap<>(Map.of("retention.ms", "1000"));
        Map<ConfigResource, Map<String, String>> configs = new HashMap<>(Map.of(topicResource("orders"), topicConfigs));
        List<Integer> replicas = new ArrayList<>(List.of(1));
        Map<Integer, PartitionRegistration> partitions = new HashMap<>(Map.of(0, new PartitionRegistration(replicas, replicas, 1, 0, 0)));
        Map<UUID, TopicImage> byId = new HashMap<>(Map.of(ORDERS, new TopicImage("orders", ORDERS, partitions)));
        Map<String, TopicImage> byName = new HashMap<>(Map.of("orders", byId.get(ORDERS)));
        List<BrokerEndpoint> endpoints = new ArrayList<>(List.of(new BrokerEndpoint("PLAINTEXT", "localhost", 9092, "PLAINTEXT")));
        Map<Integer, BrokerRegistration> brokers = new HashMap<>(Map.of(1, new BrokerRegistration(1, ORDERS, endpoints, null)));

        MetadataImage image = new MetadataImage(5, new TopicsImage(byId, byName), configs, brokers, 10, Map.of());
        topicConfigs.put("segment.ms", "1");
        configs.clear();
        replicas.add(2);
        partitions.clear();
        byId.clear();
        byName.clear();
        endpoints.clear();
        brokers.clear();

        assertThat(image.configs(topicResource("orders"))).containsExactly(Map.entry("retention.ms", "1000"));
        assertThat(image.topics().get("orders").partitions().get(0).replicas()).containsExactly(1);
        assertThat(image.topics().get(ORDERS)).isNotNull();
        assertThat(image.brokers().get(1).endpoints()).hasSize(1);
        assertThatThrownBy(() -> image.configs(topicResource("orders")).put("segment.ms", "1"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void findsABrokersEndpointByListenerName() {
        BrokerRegistration broker = new BrokerRegistration(1, ORDERS, List.of(
                new BrokerEndpoint("PLAINTEXT", "localhost", 9092, "PLAINTEXT"),
                new BrokerEndpoint("SSL", "localhost", 9093, "SSL")), "rack");

        assertThat(broker.endpoint("SSL")).hasValueSatisfying(e -> assertThat(e.port()).isEqualTo(9093));
        assertThat(broker.endpoint("CONTROLLER")).isEmpty();
    }

    @Test
    void imagesWithTheSameContentAreEqual() {
        MetadataImage a = apply(MetadataImage.EMPTY, 3, topic("orders", ORDERS, 2));
        MetadataImage b = apply(MetadataImage.EMPTY, 3, topic("orders", ORDERS, 2));

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(apply(MetadataImage.EMPTY, 4, topic("orders", ORDERS, 2))).isNotEqualTo(a);
    }
}
