package io.vltava.coordinator.group.assignor;

import org.apache.kafka.common.Uuid;

/**
 * A topic the members of a group may subscribe to.
 *
 * <p>Threading: immutable.
 *
 * @param id         the topic's id
 * @param name       the topic's name
 * @param partitions how many partitions it has
 */
public record AssignmentTopic(Uuid id, String name, int partitions) {
}
