package io.vltava.metadata.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.metadata.image.ConfigResource;
import io.vltava.metadata.image.MetadataDelta;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.image.PartitionRegistration;
import io.vltava.metadata.image.TopicImage;
import io.vltava.metadata.quorum.InMemoryMetadataLog;
import io.vltava.metadata.record.ConfigResourceType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsAssignment;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignmentCollection;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class TopicControlTest extends ControllerTestSupport {

    @BeforeEach
    void registerOneBroker() {
        registerBrokers(1);
    }

    private static void assertSuccess(CreatableTopicResult result) {
        assertThat(result.errorCode()).as("error %s: %s", Errors.forCode(result.errorCode()), result.errorMessage()).isZero();
        assertThat(result.errorMessage()).isNull();
    }

    private static void assertFailure(CreatableTopicResult result, Errors error, String messagePart) {
        assertThat(Errors.forCode(result.errorCode())).as("error code, with message %s", result.errorMessage()).isEqualTo(error);
        if (messagePart != null) {
            assertThat(result.errorMessage()).contains(messagePart);
        }
        assertThat(result.topicId()).isEqualTo(Uuid.ZERO_UUID);
        assertThat(result.numPartitions()).isEqualTo(-1);
        assertThat(result.replicationFactor()).isEqualTo((short) -1);
    }

    private static UUID javaId(Uuid id) {
        return new UUID(id.getMostSignificantBits(), id.getLeastSignificantBits());
    }

    @Nested
    class CreateTopics {

        @Test
        void usesTheControllerDefaultsForMinusOne() {
            CreatableTopicResult result = createTopic(topic("orders", -1, -1));

            assertSuccess(result);
            assertThat(result.numPartitions()).isEqualTo(DEFAULT_PARTITIONS);
            assertThat(result.replicationFactor()).isEqualTo((short) 1);
            TopicImage orders = image().topics().get("orders");
            assertThat(orders.partitionCount()).isEqualTo(DEFAULT_PARTITIONS);
            assertThat(orders.id()).isEqualTo(javaId(result.topicId()));
        }

        @Test
        void createsTheRequestedPartitionsWithLeaderAndIsr() {
            registerBrokers(2, 3);

            CreatableTopicResult result = createTopic(topic("orders", 6, 2));

            assertSuccess(result);
            assertThat(result.numPartitions()).isEqualTo(6);
            assertThat(result.replicationFactor()).isEqualTo((short) 2);
            assertThat(result.topicId()).isNotEqualTo(Uuid.ZERO_UUID);
            TopicImage orders = image().topics().get("orders");
            assertThat(orders.partitions()).containsOnlyKeys(0, 1, 2, 3, 4, 5);
            for (PartitionRegistration partition : orders.partitions().values()) {
                assertThat(partition.replicas()).hasSize(2).doesNotHaveDuplicates().isSubsetOf(1, 2, 3);
                assertThat(partition.isr()).isEqualTo(partition.replicas());
                assertThat(partition.leader()).isEqualTo(partition.replicas().get(0));
                assertThat(partition.leaderEpoch()).isZero();
                assertThat(partition.partitionEpoch()).isZero();
            }
            Set<Integer> leaders = new HashSet<>();
            orders.partitions().values().forEach(p -> leaders.add(p.leader()));
            assertThat(leaders).as("leaders are spread over the brokers").containsExactlyInAnyOrder(1, 2, 3);
        }

        @Test
        void writesTheTopicAsOneLogEntry() {
            int before = log.entries().size();

            createTopic(withConfigs(topic("orders", 2, 1), Map.of("retention.ms", "1000")));

            assertThat(log.entries()).hasSize(before + 1);
        }

        @Test
        void createsSeveralTopicsInOneRequest() {
            CreateTopicsResponseData response = createTopics(topic("orders", 1, 1), topic("payments", 2, 1));

            assertThat(response.topics()).hasSize(2);
            response.topics().forEach(TopicControlTest::assertSuccess);
            assertThat(image().topics().byName()).containsOnlyKeys("orders", "payments");
            assertThat(response.topics().find("orders").topicId()).isNotEqualTo(response.topics().find("payments").topicId());
        }

        @Test
        void aFailedTopicDoesNotStopTheOthers() {
            CreateTopicsResponseData response = createTopics(topic("orders", 1, 1), topic("bad name", 1, 1), topic("payments", 1, 5));

            assertSuccess(response.topics().find("orders"));
            assertFailure(response.topics().find("bad name"), Errors.INVALID_TOPIC_EXCEPTION, null);
            assertFailure(response.topics().find("payments"), Errors.INVALID_REPLICATION_FACTOR, null);
            assertThat(image().topics().byName()).containsOnlyKeys("orders");
        }

        @Test
        void storesTheTopicsConfiguration() {
            CreatableTopicResult result = createTopic(withConfigs(topic("orders", 1, 1),
                    Map.of("retention.ms", "1000", "cleanup.policy", "compact,delete")));

            assertSuccess(result);
            assertThat(image().configs(new ConfigResource(ConfigResourceType.TOPIC, "orders")))
                    .isEqualTo(Map.of("retention.ms", "1000", "cleanup.policy", "compact,delete"));
        }

        @Test
        void theLastOfDuplicateConfigNamesWins() {
            CreatableTopic topic = topic("orders", 1, 1);
            topic.configs().add(new CreateTopicsRequestData.CreatableTopicConfig().setName("retention.ms").setValue("1"));
            topic.configs().add(new CreateTopicsRequestData.CreatableTopicConfig().setName("retention.ms").setValue("2"));

            assertSuccess(createTopic(topic));

            assertThat(image().configs(new ConfigResource(ConfigResourceType.TOPIC, "orders"))).containsExactly(Map.entry("retention.ms", "2"));
        }

        @Test
        void refusesDuplicateNamesInOneRequestAndReportsThemOnce() {
            CreateTopicsResponseData response = createTopics(topic("orders", 1, 1), topic("orders", 2, 1), topic("payments", 1, 1));

            List<CreatableTopicResult> orders = response.topics().stream().filter(t -> t.name().equals("orders")).toList();
            assertThat(orders).singleElement().satisfies(r -> assertFailure(r, Errors.INVALID_REQUEST, "Duplicate topic name."));
            assertSuccess(response.topics().find("payments"));
            assertThat(image().topics().get("orders")).isNull();
        }

        @Test
        void refusesAnExistingTopic() {
            assertSuccess(createTopic(topic("orders", 1, 1)));
            UUID id = image().topics().get("orders").id();

            CreatableTopicResult again = createTopic(topic("orders", 4, 1));

            assertFailure(again, Errors.TOPIC_ALREADY_EXISTS, "Topic 'orders' already exists.");
            assertThat(image().topics().get("orders").id()).isEqualTo(id);
            assertThat(image().topics().get("orders").partitionCount()).isEqualTo(1);
        }

        @Test
        void refusesInvalidNames() {
            String tooLong = "x".repeat(250);
            List<String> invalid = List.of("", ".", "..", "bad name", "bad/name", "é", tooLong);

            for (String name : invalid) {
                assertFailure(createTopic(topic(name, 1, 1)), Errors.INVALID_TOPIC_EXCEPTION, null);
            }

            assertThat(image().topics().byName()).isEmpty();
        }

        @Test
        void acceptsNamesAtTheEdgeOfTheRules() {
            for (String name : List.of("x".repeat(249), "a..b", "_schemas", "A-z.0_9", "...")) {
                assertSuccess(createTopic(topic(name, 1, 1)));
            }
        }

        @Test
        void refusesANameThatCollidesWithAnExistingOneOverDotAndUnderscore() {
            assertSuccess(createTopic(topic("metrics.cpu", 1, 1)));

            assertFailure(createTopic(topic("metrics_cpu", 1, 1)), Errors.INVALID_TOPIC_EXCEPTION,
                    "Topic 'metrics_cpu' collides with existing topic: metrics.cpu");
            assertFailure(createTopic(topic("metrics_cpu", 1, 1)), Errors.INVALID_TOPIC_EXCEPTION, null);
            assertSuccess(createTopic(topic("metrics-cpu", 1, 1)));
        }

        @Test
        void doesNotCheckCollisionsWithinOneRequest() {
            CreateTopicsResponseData response = createTopics(topic("a.b", 1, 1), topic("a_b", 1, 1));

            response.topics().forEach(TopicControlTest::assertSuccess);
        }

        @Test
        void refusesTheClusterMetadataTopic() {
            assertFailure(createTopic(topic("__cluster_metadata", 1, 1)), Errors.INVALID_REQUEST,
                    "Creation of internal topic __cluster_metadata is prohibited.");
        }

        @Test
        void allowsKafkasInternalTopicNames() {
            assertSuccess(createTopic(topic("__consumer_offsets", 50, 1)));
        }

        @Test
        void refusesAReplicationFactorAboveTheRegisteredBrokers() {
            assertFailure(createTopic(topic("orders", 1, 2)), Errors.INVALID_REPLICATION_FACTOR,
                    "The target replication factor of 2 cannot be reached because only 1 broker(s) are registered.");
            registerBrokers(2);
            assertSuccess(createTopic(topic("orders", 1, 2)));
        }

        @Test
        void refusesAnyReplicationFactorWithoutBrokers() {
            QuorumController empty = new QuorumController(config(true), new InMemoryMetadataLog());
            try {
                CreateTopicsResponseData response = await(empty.createTopics(request(topic("orders", 1, -1))));
                assertFailure(response.topics().find("orders"), Errors.INVALID_REPLICATION_FACTOR, "only 0 broker(s)");
            } finally {
                empty.close();
            }
        }

        @Test
        void refusesNonPositiveCounts() {
            assertFailure(createTopic(topic("orders", 1, 0)), Errors.INVALID_REPLICATION_FACTOR,
                    "Replication factor must be larger than 0, or -1 to use the default value.");
            assertFailure(createTopic(topic("orders", 1, -2)), Errors.INVALID_REPLICATION_FACTOR, null);
            assertFailure(createTopic(topic("orders", 0, 1)), Errors.INVALID_PARTITIONS,
                    "Number of partitions was set to an invalid non-positive value.");
            assertFailure(createTopic(topic("orders", -2, 1)), Errors.INVALID_PARTITIONS, null);
            assertFailure(createTopic(topic("orders", 0, 0)), Errors.INVALID_REPLICATION_FACTOR, null);
            assertThat(image().topics().byName()).isEmpty();
        }

        @Test
        void refusesAnUnknownConfig() {
            assertFailure(createTopic(withConfigs(topic("orders", 1, 1), Map.of("no.such.config", "1"))), Errors.INVALID_CONFIG,
                    "Unknown topic config name: no.such.config");
            assertFailure(createTopic(withConfigs(topic("orders", 1, 1), Map.of("log.retention.hours", "1"))), Errors.INVALID_CONFIG,
                    "Unknown topic config name: log.retention.hours");
            assertThat(image().topics().byName()).isEmpty();
        }

        @Test
        void refusesABadConfigValue() {
            Map<String, String> bad = new LinkedHashMap<>();
            bad.put("retention.ms", "abc");
            bad.put("segment.bytes", "100");
            bad.put("cleanup.policy", "bogus");
            bad.put("unclean.leader.election.enable", "yes");
            bad.put("min.cleanable.dirty.ratio", "2.0");
            bad.put("compression.type", "brotli");
            bad.forEach((key, value) ->
                    assertFailure(createTopic(withConfigs(topic("orders", 1, 1), Map.of(key, value))), Errors.INVALID_CONFIG, key));

            assertThat(image().topics().byName()).isEmpty();
            assertThat(image().configs()).isEmpty();
        }

        @Test
        void refusesConflictingCompactionLags() {
            assertFailure(createTopic(withConfigs(topic("orders", 1, 1), Map.of("min.compaction.lag.ms", "10", "max.compaction.lag.ms", "5"))),
                    Errors.INVALID_CONFIG, "min.compaction.lag.ms");
        }

        @Test
        void refusesTieredStorage() {
            assertFailure(createTopic(withConfigs(topic("orders", 1, 1), Map.of("remote.storage.enable", "true"))), Errors.INVALID_CONFIG, null);
            assertSuccess(createTopic(withConfigs(topic("orders", 1, 1), Map.of("remote.storage.enable", "false"))));
        }

        @Test
        void refusesAValueLongerThan32767Bytes() {
            String longList = "delete," + "compact,".repeat(5000);

            assertFailure(createTopic(withConfigs(topic("orders", 1, 1), Map.of("cleanup.policy", longList))), Errors.INVALID_CONFIG, null);
        }

        @Test
        void refusesNullConfigValues() {
            Map<String, String> configs = new LinkedHashMap<>();
            configs.put("retention.ms", null);
            configs.put("segment.ms", "1000");
            configs.put("cleanup.policy", null);

            assertFailure(createTopic(withConfigs(topic("orders", 1, 1), configs)), Errors.INVALID_CONFIG,
                    "Null value not supported for topic configs: retention.ms,cleanup.policy");
            assertThat(image().topics().byName()).isEmpty();
        }

        @Test
        void validateOnlyAnswersLikeACreationButPersistsNothing() {
            int entries = log.entries().size();
            CreateTopicsRequestData request = request(withConfigs(topic("orders", 4, 1), Map.of("retention.ms", "1000")));
            request.setValidateOnly(true);

            CreateTopicsResponseData response = await(controller.createTopics(request));

            CreatableTopicResult result = response.topics().find("orders");
            assertSuccess(result);
            assertThat(result.topicId()).isNotEqualTo(Uuid.ZERO_UUID);
            assertThat(result.numPartitions()).isEqualTo(4);
            assertThat(result.replicationFactor()).isEqualTo((short) 1);
            assertThat(log.entries()).hasSize(entries);
            assertThat(image().topics().byName()).isEmpty();
            assertThat(image().configs()).isEmpty();
        }

        @Test
        void validateOnlyStillReportsErrors() {
            createTopic(topic("orders", 1, 1));
            CreateTopicsRequestData request = request(topic("orders", 1, 1), topic("payments", 1, 9));
            request.setValidateOnly(true);

            CreateTopicsResponseData response = await(controller.createTopics(request));

            assertFailure(response.topics().find("orders"), Errors.TOPIC_ALREADY_EXISTS, null);
            assertFailure(response.topics().find("payments"), Errors.INVALID_REPLICATION_FACTOR, null);
        }

        @Test
        void refusesMoreThan10000PartitionsInOneRequest() {
            CreateTopicsResponseData response = createTopics(topic("orders", 5_000, 1), topic("payments", 5_001, 1));

            response.topics().forEach(r -> assertFailure(r, Errors.POLICY_VIOLATION, "Excessively large number of partitions per request."));
            assertThat(image().topics().byName()).isEmpty();
        }

        @Test
        void countsPartitionsWithoutOverflowEvenWhenOnlyValidating() {
            // Integer.MAX_VALUE + 1 wraps around to a negative int, below the limit, in an int sum.
            for (boolean validateOnly : List.of(true, false)) {
                CreateTopicsRequestData request = request(topic("huge", Integer.MAX_VALUE, 1), topic("small", 1, 1));
                request.setValidateOnly(validateOnly);

                CreateTopicsResponseData response = await(controller.createTopics(request));

                assertThat(response.topics()).hasSize(2);
                response.topics().forEach(r -> assertFailure(r, Errors.POLICY_VIOLATION, "Excessively large number of partitions per request."));
            }
            assertThat(image().topics().byName()).isEmpty();
        }

        @Test
        void refusesOneTopicAboveTheLimit() {
            assertFailure(createTopic(topic("huge", Integer.MAX_VALUE, 1)), Errors.POLICY_VIOLATION,
                    "Excessively large number of partitions per request.");
        }

        @Test
        void allowsExactly10000PartitionsInOneRequest() {
            CreateTopicsResponseData response = createTopics(topic("orders", 5_000, 1), topic("payments", 5_000 - DEFAULT_PARTITIONS, 1),
                    topic("defaults", -1, -1));

            response.topics().forEach(TopicControlTest::assertSuccess);
        }

        @Test
        void countsAManualAssignmentAsItsPartitions() {
            CreatableReplicaAssignmentCollection assignments = new CreatableReplicaAssignmentCollection();
            for (int p = 0; p < 10_000; p++) {
                assignments.add(assignment(p, 1));
            }

            CreatableTopicResult result = createTopic(topic("orders", -1, -1).setAssignments(assignments));

            assertSuccess(result);
            assertThat(image().topics().get("orders").partitionCount()).isEqualTo(10_000);
        }
    }

    @Nested
    class ManualAssignments {

        @BeforeEach
        void registerMoreBrokers() {
            registerBrokers(2, 3);
        }

        @Test
        void placesReplicasAsAssigned() {
            CreatableTopicResult result = createTopic(assigned("orders", List.of(3, 1), List.of(2, 3), List.of(1, 2)));

            assertSuccess(result);
            assertThat(result.numPartitions()).isEqualTo(3);
            assertThat(result.replicationFactor()).isEqualTo((short) 2);
            Map<Integer, PartitionRegistration> partitions = image().topics().get("orders").partitions();
            assertThat(partitions.get(0)).isEqualTo(new PartitionRegistration(List.of(3, 1), List.of(3, 1), 3, 0, 0));
            assertThat(partitions.get(1)).isEqualTo(new PartitionRegistration(List.of(2, 3), List.of(2, 3), 2, 0, 0));
            assertThat(partitions.get(2)).isEqualTo(new PartitionRegistration(List.of(1, 2), List.of(1, 2), 1, 0, 0));
        }

        @Test
        void acceptsAssignmentsInAnyOrder() {
            CreatableReplicaAssignmentCollection assignments = new CreatableReplicaAssignmentCollection();
            assignments.add(assignment(1, 2));
            assignments.add(assignment(0, 1));

            assertSuccess(createTopic(topic("orders", -1, -1).setAssignments(assignments)));

            assertThat(image().topics().get("orders").partitions().get(0).replicas()).containsExactly(1);
            assertThat(image().topics().get("orders").partitions().get(1).replicas()).containsExactly(2);
        }

        @Test
        void requiresMinusOneCounts() {
            assertFailure(createTopic(assigned("orders", List.of(1)).setReplicationFactor((short) 1)), Errors.INVALID_REQUEST,
                    "replication factor was not set to -1");
            assertFailure(createTopic(assigned("orders", List.of(1)).setNumPartitions(1)), Errors.INVALID_REQUEST,
                    "numPartitions was not set to -1");
        }

        @Test
        void refusesARepeatedPartition() {
            CreatableReplicaAssignmentCollection assignments = new CreatableReplicaAssignmentCollection();
            assignments.add(assignment(0, 1));
            assignments.add(assignment(0, 2));

            assertFailure(createTopic(topic("orders", -1, -1).setAssignments(assignments)), Errors.INVALID_REPLICA_ASSIGNMENT,
                    "Found multiple manual partition assignments for partition 0");
        }

        @Test
        void refusesAGapInThePartitions() {
            CreatableReplicaAssignmentCollection assignments = new CreatableReplicaAssignmentCollection();
            assignments.add(assignment(0, 1));
            assignments.add(assignment(2, 2));

            assertFailure(createTopic(topic("orders", -1, -1).setAssignments(assignments)), Errors.INVALID_REPLICA_ASSIGNMENT,
                    "consecutive 0-based");
        }

        @Test
        void refusesPartitionsNotStartingAtZero() {
            CreatableReplicaAssignmentCollection assignments = new CreatableReplicaAssignmentCollection();
            assignments.add(assignment(1, 1));

            assertFailure(createTopic(topic("orders", -1, -1).setAssignments(assignments)), Errors.INVALID_REPLICA_ASSIGNMENT, null);
        }

        @Test
        void refusesAnEmptyReplicaList() {
            assertFailure(createTopic(assigned("orders", List.of(1), List.of())), Errors.INVALID_REPLICA_ASSIGNMENT, "empty replica list");
            assertFailure(createTopic(assigned("orders", List.of())), Errors.INVALID_REPLICA_ASSIGNMENT, "empty replica list");
        }

        @Test
        void refusesAnUnregisteredBroker() {
            assertFailure(createTopic(assigned("orders", List.of(1, 4))), Errors.INVALID_REPLICA_ASSIGNMENT,
                    "includes broker 4, but no such broker is registered.");
        }

        @Test
        void refusesABrokerTwiceInAPartition() {
            assertFailure(createTopic(assigned("orders", List.of(2, 2))), Errors.INVALID_REPLICA_ASSIGNMENT,
                    "includes the broker 2 more than once.");
        }

        @Test
        void refusesPartitionsWithDifferentReplicaCounts() {
            assertFailure(createTopic(assigned("orders", List.of(1, 2), List.of(3))), Errors.INVALID_REPLICA_ASSIGNMENT,
                    "includes a partition with 1 replica(s), but this is not consistent with previous partitions, which have 2 replica(s).");
            assertThat(image().topics().byName()).isEmpty();
        }
    }

    @Nested
    class CreatePartitions {

        @BeforeEach
        void createOrders() {
            registerBrokers(2, 3);
            assertSuccess(createTopic(topic("orders", 2, 2)));
        }

        private List<CreatePartitionsTopicResult> createPartitions(boolean validateOnly, CreatePartitionsTopic... topics) {
            List<CreatePartitionsTopic> request = new ArrayList<>(List.of(topics));
            return await(controller.createPartitions(request, validateOnly));
        }

        private CreatePartitionsTopicResult createPartitions(CreatePartitionsTopic topic) {
            return createPartitions(false, topic).get(0);
        }

        private static CreatePartitionsTopic increase(String name, int count) {
            return new CreatePartitionsTopic().setName(name).setCount(count).setAssignments(null);
        }

        private static CreatePartitionsTopic increase(String name, int count, List<List<Integer>> assignments) {
            List<CreatePartitionsAssignment> list = assignments.stream().map(a -> new CreatePartitionsAssignment().setBrokerIds(a)).toList();
            return increase(name, count).setAssignments(new ArrayList<>(list));
        }

        private void assertResult(CreatePartitionsTopicResult result, Errors error, String messagePart) {
            assertThat(Errors.forCode(result.errorCode())).as("error, with message %s", result.errorMessage()).isEqualTo(error);
            if (error == Errors.NONE || error == Errors.UNKNOWN_TOPIC_OR_PARTITION) {
                assertThat(result.errorMessage()).isNull();
            }
            if (messagePart != null) {
                assertThat(result.errorMessage()).contains(messagePart);
            }
        }

        @Test
        void addsPartitionsWithTheTopicsReplicationFactor() {
            Map<Integer, PartitionRegistration> before = image().topics().get("orders").partitions();

            CreatePartitionsTopicResult result = createPartitions(increase("orders", 5));

            assertResult(result, Errors.NONE, null);
            assertThat(result.name()).isEqualTo("orders");
            TopicImage orders = image().topics().get("orders");
            assertThat(orders.partitions()).containsOnlyKeys(0, 1, 2, 3, 4);
            assertThat(orders.partitions().get(0)).isEqualTo(before.get(0));
            assertThat(orders.partitions().get(1)).isEqualTo(before.get(1));
            for (int p = 2; p < 5; p++) {
                PartitionRegistration added = orders.partitions().get(p);
                assertThat(added.replicas()).hasSize(2).doesNotHaveDuplicates();
                assertThat(added.isr()).isEqualTo(added.replicas());
                assertThat(added.leader()).isEqualTo(added.replicas().get(0));
            }
        }

        @Test
        void refusesTheSameCount() {
            assertResult(createPartitions(increase("orders", 2)), Errors.INVALID_PARTITIONS, "Topic already has 2 partition(s).");
        }

        @Test
        void refusesADecrease() {
            assertResult(createPartitions(increase("orders", 1)), Errors.INVALID_PARTITIONS,
                    "The topic orders currently has 2 partition(s); 1 would not be an increase.");
            assertThat(image().topics().get("orders").partitionCount()).isEqualTo(2);
        }

        @Test
        void refusesAnUnknownTopic() {
            assertResult(createPartitions(increase("payments", 3)), Errors.UNKNOWN_TOPIC_OR_PARTITION, null);
        }

        @Test
        void placesNewPartitionsAsAssigned() {
            CreatePartitionsTopicResult result = createPartitions(increase("orders", 4, List.of(List.of(3, 2), List.of(1, 3))));

            assertResult(result, Errors.NONE, null);
            Map<Integer, PartitionRegistration> partitions = image().topics().get("orders").partitions();
            assertThat(partitions.get(2)).isEqualTo(new PartitionRegistration(List.of(3, 2), List.of(3, 2), 3, 0, 0));
            assertThat(partitions.get(3)).isEqualTo(new PartitionRegistration(List.of(1, 3), List.of(1, 3), 1, 0, 0));
        }

        /** As in Kafka, an empty assignment list (rather than null) is a manual assignment of nothing. */
        @Test
        void refusesTooFewOrTooManyAssignments() {
            assertResult(createPartitions(increase("orders", 4, List.of(List.of(1, 2)))), Errors.INVALID_REPLICA_ASSIGNMENT,
                    "Attempted to add 2 additional partition(s), but only 1 assignment(s) were specified.");
            assertResult(createPartitions(increase("orders", 3, List.of(List.of(1, 2), List.of(2, 3)))), Errors.INVALID_REPLICA_ASSIGNMENT,
                    null);
            assertResult(createPartitions(increase("orders", 3, List.of())), Errors.INVALID_REPLICA_ASSIGNMENT,
                    "Attempted to add 1 additional partition(s), but only 0 assignment(s) were specified.");
            assertThat(image().topics().get("orders").partitionCount()).isEqualTo(2);
        }

        @Test
        void refusesAssignmentsWithAnotherReplicationFactor() {
            assertResult(createPartitions(increase("orders", 3, List.of(List.of(1)))), Errors.INVALID_REPLICA_ASSIGNMENT,
                    "which have 2 replica(s)");
            assertResult(createPartitions(increase("orders", 3, List.of(List.of(1, 2, 3)))), Errors.INVALID_REPLICA_ASSIGNMENT, null);
        }

        @Test
        void refusesInvalidAssignments() {
            assertResult(createPartitions(increase("orders", 3, List.of(List.of(1, 9)))), Errors.INVALID_REPLICA_ASSIGNMENT,
                    "no such broker is registered");
            assertResult(createPartitions(increase("orders", 3, List.of(List.of(1, 1)))), Errors.INVALID_REPLICA_ASSIGNMENT,
                    "more than once");
            assertResult(createPartitions(increase("orders", 3, List.of(List.of()))), Errors.INVALID_REPLICA_ASSIGNMENT, "empty");
        }

        @Test
        void refusesDuplicateTopicsAndReportsThemOnce() {
            List<CreatePartitionsTopicResult> results = createPartitions(false, increase("orders", 3), increase("orders", 4));

            assertThat(results).singleElement().satisfies(r -> assertResult(r, Errors.INVALID_REQUEST, "Duplicate topic name."));
            assertThat(image().topics().get("orders").partitionCount()).isEqualTo(2);
        }

        @Test
        void handlesSeveralTopicsIndependently() {
            assertSuccess(createTopic(topic("payments", 1, 1)));

            List<CreatePartitionsTopicResult> results = createPartitions(false, increase("orders", 1), increase("payments", 3),
                    increase("unknown", 3));

            assertThat(results).extracting(CreatePartitionsTopicResult::name).containsExactly("orders", "payments", "unknown");
            assertResult(results.get(0), Errors.INVALID_PARTITIONS, null);
            assertResult(results.get(1), Errors.NONE, null);
            assertResult(results.get(2), Errors.UNKNOWN_TOPIC_OR_PARTITION, null);
            assertThat(image().topics().get("payments").partitionCount()).isEqualTo(3);
        }

        @Test
        void validateOnlyPersistsNothing() {
            int entries = log.entries().size();

            List<CreatePartitionsTopicResult> results = createPartitions(true, increase("orders", 6), increase("orders-missing", 2));

            assertResult(results.get(0), Errors.NONE, null);
            assertResult(results.get(1), Errors.UNKNOWN_TOPIC_OR_PARTITION, null);
            assertThat(image().topics().get("orders").partitionCount()).isEqualTo(2);
            assertThat(log.entries()).hasSize(entries);
        }

        @Test
        void refusesMoreThan10000NewPartitionsInOneRequest() {
            assertResult(createPartitions(increase("orders", 10_003)), Errors.POLICY_VIOLATION,
                    "Excessively large number of additional partitions per request.");
            assertResult(createPartitions(increase("orders", 10_002)), Errors.NONE, null);
        }

        @Test
        void countsNewPartitionsWithoutOverflow() {
            assertSuccess(createTopic(topic("payments", 1, 1)));

            for (boolean validateOnly : List.of(true, false)) {
                List<CreatePartitionsTopicResult> results = createPartitions(validateOnly, increase("orders", Integer.MAX_VALUE),
                        increase("payments", Integer.MAX_VALUE));

                assertThat(results).hasSize(2).allSatisfy(r -> assertResult(r, Errors.POLICY_VIOLATION,
                        "Excessively large number of additional partitions per request."));
            }
            assertThat(image().topics().get("orders").partitionCount()).isEqualTo(2);
            assertThat(image().topics().get("payments").partitionCount()).isEqualTo(1);
        }

        @Test
        void aHugeDecreaseIsADecreaseNotTooManyPartitions() {
            // Integer.MIN_VALUE - 2 wraps around to a huge increase in int arithmetic.
            assertResult(createPartitions(increase("orders", Integer.MIN_VALUE)), Errors.INVALID_PARTITIONS, "would not be an increase");
        }
    }

    @Nested
    class DeleteTopics {

        @Test
        void deletesTopicsAndTheirConfiguration() {
            assertSuccess(createTopic(withConfigs(topic("orders", 2, 1), Map.of("retention.ms", "1000"))));
            assertSuccess(createTopic(withConfigs(topic("payments", 1, 1), Map.of("retention.ms", "2000"))));
            UUID orders = image().topics().get("orders").id();

            Map<UUID, ApiError> results = await(controller.deleteTopics(List.of(orders)));

            assertThat(results).containsOnlyKeys(orders);
            assertThat(results.get(orders).error()).isEqualTo(Errors.NONE);
            assertThat(image().topics().get("orders")).isNull();
            assertThat(image().topics().get(orders)).isNull();
            assertThat(image().configs(new ConfigResource(ConfigResourceType.TOPIC, "orders"))).isEmpty();
            assertThat(image().configs(new ConfigResource(ConfigResourceType.TOPIC, "payments"))).containsEntry("retention.ms", "2000");
        }

        @Test
        void aDeletedTopicCanBeCreatedAgainWithANewId() {
            assertSuccess(createTopic(withConfigs(topic("orders", 2, 1), Map.of("retention.ms", "1000"))));
            UUID first = image().topics().get("orders").id();
            await(controller.deleteTopics(List.of(first)));

            CreatableTopicResult again = createTopic(topic("orders", 1, 1));

            assertSuccess(again);
            assertThat(image().topics().get("orders").id()).isNotEqualTo(first);
            assertThat(image().topics().get("orders").partitionCount()).isEqualTo(1);
            assertThat(image().configs(new ConfigResource(ConfigResourceType.TOPIC, "orders"))).isEmpty();
        }

        @Test
        void reportsAnUnknownId() {
            UUID unknown = UUID.randomUUID();

            Map<UUID, ApiError> results = await(controller.deleteTopics(List.of(unknown)));

            assertThat(results.get(unknown).error()).isEqualTo(Errors.UNKNOWN_TOPIC_ID);
        }

        @Test
        void deletesSomeAndReportsTheOthers() {
            assertSuccess(createTopic(topic("orders", 1, 1)));
            UUID orders = image().topics().get("orders").id();
            UUID unknown = UUID.randomUUID();

            Map<UUID, ApiError> results = await(controller.deleteTopics(List.of(unknown, orders)));

            assertThat(results.keySet()).containsExactly(unknown, orders);
            assertThat(results.get(unknown).error()).isEqualTo(Errors.UNKNOWN_TOPIC_ID);
            assertThat(results.get(orders).error()).isEqualTo(Errors.NONE);
            assertThat(image().topics().byName()).isEmpty();
        }

        @Test
        void refusesWhenDeletionIsDisabled() {
            assertSuccess(createTopic(topic("orders", 1, 1)));
            UUID orders = image().topics().get("orders").id();
            controller.close();
            controller = new QuorumController(config(false), log);

            Map<UUID, ApiError> results = await(controller.deleteTopics(List.of(orders)));

            assertThat(results.get(orders).error()).isEqualTo(Errors.TOPIC_DELETION_DISABLED);
            assertThat(image().topics().get(orders)).isNotNull();
        }

        @Test
        void writesNothingWhenNothingIsDeleted() {
            int entries = log.entries().size();

            await(controller.deleteTopics(List.of(UUID.randomUUID())));

            assertThat(log.entries()).hasSize(entries);
        }
    }

    @Test
    void replayingEverythingTheControllerWroteRebuildsTheImage() {
        registerBrokers(2);
        createTopic(withConfigs(topic("orders", 3, 2), Map.of("cleanup.policy", "compact")));
        createTopic(topic("payments", 1, 1));
        await(controller.createPartitions(new ArrayList<>(List.of(new CreatePartitionsTopic().setName("payments").setCount(4))), false));
        await(controller.deleteTopics(List.of(image().topics().get("orders").id())));

        MetadataDelta delta = new MetadataDelta(MetadataImage.EMPTY);
        log.records().forEach(delta::replay);

        assertThat(delta.apply(image().offset())).isEqualTo(image());
    }
}
