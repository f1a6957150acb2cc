package io.vltava.metadata.image;

import java.util.List;

/**
 * A partition as the metadata knows it: who holds it, who is in sync, who leads and since when.
 *
 * <p>Threading: immutable; safe from any thread.
 *
 * @param replicas       brokers holding a replica, the preferred leader first
 * @param isr            replicas in sync with the leader
 * @param leader         the leader's broker id, or -1
 * @param leaderEpoch    incremented on every leader change
 * @param partitionEpoch incremented on every change
 */
public record PartitionRegistration(List<Integer> replicas, List<Integer> isr, int leader, int leaderEpoch, int partitionEpoch) {

    public PartitionRegistration {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
    }
}
