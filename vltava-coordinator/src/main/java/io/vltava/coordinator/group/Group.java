package io.vltava.coordinator.group;

import io.vltava.coordinator.runtime.CoordinatorRecord;
import java.util.List;

/**
 * A group as the offset and admin APIs see it, whatever protocol its members speak.
 *
 * <p>Threading: owned by its shard's thread.
 */
public interface Group {

    String groupId();

    GroupType type();

    /** The state as Kafka names it in ListGroups and DescribeGroups ("Empty", "Stable", ...). */
    String stateName();

    /** The protocol type ("consumer", "connect", ... or empty for a group that only commits offsets). */
    String protocolType();

    /** Whether a member consumes {@code topic}; OffsetDelete refuses to delete such offsets. */
    boolean isSubscribedTo(String topic);

    /** Whether the group has no members. */
    boolean isEmpty();

    /** When the group last became empty, or -1 while it has members; its offsets expire counted from then. */
    long emptySinceMs();

    /**
     * Checks that a member may commit offsets for the group.
     *
     * @param generationIdOrMemberEpoch the classic generation id or the consumer member epoch; -1 for a
     *                                  commit from outside the group
     * @throws org.apache.kafka.common.errors.ApiException UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION,
     *     STALE_MEMBER_EPOCH, REBALANCE_IN_PROGRESS or FENCED_INSTANCE_ID
     */
    void validateOffsetCommit(String memberId, String groupInstanceId, int generationIdOrMemberEpoch, short apiVersion);

    /**
     * Checks that a transactional producer may stage offsets for the group (TxnOffsetCommit). Unlike
     * {@link #validateOffsetCommit}, a request that names no member (v0–2, or -1 and no ids) is
     * accepted while the group has members, and a rebalance in progress is no reason to refuse.
     *
     * @throws org.apache.kafka.common.errors.ApiException UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION,
     *     FENCED_INSTANCE_ID or COORDINATOR_NOT_AVAILABLE
     */
    void validateTransactionalOffsetCommit(String memberId, String groupInstanceId, int generationIdOrMemberEpoch);

    /**
     * Checks that a member may fetch the group's offsets (OffsetFetch v9+ names the member).
     *
     * @param memberId    null when the request names no member
     * @param memberEpoch -1 when the request names no member
     */
    void validateOffsetFetch(String memberId, int memberEpoch);

    /**
     * Checks that the group may be deleted.
     *
     * @throws org.apache.kafka.common.errors.GroupNotEmptyException if it has members
     */
    void validateDelete();

    /** The tombstones that delete the group's own records (not its offsets). */
    List<CoordinatorRecord> deletionRecords();

    /** Called when the group is deleted or replaced: pending requests end and timers are cancelled. */
    void onRemoved();
}
