package io.vltava.metadata.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.UniqueElements;
import org.junit.jupiter.api.Test;

class ReplicaPlacerTest {

    @Test
    void stripesReplicasOverTheBrokers() {
        assertThat(ReplicaPlacer.place(List.of(1, 2, 3), 0, 4, 2, 0))
                .containsExactly(List.of(1, 2), List.of(2, 3), List.of(3, 1), List.of(1, 2));
    }

    @Test
    void theStartShiftsThePlacement() {
        assertThat(ReplicaPlacer.place(List.of(1, 2, 3), 0, 3, 1, 1)).containsExactly(List.of(2), List.of(3), List.of(1));
        assertThat(ReplicaPlacer.place(List.of(1, 2, 3), 0, 1, 1, -1)).containsExactly(List.of(3));
    }

    @Test
    void newPartitionsContinueTheStripe() {
        assertThat(ReplicaPlacer.place(List.of(1, 2, 3), 3, 2, 2, 0)).containsExactly(List.of(1, 2), List.of(2, 3));
    }

    @Test
    void usesTheBrokerIdsGiven() {
        assertThat(ReplicaPlacer.place(List.of(5, 9, 40), 0, 3, 3, 0))
                .containsExactly(List.of(5, 9, 40), List.of(9, 40, 5), List.of(40, 5, 9));
    }

    @Test
    void placesNothingForZeroPartitions() {
        assertThat(ReplicaPlacer.place(List.of(1), 0, 0, 1, 0)).isEmpty();
    }

    @Test
    void placesPartitionsUpToTheLargestIndex() {
        assertThat(ReplicaPlacer.place(List.of(1, 2), Integer.MAX_VALUE - 1, 2, 1, 0)).containsExactly(List.of(1), List.of(2));
        assertThat(ReplicaPlacer.place(List.of(1, 2, 3), Integer.MAX_VALUE, 1, 2, Integer.MAX_VALUE)).containsExactly(List.of(3, 1));
    }

    @Property(tries = 300)
    void everyPartitionGetsDistinctRegisteredBrokersAndLeadersAreEven(
            @ForAll @Size(min = 1, max = 8) @UniqueElements List<@IntRange(min = 0, max = 100) Integer> ids,
            @ForAll @IntRange(min = 1, max = 8) int rf, @ForAll @IntRange(min = 1, max = 5) int rounds,
            @ForAll @IntRange(min = 0, max = 20) int first, @ForAll int start) {
        List<Integer> brokers = List.copyOf(new TreeSet<>(ids));
        int replicas = Math.min(rf, brokers.size());
        int count = rounds * brokers.size();

        List<List<Integer>> placements = ReplicaPlacer.place(brokers, first, count, replicas, start);

        assertThat(placements).hasSize(count);
        Map<Integer, Integer> leaders = new HashMap<>();
        for (List<Integer> placement : placements) {
            assertThat(placement).hasSize(replicas).doesNotHaveDuplicates().isSubsetOf(brokers);
            leaders.merge(placement.get(0), 1, Integer::sum);
        }
        assertThat(leaders).containsOnlyKeys(brokers);
        assertThat(leaders.values()).containsOnly(rounds);
    }
}
