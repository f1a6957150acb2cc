package io.vltava.coordinator.group.assignor;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * One member of a group as an assignor sees it.
 *
 * <p>Threading: immutable once built; the caller does not change the collections afterwards.
 *
 * @param memberId             the member's id
 * @param rackId               the member's rack, or null
 * @param subscribedTopicNames the topics it consumes (named ones and those its regular expression matches)
 * @param currentAssignment    its assignment in the previous target assignment (topic id to partitions), for stickiness
 */
public record AssignmentMember(String memberId, String rackId, Set<String> subscribedTopicNames,
                               Map<Uuid, Set<Integer>> currentAssignment) {
}
