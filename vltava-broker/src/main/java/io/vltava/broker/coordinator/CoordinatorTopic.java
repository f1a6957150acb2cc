package io.vltava.broker.coordinator;

import java.util.function.ToIntFunction;

/**
 * What FindCoordinator needs to know about one kind of coordinator: its internal topic and which
 * partition of it owns a key (a group id, a transactional id).
 *
 * <p>Threading: immutable.
 */
public record CoordinatorTopic(InternalTopic topic, ToIntFunction<String> partitionFor) {
}
