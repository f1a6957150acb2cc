package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vltava.testing.EmbeddedBroker;
import io.vltava.testing.KafkaClients;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Java AdminClient against a real broker: topics, partitions, configurations, cluster. */
class AdminIT {

    private static EmbeddedBroker broker;
    private static Admin admin;

    @BeforeAll
    static void start() {
        broker = EmbeddedBroker.start(Map.of("log.segment.bytes", "2097152"));
        admin = KafkaClients.admin(broker.bootstrapServers());
    }

    @AfterAll
    static void stop() {
        admin.close();
        broker.close();
    }

    @Test
    void createsDescribesAndDeletesTopics() throws Exception {
        CreateTopicsResult created = admin.createTopics(List.of(new NewTopic("admin-a", 4, (short) 1)
                .configs(Map.of("retention.ms", "60000", "cleanup.policy", "delete"))));
        created.all().get();
        assertThat(created.numPartitions("admin-a").get()).isEqualTo(4);
        assertThat(created.topicId("admin-a").get()).isNotNull();
        assertThat(created.config("admin-a").get().get("retention.ms").value()).isEqualTo("60000");

        TopicDescription description = admin.describeTopics(List.of("admin-a")).allTopicNames().get().get("admin-a");
        assertThat(description.partitions()).hasSize(4);
        assertThat(description.partitions()).allSatisfy(p -> {
            assertThat(p.leader().id()).isEqualTo(1);
            assertThat(p.replicas()).hasSize(1);
            assertThat(p.isr()).hasSize(1);
        });

        admin.deleteTopics(List.of("admin-a")).all().get();
        assertThat(admin.listTopics().names().get()).doesNotContain("admin-a");
        assertThatThrownBy(() -> admin.describeTopics(List.of("admin-a")).allTopicNames().get())
                .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
    }

    @Test
    void recreatedTopicStartsEmpty() throws Exception {
        admin.createTopics(List.of(new NewTopic("admin-again", 1, (short) 1))).all().get();
        try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers())) {
            producer.send(new ProducerRecord<>("admin-again", "old")).get();
        }
        admin.deleteTopics(List.of("admin-again")).all().get();
        admin.createTopics(List.of(new NewTopic("admin-again", 1, (short) 1))).all().get();
        org.apache.kafka.common.TopicPartition tp = new org.apache.kafka.common.TopicPartition("admin-again", 0);
        long end = admin.listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest())).partitionResult(tp).get().offset();
        assertThat(end).isZero();
    }

    @Test
    void refusesInvalidTopics() {
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("bad/name", 1, (short) 1))).all().get())
                .hasCauseInstanceOf(InvalidTopicException.class);
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("three-replicas", 1, (short) 3))).all().get())
                .hasCauseInstanceOf(InvalidReplicationFactorException.class);
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("bad-config", 1, (short) 1)
                .configs(Map.of("segment.bytes", "12")))).all().get())
                .hasCauseInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("unknown-config", 1, (short) 1)
                .configs(Map.of("no.such.config", "1")))).all().get())
                .hasCauseInstanceOf(InvalidConfigurationException.class);
    }

    @Test
    void refusesDuplicateTopic() throws Exception {
        admin.createTopics(List.of(new NewTopic("admin-dup", 1, (short) 1))).all().get();
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("admin-dup", 1, (short) 1))).all().get())
                .hasCauseInstanceOf(TopicExistsException.class);
    }

    @Test
    void validateOnlyCreatesNothing() throws Exception {
        admin.createTopics(List.of(new NewTopic("admin-dry", 2, (short) 1)), new CreateTopicsOptions().validateOnly(true)).all().get();
        assertThat(admin.listTopics().names().get()).doesNotContain("admin-dry");
    }

    @Test
    void addsPartitions() throws Exception {
        admin.createTopics(List.of(new NewTopic("admin-grow", 1, (short) 1))).all().get();
        admin.createPartitions(Map.of("admin-grow", NewPartitions.increaseTo(3))).all().get();
        assertThat(admin.describeTopics(List.of("admin-grow")).allTopicNames().get().get("admin-grow").partitions()).hasSize(3);
        assertThatThrownBy(() -> admin.createPartitions(Map.of("admin-grow", NewPartitions.increaseTo(2))).all().get())
                .hasCauseInstanceOf(InvalidPartitionsException.class);
        try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers())) {
            assertThat(producer.send(new ProducerRecord<>("admin-grow", 2, "k", "v")).get().partition()).isEqualTo(2);
        }
    }

    @Test
    void describesAndAltersTopicConfigs() throws Exception {
        admin.createTopics(List.of(new NewTopic("admin-conf", 1, (short) 1))).all().get();
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "admin-conf");
        Config before = admin.describeConfigs(List.of(topic)).all().get().get(topic);
        assertThat(before.get("segment.bytes").value()).isEqualTo("2097152");
        assertThat(before.get("segment.bytes").source()).isEqualTo(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG);
        assertThat(before.get("cleanup.policy").value()).isEqualTo("delete");
        assertThat(before.get("cleanup.policy").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);

        admin.incrementalAlterConfigs(Map.of(topic, List.of(
                new AlterConfigOp(new ConfigEntry("retention.ms", "1000"), AlterConfigOp.OpType.SET),
                new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.APPEND)))).all().get();
        Config after = admin.describeConfigs(List.of(topic)).all().get().get(topic);
        assertThat(after.get("retention.ms").value()).isEqualTo("1000");
        assertThat(after.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(after.get("cleanup.policy").value()).isEqualTo("delete,compact");

        admin.incrementalAlterConfigs(Map.of(topic, List.of(
                new AlterConfigOp(new ConfigEntry("retention.ms", ""), AlterConfigOp.OpType.DELETE)))).all().get();
        assertThat(admin.describeConfigs(List.of(topic)).all().get().get(topic).get("retention.ms").source())
                .isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);

        assertThatThrownBy(() -> admin.incrementalAlterConfigs(Map.of(topic, List.of(
                new AlterConfigOp(new ConfigEntry("retention.ms", "soon"), AlterConfigOp.OpType.SET)))).all().get())
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(InvalidConfigurationException.class);
    }

    @Test
    void describesBrokerConfigAndCluster() throws Exception {
        ConfigResource brokerResource = new ConfigResource(ConfigResource.Type.BROKER, "1");
        Config config = admin.describeConfigs(List.of(brokerResource)).all().get().get(brokerResource);
        assertThat(config.get("log.segment.bytes").value()).isEqualTo("2097152");
        assertThat(config.get("num.partitions").value()).isEqualTo("1");

        DescribeClusterResult cluster = admin.describeCluster();
        assertThat(cluster.clusterId().get()).hasSize(22);
        assertThat(cluster.controller().get().id()).isEqualTo(1);
        Collection<org.apache.kafka.common.Node> nodes = cluster.nodes().get();
        assertThat(nodes).singleElement().satisfies(node -> assertThat(node.port()).isEqualTo(broker.port()));
        assertThat(admin.listTopics().names().get()).isInstanceOf(Set.class);
    }
}
