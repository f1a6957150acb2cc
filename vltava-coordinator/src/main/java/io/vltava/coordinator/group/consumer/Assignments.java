package io.vltava.coordinator.group.consumer;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;

/**
 * Helpers for assignments as the consumer group code keeps them: topic id to partition numbers, in a
 * canonical form (sorted, unmodifiable, no empty partition sets), so that equal assignments are equal
 * objects.
 *
 * <p>Threading: stateless.
 */
final class Assignments {

    private Assignments() {
    }

    /** A canonical, unmodifiable copy. */
    static Map<Uuid, Set<Integer>> copyOf(Map<Uuid, ? extends Set<Integer>> assignment) {
        if (assignment.isEmpty()) {
            return Map.of();
        }
        TreeMap<Uuid, Set<Integer>> copy = new TreeMap<>();
        assignment.forEach((topicId, partitions) -> {
            if (!partitions.isEmpty()) {
                copy.put(topicId, Collections.unmodifiableSet(new TreeSet<>(partitions)));
            }
        });
        return Collections.unmodifiableMap(copy);
    }

    /** The partitions a member reports owning, or null when the request leaves them out. */
    static Map<Uuid, Set<Integer>> owned(List<ConsumerGroupHeartbeatRequestData.TopicPartitions> topicPartitions) {
        if (topicPartitions == null) {
            return null;
        }
        TreeMap<Uuid, Set<Integer>> owned = new TreeMap<>();
        for (ConsumerGroupHeartbeatRequestData.TopicPartitions topic : topicPartitions) {
            owned.computeIfAbsent(topic.topicId(), id -> new TreeSet<>()).addAll(topic.partitions());
        }
        return copyOf(owned);
    }

    /** Whether every partition of {@code partitions} is in {@code of}. */
    static boolean isSubset(Map<Uuid, Set<Integer>> partitions, Map<Uuid, Set<Integer>> of) {
        for (Map.Entry<Uuid, Set<Integer>> entry : partitions.entrySet()) {
            if (!of.getOrDefault(entry.getKey(), Set.of()).containsAll(entry.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** Whether the two assignments share a partition. */
    static boolean intersects(Map<Uuid, Set<Integer>> first, Map<Uuid, Set<Integer>> second) {
        for (Map.Entry<Uuid, Set<Integer>> entry : first.entrySet()) {
            Set<Integer> other = second.getOrDefault(entry.getKey(), Set.of());
            for (int partition : entry.getValue()) {
                if (other.contains(partition)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The assignment as a ConsumerGroupHeartbeat response carries it. */
    static ConsumerGroupHeartbeatResponseData.Assignment toResponse(Map<Uuid, Set<Integer>> assignment) {
        ConsumerGroupHeartbeatResponseData.Assignment response = new ConsumerGroupHeartbeatResponseData.Assignment();
        assignment.forEach((topicId, partitions) -> response.topicPartitions().add(
                new ConsumerGroupHeartbeatResponseData.TopicPartitions().setTopicId(topicId).setPartitions(List.copyOf(partitions))));
        return response;
    }
}
