package io.vltava.coordinator.group.assignor;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * A server-side partition assignor of the consumer group protocol (KIP-848): it computes a group's target
 * assignment from its members' subscriptions and current assignments.
 *
 * <p>Threading: implementations are stateless and deterministic; one instance may be used from any number of threads
 * at once.
 */
public interface PartitionAssignor {

    /** The name by which members and the {@code group.consumer.assignors} config select this assignor. */
    String name();

    /**
     * The target assignment of a group: member id to (topic id to partitions). Every member of the spec is a key,
     * with an empty map when it gets nothing; no partition set in it is empty. The same spec always gives the same
     * assignment. The returned collections are unmodifiable.
     */
    Map<String, Map<Uuid, Set<Integer>>> assign(AssignmentSpec spec);
}
