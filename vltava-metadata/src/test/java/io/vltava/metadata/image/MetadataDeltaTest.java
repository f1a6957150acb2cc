package io.vltava.metadata.image;

import static io.vltava.metadata.image.Images.apply;
import static io.vltava.metadata.image.Images.broker;
import static io.vltava.metadata.image.Images.partition;
import static io.vltava.metadata.image.Images.topic;
import static io.vltava.metadata.image.Images.topicConfig;
import static io.vltava.metadata.image.Images.topicResource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vltava.metadata.record.ClientQuotaRecord;
import io.vltava.metadata.record.ConfigRecord;
import io.vltava.metadata.record.ConfigResourceType;
import io.vltava.metadata.record.PartitionRecord;
import io.vltava.metadata.record.ProducerIdsRecord;
import io.vltava.metadata.record.QuotaEntity;
import io.vltava.metadata.record.RegisterBrokerRecord;
import io.vltava.metadata.record.RemoveTopicRecord;
import io.vltava.metadata.record.TopicRecord;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import io.vltava.metadata.record.MetadataRecord;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class MetadataDeltaTest {

    private static final UUID ORDERS = new UUID(0, 1);
    private static final UUID PAYMENTS = new UUID(0, 2);

    @Test
    void anEmptyDeltaChangesNothingButTheOffset() {
        MetadataImage base = apply(MetadataImage.EMPTY, 3, topic("orders", ORDERS, 1));
        MetadataDelta delta = new MetadataDelta(base);

        assertThat(delta.changedTopics()).isEmpty();
        assertThat(delta.deletedTopics()).isEmpty();
        assertThat(delta.changedConfigResources()).isEmpty();
        MetadataImage next = delta.apply(4);
        assertThat(next.offset()).isEqualTo(4);
        assertThat(next.topics()).isEqualTo(base.topics());
        assertThat(next.configs()).isEqualTo(base.configs());
        assertThat(next.brokers()).isEqualTo(base.brokers());
        assertThat(next.nextProducerId()).isEqualTo(base.nextProducerId());
    }

    @Test
    void createsATopicWithItsPartitions() {
        MetadataDelta delta = new MetadataDelta(MetadataImage.EMPTY);
        delta.replay(new TopicRecord("orders", ORDERS));
        delta.replay(new PartitionRecord(ORDERS, 0, List.of(1, 2), List.of(1, 2), 1, 0, 0));
        delta.replay(new PartitionRecord(ORDERS, 1, List.of(2, 1), List.of(2), 2, 0, 0));

        MetadataImage image = delta.apply(7);

        assertThat(image.offset()).isEqualTo(7);
        TopicImage orders = image.topics().get("orders");
        assertThat(orders).isNotNull().isSameAs(image.topics().get(ORDERS));
        assertThat(orders.id()).isEqualTo(ORDERS);
        assertThat(orders.partitionCount()).isEqualTo(2);
        assertThat(orders.partitions().get(0)).isEqualTo(new PartitionRegistration(List.of(1, 2), List.of(1, 2), 1, 0, 0));
        assertThat(orders.partitions().get(1)).isEqualTo(new PartitionRegistration(List.of(2, 1), List.of(2), 2, 0, 0));

        assertThat(delta.changedTopics()).singleElement().satisfies(changed -> {
            assertThat(changed.name()).isEqualTo("orders");
            assertThat(changed.id()).isEqualTo(ORDERS);
            assertThat(changed.partitions()).containsOnlyKeys(0, 1);
            assertThat(changed.changedPartitions()).containsOnlyKeys(0, 1);
        });
        assertThat(delta.deletedTopics()).isEmpty();
        assertThat(delta.changedConfigResources()).isEmpty();
    }

    @Test
    void addingAPartitionKeepsTheOthersAndReportsOnlyTheNewOne() {
        MetadataImage base = apply(MetadataImage.EMPTY, 0, topic("orders", ORDERS, 2));
        MetadataDelta delta = new MetadataDelta(base);
        delta.replay(partition(ORDERS, 2));

        MetadataImage image = delta.apply(1);

        assertThat(image.topics().get("orders").partitions()).containsOnlyKeys(0, 1, 2);
        assertThat(image.topics().get("orders").partitions().get(0)).isEqualTo(base.topics().get("orders").partitions().get(0));
        assertThat(delta.changedTopics()).singleElement().satisfies(changed -> {
            assertThat(changed.partitions()).containsOnlyKeys(0, 1, 2);
            assertThat(changed.changedPartitions()).containsOnlyKeys(2);
        });
        assertThat(delta.deletedTopics()).isEmpty();
    }

    @Test
    void aNewPartitionRecordReplacesThePartitionsRegistration() {
        MetadataImage base = apply(MetadataImage.EMPTY, 0, topic("orders", ORDERS, 1));
        PartitionRecord moved = new PartitionRecord(ORDERS, 0, List.of(1, 2), List.of(2), 2, 1, 1);

        MetadataImage image = apply(base, 1, moved);

        assertThat(image.topics().get(ORDERS).partitions().get(0)).isEqualTo(new PartitionRegistration(List.of(1, 2), List.of(2), 2, 1, 1));
    }

    @Test
    void refusesAPartitionOfAnUnknownTopic() {
        MetadataDelta delta = new MetadataDelta(MetadataImage.EMPTY);

        assertThatThrownBy(() -> delta.replay(partition(ORDERS, 0)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(ORDERS.toString());
    }

    @Test
    void onlyTheTopicsTouchedAreReportedAsChanged() {
        MetadataImage base = apply(MetadataImage.EMPTY, 0, List.of(new TopicRecord("orders", ORDERS), partition(ORDERS, 0),
                new TopicRecord("payments", PAYMENTS), partition(PAYMENTS, 0)));
        MetadataDelta delta = new MetadataDelta(base);
        delta.replay(partition(PAYMENTS, 1));

        MetadataImage image = delta.apply(1);

        assertThat(delta.changedTopics()).extracting(MetadataDelta.ChangedTopic::name).containsExactly("payments");
        assertThat(image.topics().get("orders")).isSameAs(base.topics().get("orders"));
    }

    @Test
    void deletingATopicRemovesItAndItsConfiguration() {
        MetadataImage base = apply(MetadataImage.EMPTY, 0, List.of(
                new TopicRecord("orders", ORDERS), partition(ORDERS, 0), partition(ORDERS, 1),
                new TopicRecord("payments", PAYMENTS), partition(PAYMENTS, 0),
                topicConfig("orders", "retention.ms", "1000"), topicConfig("orders", "cleanup.policy", "compact"),
                topicConfig("payments", "retention.ms", "2000")));
        MetadataDelta delta = new MetadataDelta(base);
        delta.replay(new RemoveTopicRecord(ORDERS));

        MetadataImage image = delta.apply(1);

        assertThat(image.topics().get("orders")).isNull();
        assertThat(image.topics().get(ORDERS)).isNull();
        assertThat(image.topics().byId()).containsOnlyKeys(PAYMENTS);
        assertThat(image.topics().byName()).containsOnlyKeys("payments");
        assertThat(image.configs(topicResource("orders"))).isEmpty();
        assertThat(image.configs()).containsOnlyKeys(topicResource("payments"));
        assertThat(image.configs(topicResource("payments"))).containsExactly(Map.entry("retention.ms", "2000"));

        assertThat(delta.deletedTopics()).containsExactly(base.topics().get(ORDERS));
        assertThat(delta.changedTopics()).isEmpty();
        assertThat(delta.changedConfigResources()).containsExactly(topicResource("orders"));
    }

    @Test
    void theImageKnowsWhichExistingTopicANewNameCollidesWith() {
        MetadataImage base = apply(MetadataImage.EMPTY, 0, List.of(new TopicRecord("metrics.cpu", ORDERS), new TopicRecord("payments", PAYMENTS)));

        assertThat(base.topics().collidingWith("metrics_cpu")).contains("metrics.cpu");
        assertThat(base.topics().collidingWith("metrics.cpu")).contains("metrics.cpu");
        assertThat(base.topics().collidingWith("metrics-cpu")).isEmpty();

        MetadataImage afterDelete = apply(base, 1, new RemoveTopicRecord(ORDERS), new TopicRecord("pay.ments", new UUID(0, 3)));

        assertThat(afterDelete.topics().collidingWith("metrics_cpu")).as("the colliding topic was deleted").isEmpty();
        assertThat(afterDelete.topics().collidingWith("pay_ments")).contains("pay.ments");
        assertThat(afterDelete.topics().collidingWith("payments")).contains("payments");
        assertThat(afterDelete.topics()).isEqualTo(new TopicsImage(afterDelete.topics().byId(), afterDelete.topics().byName()));
    }

    @Test
    void deletingAnUnknownTopicChangesNothing() {
        MetadataImage base = apply(MetadataImage.EMPTY, 0, topic("orders", ORDERS, 1));
        MetadataDelta delta = new MetadataDelta(base);
        delta.replay(new RemoveTopicRecord(PAYMENTS));

        assertThat(delta.changedTopics()).isEmpty();
        assertThat(delta.deletedTopics()).isEmpty();
        assertThat(delta.changedConfigResources()).isEmpty();
        assertThat(delta.apply(1).topics()).isEqualTo(base.topics());
    }

    @Test
    void aTopicChangedThenDeletedInOneDeltaIsOnlyReportedAsDeleted() {
        MetadataImage base = apply(MetadataImage.EMPTY, 0, topic("orders", ORDERS, 1));
        MetadataDelta delta = new MetadataDelta(base);
        delta.replay(partition(ORDERS, 1));
        delta.replay(new RemoveTopicRecord(ORDERS));

        MetadataImage image = delta.apply(1);

        assertThat(image.topics().byId()).isEmpty();
        assertThat(delta.changedTopics()).isEmpty();
        assertThat(delta.deletedTopics()).extracting(TopicImage::id).containsExactly(ORDERS);
    }

    @Test
    void aTopicCreatedAndDeletedInOneDeltaLeavesNothingBehind() {
        MetadataDelta delta = new MetadataDelta(MetadataImage.EMPTY);
        topic("orders", ORDERS, 2).forEach(delta::replay);
        delta.replay(topicConfig("orders", "retention.ms", "1000"));
        delta.replay(new RemoveTopicRecord(ORDERS));

        MetadataImage image = delta.apply(0);

        assertThat(image.topics().byId()).isEmpty();
        assertThat(image.topics().byName()).isEmpty();
        assertThat(image.configs()).isEmpty();
        assertThat(delta.changedTopics()).isEmpty();
        assertThat(delta.deletedTopics()).isEmpty();
    }

    @Test
    void aTopicDeletedAndCreatedAgainUnderTheSameNameIsANewTopic() {
        MetadataImage base = apply(MetadataImage.EMPTY, 0, List.of(new TopicRecord("orders", ORDERS), partition(ORDERS, 0), partition(ORDERS, 1),
                topicConfig("orders", "retention.ms", "1000")));
        MetadataDelta delta = new MetadataDelta(base);
        delta.replay(new RemoveTopicRecord(ORDERS));
        topic("orders", PAYMENTS, 1).forEach(delta::replay);
        delta.replay(topicConfig("orders", "segment.ms", "5000"));

        MetadataImage image = delta.apply(1);

        assertThat(image.topics().get("orders").id()).isEqualTo(PAYMENTS);
        assertThat(image.topics().get("orders").partitionCount()).isEqualTo(1);
        assertThat(image.topics().get(ORDERS)).isNull();
        assertThat(image.configs(topicResource("orders"))).containsExactly(Map.entry("segment.ms", "5000"));
        assertThat(delta.deletedTopics()).extracting(TopicImage::id).containsExactly(ORDERS);
        assertThat(delta.changedTopics()).extracting(MetadataDelta.ChangedTopic::id).containsExactly(PAYMENTS);
    }

    @Test
    void setsAndUnsetsConfiguration() {
        MetadataImage first = apply(MetadataImage.EMPTY, 0, topicConfig("orders", "retention.ms", "1000"), topicConfig("orders", "segment.ms", "5"));
        assertThat(first.configs(topicResource("orders"))).isEqualTo(Map.of("retention.ms", "1000", "segment.ms", "5"));

        MetadataDelta delta = new MetadataDelta(first);
        delta.replay(topicConfig("orders", "retention.ms", "2000"));
        delta.replay(topicConfig("orders", "segment.ms", null));
        MetadataImage second = delta.apply(1);

        assertThat(second.configs(topicResource("orders"))).isEqualTo(Map.of("retention.ms", "2000"));
        assertThat(delta.changedConfigResources()).containsExactly(topicResource("orders"));
        assertThat(delta.changedTopics()).isEmpty();
        assertThat(delta.deletedTopics()).isEmpty();
        assertThat(first.configs(topicResource("orders"))).isEqualTo(Map.of("retention.ms", "1000", "segment.ms", "5"));
    }

    @Test
    void setsAndRemovesClientQuotasPerEntity() {
        QuotaEntity client = new QuotaEntity(null, QuotaEntity.Part.named("app"));
        QuotaEntity defaultUser = new QuotaEntity(QuotaEntity.Part.DEFAULT, null);
        MetadataImage first = apply(MetadataImage.EMPTY, 0, new ClientQuotaRecord(client, "producer_byte_rate", 100.0),
                new ClientQuotaRecord(client, "consumer_byte_rate", 200.0), new ClientQuotaRecord(defaultUser, "request_percentage", 50.0));

        MetadataDelta delta = new MetadataDelta(first);
        delta.replay(new ClientQuotaRecord(client, "producer_byte_rate", null));
        delta.replay(new ClientQuotaRecord(defaultUser, "request_percentage", null));
        MetadataImage second = delta.apply(1);

        assertThat(first.clientQuotas(client)).isEqualTo(Map.of("producer_byte_rate", 100.0, "consumer_byte_rate", 200.0));
        assertThat(second.clientQuotas(client)).isEqualTo(Map.of("consumer_byte_rate", 200.0));
        assertThat(second.clientQuotas()).doesNotContainKey(defaultUser);
        assertThat(delta.changedQuotaEntities()).containsExactlyInAnyOrder(client, defaultUser);
        assertThat(delta.changedConfigResources()).isEmpty();
    }

    @Test
    void unsettingTheLastKeyRemovesTheResource() {
        MetadataImage first = apply(MetadataImage.EMPTY, 0, topicConfig("orders", "retention.ms", "1000"));

        MetadataImage second = apply(first, 1, topicConfig("orders", "retention.ms", null));

        assertThat(second.configs()).isEmpty();
        assertThat(second.configs(topicResource("orders"))).isEmpty();
    }

    @Test
    void keepsConfigurationOfDifferentResourcesApart() {
        ConfigResource clusterDefault = new ConfigResource(ConfigResourceType.BROKER, "");
        ConfigResource broker1 = new ConfigResource(ConfigResourceType.BROKER, "1");
        MetadataDelta delta = new MetadataDelta(MetadataImage.EMPTY);
        delta.replay(new ConfigRecord(ConfigResourceType.BROKER, "", "log.retention.ms", "1"));
        delta.replay(new ConfigRecord(ConfigResourceType.BROKER, "1", "log.retention.ms", "2"));
        delta.replay(topicConfig("1", "retention.ms", "3"));

        MetadataImage image = delta.apply(0);

        assertThat(image.configs(clusterDefault)).containsExactly(Map.entry("log.retention.ms", "1"));
        assertThat(image.configs(broker1)).containsExactly(Map.entry("log.retention.ms", "2"));
        assertThat(image.configs(topicResource("1"))).containsExactly(Map.entry("retention.ms", "3"));
        assertThat(delta.changedConfigResources()).containsExactlyInAnyOrder(clusterDefault, broker1, topicResource("1"));
    }

    @Test
    void touchingOneResourceLeavesTheOthersOutOfTheChange() {
        MetadataImage base = apply(MetadataImage.EMPTY, 0, topicConfig("orders", "retention.ms", "1"), topicConfig("payments", "retention.ms", "2"));
        MetadataDelta delta = new MetadataDelta(base);
        delta.replay(topicConfig("payments", "retention.ms", "3"));

        MetadataImage image = delta.apply(1);

        assertThat(delta.changedConfigResources()).containsExactly(topicResource("payments"));
        assertThat(image.configs(topicResource("orders"))).isSameAs(base.configs(topicResource("orders")));
    }

    @Test
    void registersAndReRegistersBrokers() {
        MetadataImage first = apply(MetadataImage.EMPTY, 0, broker(1, 9092), broker(2, 9093));
        assertThat(first.brokers()).containsOnlyKeys(1, 2);
        assertThat(first.brokers().get(1).endpoint("PLAINTEXT")).hasValueSatisfying(e -> assertThat(e.port()).isEqualTo(9092));

        RegisterBrokerRecord moved = new RegisterBrokerRecord(1, new UUID(9, 9), List.of(
                new RegisterBrokerRecord.BrokerEndpoint("EXTERNAL", "example.com", 19092, "SSL")), "rack-a");
        MetadataDelta delta = new MetadataDelta(first);
        delta.replay(moved);
        MetadataImage second = delta.apply(1);

        assertThat(second.brokers().get(1)).isEqualTo(new BrokerRegistration(1, new UUID(9, 9), moved.endpoints(), "rack-a"));
        assertThat(second.brokers().get(1).endpoint("PLAINTEXT")).isEmpty();
        assertThat(second.brokers().get(2)).isEqualTo(first.brokers().get(2));
        assertThat(delta.changedTopics()).isEmpty();
        assertThat(delta.changedConfigResources()).isEmpty();
    }

    @Test
    void producerIdsOnlyMoveForward() {
        MetadataImage first = apply(MetadataImage.EMPTY, 0, new ProducerIdsRecord(1, 1000));
        assertThat(first.nextProducerId()).isEqualTo(1000);

        MetadataDelta backwards = new MetadataDelta(first);
        backwards.replay(new ProducerIdsRecord(2, 500));
        assertThat(backwards.apply(1).nextProducerId()).isEqualTo(1000);

        MetadataDelta forwards = new MetadataDelta(first);
        forwards.replay(new ProducerIdsRecord(2, 2000));
        forwards.replay(new ProducerIdsRecord(1, 3000));
        assertThat(forwards.apply(2).nextProducerId()).isEqualTo(3000);
    }

    @Test
    void neverChangesItsBaseImage() {
        MetadataImage base = apply(MetadataImage.EMPTY, 0, List.of(new TopicRecord("orders", ORDERS), partition(ORDERS, 0),
                topicConfig("orders", "retention.ms", "1"), broker(1, 9092)));
        MetadataImage copy = new MetadataImage(base.offset(), base.topics(), base.configs(), base.brokers(), base.nextProducerId(), base.clientQuotas());

        MetadataDelta delta = new MetadataDelta(base);
        delta.replay(partition(ORDERS, 1));
        delta.replay(topicConfig("orders", "retention.ms", "2"));
        delta.replay(new RemoveTopicRecord(ORDERS));
        delta.replay(broker(1, 9999));
        delta.replay(new ProducerIdsRecord(1, 1000));
        delta.apply(1);

        assertThat(base).isEqualTo(copy);
    }

    @Test
    void anImageDoesNotChangeWhenItsDeltaKeepsGoing() {
        MetadataDelta delta = new MetadataDelta(MetadataImage.EMPTY);
        topic("orders", ORDERS, 1).forEach(delta::replay);
        delta.replay(topicConfig("orders", "retention.ms", "1"));
        MetadataImage first = delta.apply(0);

        delta.replay(partition(ORDERS, 1));
        delta.replay(topicConfig("orders", "retention.ms", "2"));
        delta.replay(broker(1, 9092));
        MetadataImage second = delta.apply(1);

        assertThat(first.topics().get("orders").partitionCount()).isEqualTo(1);
        assertThat(first.configs(topicResource("orders"))).containsExactly(Map.entry("retention.ms", "1"));
        assertThat(first.brokers()).isEmpty();
        assertThat(second.topics().get("orders").partitionCount()).isEqualTo(2);
        assertThat(second.configs(topicResource("orders"))).containsExactly(Map.entry("retention.ms", "2"));
    }

    // ---- properties over random histories ----

    @Property(tries = 300)
    void oneDeltaForAWholeHistoryBuildsTheSameImageAsOneDeltaPerEntry(@ForAll("histories") List<RandomMetadata.Op> history) {
        List<List<MetadataRecord>> entries = RandomMetadata.entries(history);
        MetadataImage stepByStep = RandomMetadata.replayEntries(MetadataImage.EMPTY, entries);

        MetadataImage atOnce = apply(MetadataImage.EMPTY, stepByStep.offset(), entries.stream().flatMap(List::stream).toList());

        assertThat(atOnce).isEqualTo(stepByStep);
    }

    @Property(tries = 300)
    void eachDeltaReportsWhatChanged(@ForAll("histories") List<RandomMetadata.Op> history) {
        MetadataImage image = MetadataImage.EMPTY;
        for (List<MetadataRecord> entry : RandomMetadata.entries(history)) {
            MetadataDelta delta = new MetadataDelta(image);
            entry.forEach(delta::replay);
            MetadataImage next = delta.apply(image.offset() + 1);

            Set<UUID> changed = new HashSet<>();
            for (TopicImage topic : next.topics().byId().values()) {
                if (!topic.equals(image.topics().get(topic.id()))) {
                    changed.add(topic.id());
                }
            }
            Set<UUID> deleted = image.topics().byId().keySet().stream().filter(id -> next.topics().get(id) == null).collect(Collectors.toSet());
            Set<ConfigResource> changedConfigs = new HashSet<>();
            for (ConfigResource resource : union(image.configs().keySet(), next.configs().keySet())) {
                if (!image.configs(resource).equals(next.configs(resource))) {
                    changedConfigs.add(resource);
                }
            }

            assertThat(delta.changedTopics()).extracting(MetadataDelta.ChangedTopic::id).containsExactlyInAnyOrderElementsOf(changed);
            assertThat(delta.deletedTopics()).extracting(TopicImage::id).containsExactlyInAnyOrderElementsOf(deleted);
            assertThat(delta.changedConfigResources()).containsAll(changedConfigs);
            for (MetadataDelta.ChangedTopic topic : delta.changedTopics()) {
                assertThat(topic.partitions()).isEqualTo(next.topics().get(topic.id()).partitions());
            }
            image = next;
        }
    }

    private static <T> Set<T> union(Set<T> a, Set<T> b) {
        Set<T> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

    @Provide
    Arbitrary<List<RandomMetadata.Op>> histories() {
        return RandomMetadata.histories();
    }
}
