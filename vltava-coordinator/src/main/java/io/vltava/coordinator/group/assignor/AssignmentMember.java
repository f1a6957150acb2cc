package io.vltava.coordinator.group.assignor;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * One member of a consumer group as the assignors see it.
 *
 * <p>Threading: immutable (the collections are copied); safe from any thread.
 *
 * @param memberId              the member id, unique in the group
 * @param rackId                the rack the member runs in, or null when it did not say; the assignors here do not use it
 * @param subscribedTopicNames  the names of the topics the member subscribes to, whether or not they exist
 * @param currentAssignment     topic id to the partitions the member owns now, that is its previous target
 *                              assignment; partitions it may no longer have are dropped by the assignors
 */
public record AssignmentMember(String memberId, String rackId, Set<String> subscribedTopicNames,
                               Map<Uuid, Set<Integer>> currentAssignment) {

    public AssignmentMember {
        Objects.requireNonNull(memberId, "memberId");
        subscribedTopicNames = Set.copyOf(subscribedTopicNames);
        Map<Uuid, Set<Integer>> copy = new HashMap<>();
        currentAssignment.forEach((topicId, partitions) -> copy.put(topicId, Set.copyOf(partitions)));
        currentAssignment = Map.copyOf(copy);
    }
}
