package io.vltava.coordinator.group.consumer;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToIntBiFunction;
import org.apache.kafka.common.Uuid;

/**
 * Moves one member a step towards its target assignment (KIP-848 reconciliation). A member keeps the
 * partitions of its target it already owns. Partitions it owns outside the target must be revoked
 * first: it stays at its epoch in {@link MemberState#UNREVOKED_PARTITIONS} until a heartbeat no
 * longer reports them. Then it moves to the target's epoch and gets the target partitions no other
 * member owns; those still owned elsewhere come later ({@link MemberState#UNRELEASED_PARTITIONS}).
 *
 * <p>Threading: stateless; called on the shard's thread.
 */
final class MemberReconciler {

    private MemberReconciler() {
    }

    /**
     * The member's next state.
     *
     * @param member         the member, already updated with its heartbeat's fields
     * @param targetEpoch    the epoch of the group's target assignment
     * @param target         the member's partitions in the target assignment
     * @param partitionEpoch the epoch of the member owning a partition, -1 if none does
     * @param owned          the partitions the heartbeat reports owned, or null if it left them out
     * @return the member unchanged if it cannot move yet
     */
    static ConsumerGroupMember reconcile(ConsumerGroupMember member, int targetEpoch, Map<Uuid, Set<Integer>> target,
                                         ToIntBiFunction<Uuid, Integer> partitionEpoch, Map<Uuid, Set<Integer>> owned) {
        return switch (member.state()) {
            case STABLE -> member.memberEpoch() == targetEpoch ? member
                    : next(member, member.memberEpoch(), targetEpoch, target, partitionEpoch, owned);
            case UNREVOKED_PARTITIONS -> ownsAny(owned, member.partitionsPendingRevocation()) ? member
                    : next(member, member.memberEpoch() + 1, targetEpoch, target, partitionEpoch, owned);
            case UNRELEASED_PARTITIONS -> next(member, member.memberEpoch(), targetEpoch, target, partitionEpoch, owned);
        };
    }

    private static ConsumerGroupMember next(ConsumerGroupMember member, int epochWhileRevoking, int targetEpoch,
                                            Map<Uuid, Set<Integer>> target, ToIntBiFunction<Uuid, Integer> partitionEpoch,
                                            Map<Uuid, Set<Integer>> owned) {
        Map<Uuid, Set<Integer>> current = member.assignedPartitions();
        Map<Uuid, Set<Integer>> kept = new TreeMap<>();
        Map<Uuid, Set<Integer>> toRevoke = new TreeMap<>();
        Map<Uuid, Set<Integer>> toAssign = new TreeMap<>();
        boolean unreleased = false;
        Set<Uuid> topicIds = new HashSet<>(target.keySet());
        topicIds.addAll(current.keySet());
        for (Uuid topicId : topicIds) {
            Set<Integer> targetPartitions = target.getOrDefault(topicId, Set.of());
            Set<Integer> currentPartitions = current.getOrDefault(topicId, Set.of());
            Set<Integer> keep = new TreeSet<>(currentPartitions);
            keep.retainAll(targetPartitions);
            Set<Integer> revoke = new TreeSet<>(currentPartitions);
            revoke.removeAll(keep);
            Set<Integer> assign = new TreeSet<>(targetPartitions);
            assign.removeAll(keep);
            unreleased |= assign.removeIf(partition -> partitionEpoch.applyAsInt(topicId, partition) != -1);
            kept.put(topicId, keep);
            toRevoke.put(topicId, revoke);
            toAssign.put(topicId, assign);
        }
        Map<Uuid, Set<Integer>> revoking = Assignments.copyOf(toRevoke);
        if (!revoking.isEmpty() && ownsAny(owned, revoking)) {
            return member.withProgress(epochWhileRevoking, member.memberEpoch(), MemberState.UNREVOKED_PARTITIONS, kept, revoking);
        }
        toAssign.forEach((topicId, partitions) -> kept.get(topicId).addAll(partitions));
        MemberState state = unreleased ? MemberState.UNRELEASED_PARTITIONS : MemberState.STABLE;
        return member.withProgress(targetEpoch, member.memberEpoch(), state, kept, Map.of());
    }

    /** Whether the member still owns one of {@code partitions}; a heartbeat that leaves out its owned partitions may. */
    private static boolean ownsAny(Map<Uuid, Set<Integer>> owned, Map<Uuid, Set<Integer>> partitions) {
        return owned == null || Assignments.intersects(owned, partitions);
    }
}
