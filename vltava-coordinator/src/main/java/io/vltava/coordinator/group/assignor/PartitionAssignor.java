package io.vltava.coordinator.group.assignor;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * A server-side assignor of the consumer group protocol (KIP-848): given the members of a group and
 * the topics they subscribe to, decides which member owns which partition.
 *
 * <p>Threading: implementations are stateless and may be called from any shard's thread.
 */
public interface PartitionAssignor {

    /** The name members ask for in ConsumerGroupHeartbeat's ServerAssignor ("uniform", "range"). */
    String name();

    /**
     * Computes the target assignment of a group.
     *
     * @return member id to topic id to partitions; a member left out gets nothing
     */
    Map<String, Map<Uuid, Set<Integer>>> assign(AssignmentSpec spec);
}
