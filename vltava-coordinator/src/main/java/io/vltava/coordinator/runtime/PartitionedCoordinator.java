package io.vltava.coordinator.runtime;

/**
 * A coordinator whose state lives in the partitions of one internal topic: the broker tells it which
 * of those partitions it leads, and it loads or unloads the matching shards.
 *
 * <p>Threading: any thread.
 */
public interface PartitionedCoordinator {

    /** This broker became the leader of {@code partition} of the coordinator's topic in {@code leaderEpoch}. */
    void onElection(int partition, int leaderEpoch, CoordinatorLog log);

    /** This broker no longer leads {@code partition} of the coordinator's topic. */
    void onResignation(int partition);
}
