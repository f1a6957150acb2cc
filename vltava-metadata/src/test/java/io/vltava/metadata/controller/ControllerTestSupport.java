package io.vltava.metadata.controller;

import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.quorum.InMemoryMetadataLog;
import io.vltava.metadata.record.RegisterBrokerRecord;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignment;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignmentCollection;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicCollection;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfigCollection;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.junit.jupiter.api.AfterEach;

/**
 * A controller over an {@link InMemoryMetadataLog}, with shorthands for building requests. Defaults:
 * 3 partitions and replication factor 1 for -1, deletion enabled.
 */
abstract class ControllerTestSupport {

    static final int DEFAULT_PARTITIONS = 3;

    final InMemoryMetadataLog log = new InMemoryMetadataLog();
    QuorumController controller = new QuorumController(config(true), log);

    static ControllerConfig config(boolean deleteTopicEnable) {
        return new ControllerConfig(DEFAULT_PARTITIONS, (short) 1, deleteTopicEnable, 5_000);
    }

    @AfterEach
    void closeController() {
        controller.close();
        log.close();
    }

    MetadataImage image() {
        return log.image();
    }

    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("The controller operation failed", e);
        }
    }

    static RegisterBrokerRecord brokerRecord(int id) {
        return new RegisterBrokerRecord(id, new UUID(7, id), List.of(
                new RegisterBrokerRecord.BrokerEndpoint("PLAINTEXT", "localhost", 9090 + id, "PLAINTEXT")), null);
    }

    void registerBrokers(int... ids) {
        for (int id : ids) {
            await(controller.registerBroker(brokerRecord(id)));
        }
    }

    static CreatableTopic topic(String name, int partitions, int replicationFactor) {
        return new CreatableTopic().setName(name).setNumPartitions(partitions).setReplicationFactor((short) replicationFactor);
    }

    static CreatableTopic withConfigs(CreatableTopic topic, Map<String, String> configs) {
        CreatableTopicConfigCollection collection = new CreatableTopicConfigCollection();
        configs.forEach((name, value) -> collection.add(new CreatableTopicConfig().setName(name).setValue(value)));
        return topic.setConfigs(collection);
    }

    /** A topic with a manual assignment: {@code assignments[i]} are the replicas of partition {@code i}. */
    @SafeVarargs
    static CreatableTopic assigned(String name, List<Integer>... assignments) {
        CreatableReplicaAssignmentCollection collection = new CreatableReplicaAssignmentCollection();
        for (int p = 0; p < assignments.length; p++) {
            collection.add(new CreatableReplicaAssignment().setPartitionIndex(p).setBrokerIds(assignments[p]));
        }
        return topic(name, -1, -1).setAssignments(collection);
    }

    static CreatableReplicaAssignment assignment(int partition, Integer... brokers) {
        return new CreatableReplicaAssignment().setPartitionIndex(partition).setBrokerIds(List.of(brokers));
    }

    static CreateTopicsRequestData request(CreatableTopic... topics) {
        CreatableTopicCollection collection = new CreatableTopicCollection();
        for (CreatableTopic topic : topics) {
            collection.add(topic.duplicate());
        }
        return new CreateTopicsRequestData().setTopics(collection).setTimeoutMs(60_000);
    }

    CreateTopicsResponseData createTopics(CreatableTopic... topics) {
        return await(controller.createTopics(request(topics)));
    }

    CreatableTopicResult createTopic(CreatableTopic topic) {
        CreateTopicsResponseData response = createTopics(topic);
        return response.topics().find(topic.name());
    }
}
