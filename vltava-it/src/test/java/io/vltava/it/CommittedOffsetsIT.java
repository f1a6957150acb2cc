package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vltava.testing.EmbeddedBroker;
import io.vltava.testing.KafkaClients;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.OffsetMetadataTooLarge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Committed offsets through the real Java clients, outside any rebalance: a consumer with assigned
 * partitions commits and reads back, offsets survive a restart, and the admin client lists, fetches
 * (many groups at once) and deletes them; __consumer_offsets is created on first use, internal and
 * compacted.
 */
class CommittedOffsetsIT {

    private static EmbeddedBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.start(Map.of("offsets.topic.num.partitions", "5"));
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("orders", 3, (short) 1), new NewTopic("audit", 1, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static KafkaConsumer<String, String> consumer(String groupId) {
        Properties props = new Properties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return KafkaClients.consumer(broker.bootstrapServers(), props);
    }

    private static Map<TopicPartition, OffsetAndMetadata> commitsOf(String groupId, int base) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (int p = 0; p < 3; p++) {
            offsets.put(new TopicPartition("orders", p), new OffsetAndMetadata(base + p, "note-" + p));
        }
        offsets.put(new TopicPartition("audit", 0), new OffsetAndMetadata(base + 9));
        return offsets;
    }

    @Test
    void offsetsCommittedByAnAssignedConsumerSurviveARestart() throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = commitsOf("billing", 40);
        try (KafkaConsumer<String, String> consumer = consumer("billing")) {
            consumer.assign(committed.keySet());
            consumer.commitSync(committed);
            assertThat(consumer.committed(committed.keySet())).isEqualTo(committed);
        }

        broker.restart();

        try (KafkaConsumer<String, String> consumer = consumer("billing")) {
            assertThat(consumer.committed(committed.keySet())).isEqualTo(committed);
            consumer.assign(Set.of(new TopicPartition("audit", 0)));
            assertThat(consumer.position(new TopicPartition("audit", 0))).isEqualTo(49);
        }
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            assertThat(admin.listConsumerGroupOffsets("billing").partitionsToOffsetAndMetadata().get()).isEqualTo(committed);
            List<GroupListing> groups = List.copyOf(admin.listGroups().all().get());
            assertThat(groups).anySatisfy(group -> {
                assertThat(group.groupId()).isEqualTo("billing");
                assertThat(group.type()).contains(GroupType.CLASSIC);
            });
        }
    }

    @Test
    void theAdminClientFetchesTheOffsetsOfManyGroupsAtOnce() throws Exception {
        Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
        for (int g = 0; g < 8; g++) {
            String groupId = "batch-" + g;
            try (KafkaConsumer<String, String> consumer = consumer(groupId)) {
                consumer.commitSync(commitsOf(groupId, g * 100));
            }
            specs.put(groupId, new ListConsumerGroupOffsetsSpec());
        }
        specs.put("never-committed", new ListConsumerGroupOffsetsSpec());
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            Map<String, Map<TopicPartition, OffsetAndMetadata>> all = admin.listConsumerGroupOffsets(specs).all().get();
            for (int g = 0; g < 8; g++) {
                assertThat(all.get("batch-" + g)).isEqualTo(commitsOf("batch-" + g, g * 100));
            }
            assertThat(all.get("never-committed")).isEmpty();
        }
    }

    @Test
    void offsetsAndEmptyGroupsCanBeDeleted() throws Exception {
        try (KafkaConsumer<String, String> consumer = consumer("cleanup")) {
            consumer.commitSync(commitsOf("cleanup", 7));
        }
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            admin.deleteConsumerGroupOffsets("cleanup", Set.of(new TopicPartition("audit", 0))).all().get();
            assertThat(admin.listConsumerGroupOffsets("cleanup").partitionsToOffsetAndMetadata().get()).hasSize(3)
                    .doesNotContainKey(new TopicPartition("audit", 0));

            admin.deleteConsumerGroups(List.of("cleanup")).all().get();
            assertThat(admin.listConsumerGroupOffsets("cleanup").partitionsToOffsetAndMetadata().get()).isEmpty();
            assertThatThrownBy(() -> admin.deleteConsumerGroups(List.of("cleanup")).all().get())
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(GroupIdNotFoundException.class);
        }
        broker.restart();
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            assertThat(admin.listConsumerGroupOffsets("cleanup").partitionsToOffsetAndMetadata().get()).isEmpty();
        }
    }

    @Test
    void metadataLongerThanTheLimitIsRefused() {
        try (KafkaConsumer<String, String> consumer = consumer("chatty")) {
            TopicPartition tp = new TopicPartition("audit", 0);
            assertThatThrownBy(() -> consumer.commitSync(Map.of(tp, new OffsetAndMetadata(1, "x".repeat(5000)))))
                    .isInstanceOf(OffsetMetadataTooLarge.class);
            assertThat(consumer.committed(Set.of(tp)).get(tp)).isNull();
        }
    }

    @Test
    void theOffsetsTopicIsInternalAndCompacted() throws Exception {
        try (KafkaConsumer<String, String> consumer = consumer("creates-the-topic")) {
            consumer.commitSync(commitsOf("creates-the-topic", 1));
        }
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            TopicDescription offsets = admin.describeTopics(List.of("__consumer_offsets")).allTopicNames().get().get("__consumer_offsets");
            assertThat(offsets.isInternal()).isTrue();
            assertThat(offsets.partitions()).hasSize(5);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "__consumer_offsets");
            ConfigEntry policy = admin.describeConfigs(List.of(resource)).all().get().get(resource).get("cleanup.policy");
            assertThat(policy.value()).isEqualTo("compact");
        }
    }
}
