package io.vltava.metadata.controller;

import java.util.ArrayList;
import java.util.List;

/**
 * Places the replicas of new partitions on brokers, striping them so that leaders and followers spread
 * evenly: partition {@code p} gets the {@code rf} brokers starting at {@code (start + p)} in broker-id
 * order, wrapping around.
 *
 * <p>Threading: stateless.
 */
final class ReplicaPlacer {

    private ReplicaPlacer() {
    }

    /**
     * @param brokers  registered broker ids, sorted
     * @param first    index of the first new partition
     * @param count    number of partitions to place
     * @param rf       replicas per partition, at most {@code brokers.size()}
     * @param start    offset into the broker list, to vary placement between topics
     */
    static List<List<Integer>> place(List<Integer> brokers, int first, int count, int rf, int start) {
        List<List<Integer>> placements = new ArrayList<>(count);
        int n = brokers.size();
        for (int i = 0; i < count; i++) {
            long partition = (long) first + i;
            List<Integer> replicas = new ArrayList<>(rf);
            for (int r = 0; r < rf; r++) {
                replicas.add(brokers.get((int) Math.floorMod(start + partition + r, n)));
            }
            placements.add(replicas);
        }
        return placements;
    }
}
