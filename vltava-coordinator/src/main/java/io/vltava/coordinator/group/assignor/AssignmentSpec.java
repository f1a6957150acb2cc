package io.vltava.coordinator.group.assignor;

import java.util.List;
import java.util.Map;

/**
 * What an assignor needs to compute a group's target assignment.
 *
 * <p>Threading: immutable once built; the caller does not change the collections afterwards.
 *
 * @param members      the members of the group
 * @param topicsByName the subscribed topics that exist, by name
 */
public record AssignmentSpec(List<AssignmentMember> members, Map<String, AssignmentTopic> topicsByName) {
}
