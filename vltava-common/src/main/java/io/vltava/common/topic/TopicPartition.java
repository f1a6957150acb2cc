package io.vltava.common.topic;

import java.util.Comparator;
import java.util.Objects;

/**
 * A partition of a topic, named as Kafka names it.
 *
 * <p>Threading: immutable; safe from any thread.
 *
 * @param topic     the topic's name
 * @param partition the partition's index, from 0
 */
public record TopicPartition(String topic, int partition) {

    /** Orders by topic name, then partition. */
    public static final Comparator<TopicPartition> COMPARATOR =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    public TopicPartition {
        Objects.requireNonNull(topic, "topic");
        if (partition < 0) {
            throw new IllegalArgumentException("partition must not be negative: " + partition);
        }
    }

    /** The name Kafka gives the partition's directory: {@code topic-partition}. */
    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
