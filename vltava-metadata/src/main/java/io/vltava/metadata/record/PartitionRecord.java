package io.vltava.metadata.record;

import java.util.List;
import java.util.UUID;

/**
 * The full state of one partition: written when it is created, and again whenever its replicas, ISR
 * or leader change.
 *
 * <p>Threading: immutable; safe from any thread.
 *
 * @param topicId        the topic's id
 * @param partitionId    the partition's index
 * @param replicas       brokers holding a replica, the preferred leader first
 * @param isr            replicas in sync with the leader
 * @param leader         the leader's broker id, or -1 when there is none
 * @param leaderEpoch    incremented on every leader change
 * @param partitionEpoch incremented on every change of this record
 */
public record PartitionRecord(UUID topicId, int partitionId, List<Integer> replicas, List<Integer> isr, int leader, int leaderEpoch,
                              int partitionEpoch) implements MetadataRecord {

    public PartitionRecord {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
    }
}
