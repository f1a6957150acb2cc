package io.vltava.broker.fetch;

import java.util.Objects;
import java.util.UUID;

/**
 * How a fetch session names a partition: by topic id when the request carries one (Fetch v13+), else
 * by topic name.
 *
 * <p>Threading: immutable; safe from any thread.
 *
 * @param topicId   the topic's id, or null
 * @param topic     the topic's name; may be null when an id could not be resolved
 * @param partition the partition index
 */
public record FetchPartitionKey(UUID topicId, String topic, int partition) {

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof FetchPartitionKey key) || key.partition != partition) {
            return false;
        }
        return topicId != null || key.topicId != null ? Objects.equals(topicId, key.topicId) : Objects.equals(topic, key.topic);
    }

    @Override
    public int hashCode() {
        return 31 * (topicId != null ? topicId.hashCode() : Objects.hashCode(topic)) + partition;
    }
}
