package io.vltava.metadata.controller;

import io.vltava.common.topic.TopicNames;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.image.TopicImage;
import io.vltava.metadata.record.ConfigRecord;
import io.vltava.metadata.record.ConfigResourceType;
import io.vltava.metadata.record.MetadataRecord;
import io.vltava.metadata.record.PartitionRecord;
import io.vltava.metadata.record.RemoveTopicRecord;
import io.vltava.metadata.record.TopicRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsAssignment;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignment;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * Topic and partition operations of the controller: creating topics, adding partitions, deleting
 * topics. Each turns a request and the current image into records and per-topic results, checking
 * what Kafka checks, in Kafka's order.
 *
 * <p>Threading: stateless; called on the controller thread.
 */
final class TopicControl {

    /** Most partitions one request may create (Kafka 4.4). */
    static final int MAX_PARTITIONS_PER_REQUEST = 10_000;

    private final ControllerConfig config;

    TopicControl(ControllerConfig config) {
        this.config = config;
    }

    ControllerResult<CreateTopicsResponseData> createTopics(MetadataImage image, CreateTopicsRequestData request) {
        CreateTopicsResponseData response = new CreateTopicsResponseData();
        List<MetadataRecord> records = new ArrayList<>();
        Set<String> duplicates = duplicateNames(request);
        // In long: counts up to Integer.MAX_VALUE each must not wrap around past the limit.
        long totalPartitions = 0;
        for (CreatableTopic topic : request.topics()) {
            if (!topic.assignments().isEmpty()) {
                totalPartitions += topic.assignments().size();
            } else {
                totalPartitions += topic.numPartitions() == -1 ? config.defaultPartitions() : Math.max(0, topic.numPartitions());
            }
        }
        Set<String> reported = new HashSet<>();
        for (CreatableTopic topic : request.topics()) {
            if (!reported.add(topic.name())) {
                continue;
            }
            CreatableTopicResult result = new CreatableTopicResult().setName(topic.name()).setNumPartitions(-1).setReplicationFactor((short) -1);
            ApiError error;
            if (duplicates.contains(topic.name())) {
                error = new ApiError(Errors.INVALID_REQUEST, "Duplicate topic name.");
            } else if (totalPartitions > MAX_PARTITIONS_PER_REQUEST) {
                error = new ApiError(Errors.POLICY_VIOLATION, "Excessively large number of partitions per request.");
            } else {
                error = createTopic(image, topic, request.validateOnly(), result, records);
            }
            result.setErrorCode(error.error().code()).setErrorMessage(error.message());
            response.topics().add(result);
        }
        return new ControllerResult<>(records, response);
    }

    private ApiError createTopic(MetadataImage image, CreatableTopic topic, boolean validateOnly, CreatableTopicResult result,
                                 List<MetadataRecord> records) {
        String name = topic.name();
        if (TopicNames.CLUSTER_METADATA.equals(name)) {
            return new ApiError(Errors.INVALID_REQUEST, "Creation of internal topic " + TopicNames.CLUSTER_METADATA + " is prohibited.");
        }
        String invalid = TopicNames.invalidReason(name);
        if (invalid != null) {
            return new ApiError(Errors.INVALID_TOPIC_EXCEPTION, invalid);
        }
        if (image.topics().get(name) != null) {
            return new ApiError(Errors.TOPIC_ALREADY_EXISTS, "Topic '" + name + "' already exists.");
        }
        String colliding = image.topics().collidingWith(name).orElse(null);
        if (colliding != null) {
            return new ApiError(Errors.INVALID_TOPIC_EXCEPTION, "Topic '" + name + "' collides with existing topic: " + colliding);
        }
        Map<String, String> configs = new LinkedHashMap<>();
        List<String> nullValues = new ArrayList<>();
        for (CreatableTopicConfig entry : topic.configs()) {
            if (entry.value() == null) {
                nullValues.add(entry.name());
            } else {
                configs.put(entry.name(), entry.value());
            }
        }
        if (!nullValues.isEmpty()) {
            return new ApiError(Errors.INVALID_CONFIG, "Null value not supported for topic configs: " + String.join(",", nullValues));
        }
        ApiError configError = ConfigControl.validateTopicConfigs(configs);
        if (configError != null) {
            return configError;
        }
        List<Integer> brokers = image.brokers().keySet().stream().sorted().toList();
        List<List<Integer>> placements;
        if (!topic.assignments().isEmpty()) {
            if (topic.replicationFactor() != -1) {
                return new ApiError(Errors.INVALID_REQUEST, "A manual partition assignment was specified, but replication factor was not set to -1.");
            }
            if (topic.numPartitions() != -1) {
                return new ApiError(Errors.INVALID_REQUEST, "A manual partition assignment was specified, but numPartitions was not set to -1.");
            }
            Map<Integer, List<Integer>> byIndex = new HashMap<>();
            for (CreatableReplicaAssignment assignment : topic.assignments()) {
                if (byIndex.containsKey(assignment.partitionIndex())) {
                    return new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT,
                            "Found multiple manual partition assignments for partition " + assignment.partitionIndex());
                }
                byIndex.put(assignment.partitionIndex(), assignment.brokerIds());
            }
            placements = new ArrayList<>();
            for (int p = 0; p < byIndex.size(); p++) {
                List<Integer> replicas = byIndex.get(p);
                if (replicas == null) {
                    return new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT, "partitions should be a consecutive 0-based integer sequence");
                }
                placements.add(replicas);
            }
            ApiError assignmentError = validateAssignments(image, placements, placements.get(0).size());
            if (assignmentError != null) {
                return assignmentError;
            }
        } else {
            int partitions = topic.numPartitions() == -1 ? config.defaultPartitions() : topic.numPartitions();
            int rf = topic.replicationFactor() == -1 ? config.defaultReplicationFactor() : topic.replicationFactor();
            if (rf <= 0) {
                return new ApiError(Errors.INVALID_REPLICATION_FACTOR, "Replication factor must be larger than 0, or -1 to use the default value.");
            }
            if (partitions <= 0) {
                return new ApiError(Errors.INVALID_PARTITIONS, "Number of partitions was set to an invalid non-positive value.");
            }
            if (rf > brokers.size()) {
                return new ApiError(Errors.INVALID_REPLICATION_FACTOR, "Unable to replicate the partition " + rf
                        + " time(s): The target replication factor of " + rf + " cannot be reached because only " + brokers.size()
                        + " broker(s) are registered.");
            }
            placements = ReplicaPlacer.place(brokers, 0, partitions, rf, ThreadLocalRandom.current().nextInt(Math.max(1, brokers.size())));
        }
        UUID topicId = UUID.randomUUID();
        result.setTopicId(new Uuid(topicId.getMostSignificantBits(), topicId.getLeastSignificantBits()))
                .setNumPartitions(placements.size())
                .setReplicationFactor((short) placements.get(0).size());
        if (validateOnly) {
            return ApiError.NONE;
        }
        records.add(new TopicRecord(name, topicId));
        for (int p = 0; p < placements.size(); p++) {
            records.add(newPartition(topicId, p, placements.get(p)));
        }
        configs.forEach((key, value) -> records.add(new ConfigRecord(ConfigResourceType.TOPIC, name, key, value)));
        return ApiError.NONE;
    }

    private static PartitionRecord newPartition(UUID topicId, int partition, List<Integer> replicas) {
        return new PartitionRecord(topicId, partition, replicas, replicas, replicas.get(0), 0, 0);
    }

    private static ApiError validateAssignments(MetadataImage image, List<List<Integer>> placements, int expectedReplicas) {
        for (int p = 0; p < placements.size(); p++) {
            List<Integer> replicas = placements.get(p);
            if (replicas.isEmpty()) {
                return new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT, "The manual partition assignment includes an empty replica list.");
            }
            Set<Integer> seen = new HashSet<>();
            for (int broker : replicas) {
                if (!image.brokers().containsKey(broker)) {
                    return new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT, "The manual partition assignment includes broker " + broker
                            + ", but no such broker is registered.");
                }
                if (!seen.add(broker)) {
                    return new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT, "The manual partition assignment includes the broker " + broker
                            + " more than once.");
                }
            }
            if (replicas.size() != expectedReplicas) {
                return new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT, "The manual partition assignment includes a partition with "
                        + replicas.size() + " replica(s), but this is not consistent with previous partitions, which have "
                        + expectedReplicas + " replica(s).");
            }
        }
        return null;
    }

    ControllerResult<List<CreatePartitionsTopicResult>> createPartitions(MetadataImage image, List<CreatePartitionsTopic> topics,
                                                                          boolean validateOnly) {
        List<MetadataRecord> records = new ArrayList<>();
        List<CreatePartitionsTopicResult> results = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> duplicates = new HashSet<>();
        // In long: neither one topic's increase nor their sum may wrap around past the limit.
        long added = 0;
        for (CreatePartitionsTopic topic : topics) {
            if (!names.add(topic.name())) {
                duplicates.add(topic.name());
            }
            TopicImage existing = image.topics().get(topic.name());
            if (existing != null) {
                added += Math.max(0, (long) topic.count() - existing.partitionCount());
            }
        }
        Set<String> reported = new HashSet<>();
        for (CreatePartitionsTopic topic : topics) {
            if (!reported.add(topic.name())) {
                continue;
            }
            ApiError error;
            if (duplicates.contains(topic.name())) {
                error = new ApiError(Errors.INVALID_REQUEST, "Duplicate topic name.");
            } else if (added > MAX_PARTITIONS_PER_REQUEST) {
                error = new ApiError(Errors.POLICY_VIOLATION, "Excessively large number of additional partitions per request.");
            } else {
                error = createPartitions(image, topic, validateOnly, records);
            }
            results.add(new CreatePartitionsTopicResult().setName(topic.name()).setErrorCode(error.error().code())
                    .setErrorMessage(error.message()));
        }
        return new ControllerResult<>(records, results);
    }

    private ApiError createPartitions(MetadataImage image, CreatePartitionsTopic topic, boolean validateOnly, List<MetadataRecord> records) {
        TopicImage existing = image.topics().get(topic.name());
        if (existing == null) {
            return new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, null);
        }
        int current = existing.partitionCount();
        if (topic.count() == current) {
            return new ApiError(Errors.INVALID_PARTITIONS, "Topic already has " + current + " partition(s).");
        }
        if (topic.count() < current) {
            return new ApiError(Errors.INVALID_PARTITIONS, "The topic " + topic.name() + " currently has " + current + " partition(s); "
                    + topic.count() + " would not be an increase.");
        }
        int additional = topic.count() - current;
        int rf = existing.partitions().get(0).replicas().size();
        List<List<Integer>> placements;
        if (topic.assignments() != null) {
            if (topic.assignments().size() != additional) {
                return new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT, "Attempted to add " + additional + " additional partition(s), but only "
                        + topic.assignments().size() + " assignment(s) were specified.");
            }
            placements = new ArrayList<>();
            for (CreatePartitionsAssignment assignment : topic.assignments()) {
                placements.add(assignment.brokerIds());
            }
            ApiError assignmentError = validateAssignments(image, placements, rf);
            if (assignmentError != null) {
                return assignmentError;
            }
        } else {
            List<Integer> brokers = image.brokers().keySet().stream().sorted().toList();
            if (rf > brokers.size()) {
                return new ApiError(Errors.INVALID_REPLICATION_FACTOR, "Unable to replicate the partition " + rf
                        + " time(s): The target replication factor of " + rf + " cannot be reached because only " + brokers.size()
                        + " broker(s) are registered.");
            }
            placements = ReplicaPlacer.place(brokers, current, additional, rf, ThreadLocalRandom.current().nextInt(Math.max(1, brokers.size())));
        }
        if (!validateOnly) {
            for (int i = 0; i < placements.size(); i++) {
                records.add(newPartition(existing.id(), current + i, placements.get(i)));
            }
        }
        return ApiError.NONE;
    }

    /** Deletes the topics with these ids; an id unknown by now gets UNKNOWN_TOPIC_ID. */
    ControllerResult<Map<UUID, ApiError>> deleteTopics(MetadataImage image, List<UUID> topicIds) {
        Map<UUID, ApiError> results = new LinkedHashMap<>();
        List<MetadataRecord> records = new ArrayList<>();
        for (UUID id : topicIds) {
            if (!config.deleteTopicEnable()) {
                results.put(id, new ApiError(Errors.TOPIC_DELETION_DISABLED, "Topic deletion is disabled."));
            } else if (image.topics().get(id) == null) {
                results.put(id, new ApiError(Errors.UNKNOWN_TOPIC_ID, null));
            } else {
                records.add(new RemoveTopicRecord(id));
                results.put(id, ApiError.NONE);
            }
        }
        return new ControllerResult<>(records, results);
    }

    private static Set<String> duplicateNames(CreateTopicsRequestData request) {
        Set<String> seen = new HashSet<>();
        Set<String> duplicates = new HashSet<>();
        for (CreatableTopic topic : request.topics()) {
            if (!seen.add(topic.name())) {
                duplicates.add(topic.name());
            }
        }
        return duplicates;
    }
}
