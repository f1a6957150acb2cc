package io.vltava.coordinator.group.assignor;

import java.util.Objects;
import org.apache.kafka.common.Uuid;

/**
 * A topic that the members of a consumer group may subscribe to, as the assignors see it.
 *
 * <p>Threading: immutable; safe from any thread.
 *
 * @param id         the topic id; a topic deleted and created again under the same name gets a new one
 * @param name       the topic name, which is what members subscribe to
 * @param partitions how many partitions the topic has, numbered from 0
 */
public record AssignmentTopic(Uuid id, String name, int partitions) {

    public AssignmentTopic {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        if (partitions < 0) {
            throw new IllegalArgumentException("Topic " + name + " has a negative partition count: " + partitions);
        }
    }
}
