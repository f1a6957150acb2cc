package io.vltava.coordinator.group.consumer;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * One member of a consumer group: what it told the coordinator in its heartbeats and where it stands
 * in its reconciliation. Every field is durable and written in the group's record.
 *
 * <p>Threading: immutable; collections are canonical copies (see {@link Assignments}).
 *
 * @param memberId                    the member's id (client-generated from ConsumerGroupHeartbeat v1)
 * @param instanceId                  group.instance.id of a static member, or null
 * @param rackId                      client.rack, or null
 * @param clientId                    the client.id of its last heartbeat
 * @param clientHost                  the address of its last heartbeat
 * @param rebalanceTimeoutMs          how long it may take to revoke partitions
 * @param serverAssignor              the assignor it asked for, or null
 * @param subscribedTopicNames        the topics it subscribes to by name
 * @param subscribedTopicRegex        the regular expression it subscribes with, or null
 * @param memberEpoch                 its epoch; -2 while a static member is away
 * @param previousMemberEpoch         its epoch before the last change, accepted once from a member that missed a response
 * @param state                       where it stands in its reconciliation
 * @param assignedPartitions          the partitions it owns
 * @param partitionsPendingRevocation the partitions it still owns but was asked to revoke
 */
public record ConsumerGroupMember(String memberId, String instanceId, String rackId, String clientId, String clientHost,
                                  int rebalanceTimeoutMs, String serverAssignor, Set<String> subscribedTopicNames,
                                  String subscribedTopicRegex, int memberEpoch, int previousMemberEpoch, MemberState state,
                                  Map<Uuid, Set<Integer>> assignedPartitions, Map<Uuid, Set<Integer>> partitionsPendingRevocation) {

    /** The epoch of a static member that left and may come back within its session timeout. */
    public static final int STATIC_LEAVE_EPOCH = -2;

    public ConsumerGroupMember {
        Objects.requireNonNull(memberId, "memberId");
        Objects.requireNonNull(state, "state");
        clientId = clientId == null ? "" : clientId;
        clientHost = clientHost == null ? "" : clientHost;
        subscribedTopicNames = Collections.unmodifiableSet(new TreeSet<>(subscribedTopicNames));
        assignedPartitions = Assignments.copyOf(assignedPartitions);
        partitionsPendingRevocation = Assignments.copyOf(partitionsPendingRevocation);
    }

    /** A member that has just joined: epoch 0, nothing assigned. */
    static ConsumerGroupMember joining(String memberId) {
        return new ConsumerGroupMember(memberId, null, null, "", "", -1, null, Set.of(), null, 0, 0, MemberState.STABLE,
                Map.of(), Map.of());
    }

    /** Whether it owns its whole target assignment at the target's epoch. */
    public boolean isReconciledTo(int targetEpoch) {
        return state == MemberState.STABLE && memberEpoch == targetEpoch;
    }

    /** Whether it subscribes with a (non-empty) regular expression. */
    public boolean hasRegex() {
        return subscribedTopicRegex != null && !subscribedTopicRegex.isEmpty();
    }

    ConsumerGroupMember withMemberId(String newMemberId) {
        return new ConsumerGroupMember(newMemberId, instanceId, rackId, clientId, clientHost, rebalanceTimeoutMs, serverAssignor,
                subscribedTopicNames, subscribedTopicRegex, memberEpoch, previousMemberEpoch, state, assignedPartitions,
                partitionsPendingRevocation);
    }

    /** The member with these epochs and this reconciliation state. */
    ConsumerGroupMember withProgress(int newMemberEpoch, int newPreviousMemberEpoch, MemberState newState,
                                     Map<Uuid, Set<Integer>> assigned, Map<Uuid, Set<Integer>> pendingRevocation) {
        return new ConsumerGroupMember(memberId, instanceId, rackId, clientId, clientHost, rebalanceTimeoutMs, serverAssignor,
                subscribedTopicNames, subscribedTopicRegex, newMemberEpoch, newPreviousMemberEpoch, newState, assigned, pendingRevocation);
    }

    /** The member with what a heartbeat told about it; null arguments (and a timeout of -1) keep the current value. */
    ConsumerGroupMember withRequest(String newInstanceId, String newRackId, int newRebalanceTimeoutMs, String newServerAssignor,
                                    Set<String> newTopicNames, String newRegex, String newClientId, String newClientHost) {
        return new ConsumerGroupMember(memberId, newInstanceId != null ? newInstanceId : instanceId, newRackId != null ? newRackId : rackId,
                newClientId, newClientHost, newRebalanceTimeoutMs != -1 ? newRebalanceTimeoutMs : rebalanceTimeoutMs,
                newServerAssignor != null ? newServerAssignor : serverAssignor, newTopicNames != null ? newTopicNames : subscribedTopicNames,
                newRegex != null ? newRegex : subscribedTopicRegex, memberEpoch, previousMemberEpoch, state, assignedPartitions,
                partitionsPendingRevocation);
    }
}
