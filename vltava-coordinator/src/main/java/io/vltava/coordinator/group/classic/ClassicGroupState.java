package io.vltava.coordinator.group.classic;

import java.util.EnumSet;
import java.util.Set;

/**
 * The states of a classic group, named as DescribeGroups and ListGroups report them, and the
 * transitions between them.
 *
 * <p>A join moves an Empty group to PreparingRebalance; once every member has rejoined (or the
 * rebalance timeout passes) it moves to CompletingRebalance with a new generation, or back to Empty if
 * no member is left; the leader's SyncGroup makes it Stable. A join that changes the group, a leave or
 * an expired member moves a CompletingRebalance or Stable group back to PreparingRebalance. Dead is
 * final: the group was deleted, replaced or unloaded.
 *
 * <p>Threading: immutable.
 */
enum ClassicGroupState {
    EMPTY("Empty"),
    PREPARING_REBALANCE("PreparingRebalance"),
    COMPLETING_REBALANCE("CompletingRebalance"),
    STABLE("Stable"),
    DEAD("Dead");

    private final String kafkaName;

    ClassicGroupState(String kafkaName) {
        this.kafkaName = kafkaName;
    }

    String kafkaName() {
        return kafkaName;
    }

    /** The states a group may move to this one from. */
    Set<ClassicGroupState> validPrevious() {
        return switch (this) {
            case EMPTY -> EnumSet.of(PREPARING_REBALANCE);
            case PREPARING_REBALANCE -> EnumSet.of(EMPTY, STABLE, COMPLETING_REBALANCE);
            case COMPLETING_REBALANCE -> EnumSet.of(PREPARING_REBALANCE);
            case STABLE -> EnumSet.of(COMPLETING_REBALANCE);
            case DEAD -> EnumSet.allOf(ClassicGroupState.class);
        };
    }
}
