package io.vltava.coordinator.group.classic;

import io.vltava.coordinator.group.Group;
import io.vltava.coordinator.group.GroupType;
import io.vltava.coordinator.runtime.CoordinatorRecord;
import io.vltava.coordinator.runtime.ShardContext;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * A group of the classic protocol: its state, generation, chosen protocol and leader, its members
 * (static ones also by group.instance.id), the members that were told to rejoin with a member id
 * (pending), and the members whose SyncGroup is still awaited. {@link ClassicGroupManager} drives it
 * through rebalances; this class keeps the bookkeeping consistent and answers the offset and admin
 * APIs for it.
 *
 * <p>Threading: owned by its shard's thread.
 */
public final class ClassicGroup implements Group {

    private final String groupId;
    private final ShardContext context;
    private final Map<String, ClassicGroupMember> members = new LinkedHashMap<>();
    private final Map<String, String> staticMembers = new HashMap<>();
    private final Set<String> pendingMembers = new LinkedHashSet<>();
    private final Set<String> pendingSyncMembers = new LinkedHashSet<>();
    private final Map<String, Integer> protocolSupport = new HashMap<>();
    private ClassicGroupState state;
    private ClassicGroupState previousState = ClassicGroupState.DEAD;
    private long stateTimestampMs;
    private String protocolType;
    private String protocolName;
    private int generationId;
    private String leaderId;
    private int awaitingJoinCount;
    private Set<String> subscribedTopics;
    private boolean newMemberAdded;

    /** A new, empty group. */
    ClassicGroup(String groupId, ShardContext context) {
        this.groupId = groupId;
        this.context = context;
        this.state = ClassicGroupState.EMPTY;
        this.stateTimestampMs = context.time().milliseconds();
    }

    /**
     * A group as its last record left it: Empty without members, otherwise Stable.
     *
     * @param protocolType null or empty for none
     */
    ClassicGroup(String groupId, ShardContext context, String protocolType, int generationId, String protocolName, String leaderId,
                 long stateTimestampMs, List<ClassicGroupMember> loaded) {
        this.groupId = groupId;
        this.context = context;
        this.state = loaded.isEmpty() ? ClassicGroupState.EMPTY : ClassicGroupState.STABLE;
        this.protocolType = protocolType == null || protocolType.isEmpty() ? null : protocolType;
        this.generationId = generationId;
        this.protocolName = protocolName;
        this.stateTimestampMs = stateTimestampMs;
        loaded.forEach(member -> add(member, null));
        this.leaderId = leaderId != null && members.containsKey(leaderId) ? leaderId : this.leaderId;
        this.subscribedTopics = computeSubscribedTopics();
    }

    @Override
    public String groupId() {
        return groupId;
    }

    @Override
    public GroupType type() {
        return GroupType.CLASSIC;
    }

    @Override
    public String stateName() {
        return state.kafkaName();
    }

    @Override
    public String protocolType() {
        return protocolType == null ? "" : protocolType;
    }

    ClassicGroupState state() {
        return state;
    }

    ClassicGroupState previousState() {
        return previousState;
    }

    boolean isInState(ClassicGroupState candidate) {
        return state == candidate;
    }

    /** When the group entered its state, -1 if unknown (a record of an older writer). */
    long stateTimestampMs() {
        return stateTimestampMs;
    }

    int generationId() {
        return generationId;
    }

    /** The protocol chosen for the current generation, null when the group has none. */
    String protocolName() {
        return protocolName;
    }

    /** The protocol type, null when the group has none. */
    String protocolTypeOrNull() {
        return protocolType;
    }

    String leaderId() {
        return leaderId;
    }

    boolean isLeader(String memberId) {
        return memberId.equals(leaderId);
    }

    boolean newMemberAdded() {
        return newMemberAdded;
    }

    void setNewMemberAdded(boolean newMemberAdded) {
        this.newMemberAdded = newMemberAdded;
    }

    void transitionTo(ClassicGroupState target) {
        if (!target.validPrevious().contains(state)) {
            throw new IllegalStateException("Group " + groupId + " cannot move from " + state.kafkaName() + " to " + target.kafkaName());
        }
        previousState = state;
        state = target;
        stateTimestampMs = context.time().milliseconds();
    }

    /** Whether a rebalance may start from the current state. */
    boolean canRebalance() {
        return ClassicGroupState.PREPARING_REBALANCE.validPrevious().contains(state);
    }

    // ---- members

    boolean hasMember(String memberId) {
        return members.containsKey(memberId);
    }

    ClassicGroupMember member(String memberId) {
        return members.get(memberId);
    }

    Collection<ClassicGroupMember> members() {
        return members.values();
    }

    int size() {
        return members.size();
    }

    /** The member id of the static member with this group.instance.id, or null. */
    String staticMemberId(String groupInstanceId) {
        return staticMembers.get(groupInstanceId);
    }

    /** Adds a member, parked on {@code joinFuture} if not null; the first member sets the protocol type and leads. */
    void add(ClassicGroupMember member, CompletableFuture<JoinGroupResponseData> joinFuture) {
        if (member.isStatic()) {
            if (staticMembers.containsKey(member.groupInstanceId())) {
                throw new IllegalStateException("Group " + groupId + " already has a member with instance id " + member.groupInstanceId());
            }
            staticMembers.put(member.groupInstanceId(), member.memberId());
        }
        if (members.isEmpty()) {
            protocolType = member.protocolType();
        }
        if (leaderId == null) {
            leaderId = member.memberId();
        }
        members.put(member.memberId(), member);
        countProtocols(member, 1);
        member.setAwaitingJoin(joinFuture);
        if (joinFuture != null) {
            awaitingJoinCount++;
        }
        pendingMembers.remove(member.memberId());
    }

    /**
     * Removes a member or a pending member; a removed leader is replaced by the first remaining
     * member. The member's parked requests are left for the caller to answer first.
     */
    void remove(String memberId) {
        ClassicGroupMember removed = members.remove(memberId);
        if (removed != null) {
            countProtocols(removed, -1);
            if (removed.isAwaitingJoin()) {
                awaitingJoinCount--;
            }
            if (removed.isStatic()) {
                staticMembers.remove(removed.groupInstanceId());
            }
        }
        if (isLeader(memberId)) {
            Iterator<String> remaining = members.keySet().iterator();
            leaderId = remaining.hasNext() ? remaining.next() : null;
        }
        pendingMembers.remove(memberId);
        pendingSyncMembers.remove(memberId);
    }

    /**
     * Gives a static member's place to a new member id: the old member's parked requests end with
     * FENCED_INSTANCE_ID and the new member takes over its assignment and leadership.
     */
    ClassicGroupMember replaceStaticMember(String groupInstanceId, String oldMemberId, String newMemberId) {
        ClassicGroupMember old = members.remove(oldMemberId);
        if (old == null) {
            throw new IllegalStateException("Group " + groupId + " has no member " + oldMemberId + " to replace");
        }
        completeJoin(old, new JoinGroupResponseData().setMemberId(oldMemberId).setLeader("").setProtocolName(null)
                .setErrorCode(Errors.FENCED_INSTANCE_ID.code()));
        completeSync(old, new SyncGroupResponseData().setErrorCode(Errors.FENCED_INSTANCE_ID.code()));
        ClassicGroupMember replacement = new ClassicGroupMember(newMemberId, groupInstanceId, old.clientId(), old.clientHost(),
                old.rebalanceTimeoutMs(), old.sessionTimeoutMs(), old.protocolType(), old.protocols(), old.assignment());
        members.put(newMemberId, replacement);
        if (isLeader(oldMemberId)) {
            leaderId = newMemberId;
        }
        if (pendingSyncMembers.remove(oldMemberId)) {
            pendingSyncMembers.add(newMemberId);
        }
        staticMembers.put(groupInstanceId, newMemberId);
        return replacement;
    }

    /** Takes a rejoining member's new protocols and timeouts and parks it on {@code joinFuture} (null: not parked). */
    void updateMember(ClassicGroupMember member, List<MemberProtocol> protocols, int rebalanceTimeoutMs, int sessionTimeoutMs,
                      CompletableFuture<JoinGroupResponseData> joinFuture) {
        countProtocols(member, -1);
        member.update(protocols, rebalanceTimeoutMs, sessionTimeoutMs);
        countProtocols(member, 1);
        CompletableFuture<JoinGroupResponseData> superseded = member.awaitingJoin();
        if (superseded != null && superseded != joinFuture) {
            superseded.complete(new JoinGroupResponseData().setMemberId(member.memberId())
                    .setErrorCode(Errors.REBALANCE_IN_PROGRESS.code()));
        }
        if (joinFuture != null && superseded == null) {
            awaitingJoinCount++;
        } else if (joinFuture == null && superseded != null) {
            awaitingJoinCount--;
        }
        member.setAwaitingJoin(joinFuture);
    }

    private void countProtocols(ClassicGroupMember member, int delta) {
        for (String name : protocolNames(member.protocols())) {
            protocolSupport.merge(name, delta, Integer::sum);
        }
    }

    private static Set<String> protocolNames(List<MemberProtocol> protocols) {
        Set<String> names = new HashSet<>();
        protocols.forEach(protocol -> names.add(protocol.name()));
        return names;
    }

    /** Answers a parked JoinGroup; false if the member had none. */
    boolean completeJoin(ClassicGroupMember member, JoinGroupResponseData response) {
        CompletableFuture<JoinGroupResponseData> future = member.awaitingJoin();
        if (future == null) {
            return false;
        }
        member.setAwaitingJoin(null);
        awaitingJoinCount--;
        future.complete(response);
        return true;
    }

    /** Answers a parked SyncGroup; false if the member had none. */
    boolean completeSync(ClassicGroupMember member, SyncGroupResponseData response) {
        CompletableFuture<SyncGroupResponseData> future = member.awaitingSync();
        if (future == null) {
            return false;
        }
        member.setAwaitingSync(null);
        future.complete(response);
        return true;
    }

    /** Answers every parked JoinGroup and SyncGroup with {@code error}. */
    void completeAll(Errors error) {
        for (ClassicGroupMember member : members.values()) {
            completeJoin(member, new JoinGroupResponseData().setMemberId(member.memberId()).setErrorCode(error.code()));
            completeSync(member, new SyncGroupResponseData().setErrorCode(error.code()));
        }
    }

    // ---- pending members (told MEMBER_ID_REQUIRED, expected to rejoin with their id)

    boolean isPending(String memberId) {
        return pendingMembers.contains(memberId);
    }

    void addPending(String memberId) {
        if (members.containsKey(memberId)) {
            throw new IllegalStateException("Member " + memberId + " of group " + groupId + " cannot be pending");
        }
        pendingMembers.add(memberId);
    }

    // ---- the join and sync phases

    int awaitingJoinCount() {
        return awaitingJoinCount;
    }

    /** Whether every member has rejoined and no pending member is still expected. */
    boolean hasAllMembersJoined() {
        return members.size() == awaitingJoinCount && pendingMembers.isEmpty();
    }

    /** The members that have not sent a JoinGroup in this rebalance. */
    List<ClassicGroupMember> notYetRejoined() {
        List<ClassicGroupMember> missing = new ArrayList<>();
        members.values().forEach(member -> {
            if (!member.isAwaitingJoin()) {
                missing.add(member);
            }
        });
        return missing;
    }

    /**
     * Makes sure the leader is a member that rejoined: a leader that did not gives way to the first
     * member that did. False if no member rejoined.
     */
    boolean electJoinedLeader() {
        if (leaderId == null) {
            return false;
        }
        if (members.get(leaderId).isAwaitingJoin()) {
            return true;
        }
        for (ClassicGroupMember member : members.values()) {
            if (member.isAwaitingJoin()) {
                leaderId = member.memberId();
                return true;
            }
        }
        return false;
    }

    /** The longest rebalance timeout of the members: how long a rebalance waits for them. */
    int rebalanceTimeoutMs() {
        int longest = 0;
        for (ClassicGroupMember member : members.values()) {
            longest = Math.max(longest, member.rebalanceTimeoutMs());
        }
        return longest;
    }

    void addPendingSync(String memberId) {
        pendingSyncMembers.add(memberId);
    }

    void removePendingSync(String memberId) {
        pendingSyncMembers.remove(memberId);
    }

    boolean hasAllMembersSynced() {
        return pendingSyncMembers.isEmpty();
    }

    Set<String> pendingSyncMemberIds() {
        return pendingSyncMembers;
    }

    void clearPendingSync() {
        pendingSyncMembers.clear();
    }

    /** Starts the next generation: CompletingRebalance with a chosen protocol, or Empty without members. */
    void initNextGeneration() {
        generationId++;
        if (members.isEmpty()) {
            protocolName = null;
            subscribedTopics = computeSubscribedTopics();
            transitionTo(ClassicGroupState.EMPTY);
        } else {
            protocolName = selectProtocol();
            subscribedTopics = computeSubscribedTopics();
            transitionTo(ClassicGroupState.COMPLETING_REBALANCE);
        }
        pendingSyncMembers.clear();
    }

    /** The members as the leader's JoinGroup response lists them, with their metadata for the chosen protocol. */
    List<JoinGroupResponseMember> joinResponseMembers() {
        List<JoinGroupResponseMember> listed = new ArrayList<>();
        for (ClassicGroupMember member : members.values()) {
            listed.add(new JoinGroupResponseMember().setMemberId(member.memberId()).setGroupInstanceId(member.groupInstanceId())
                    .setMetadata(member.metadata(protocolName)));
        }
        return listed;
    }

    /** Each member's current assignment, by member id. */
    Map<String, byte[]> assignments() {
        Map<String, byte[]> assignments = new LinkedHashMap<>();
        members.values().forEach(member -> assignments.put(member.memberId(), member.assignment()));
        return assignments;
    }

    // ---- protocols

    /**
     * Whether a member of this protocol type supporting these protocols may join: any non-empty
     * type and protocol list while the group is Empty, otherwise the group's type and at least one
     * protocol every member supports.
     */
    boolean supportsProtocols(String memberProtocolType, List<MemberProtocol> memberProtocols) {
        Set<String> names = protocolNames(memberProtocols);
        if (state == ClassicGroupState.EMPTY) {
            return memberProtocolType != null && !memberProtocolType.isEmpty() && !names.isEmpty();
        }
        if (protocolType == null || !protocolType.equals(memberProtocolType)) {
            return false;
        }
        for (String name : names) {
            if (protocolSupport.getOrDefault(name, 0) == members.size()) {
                return true;
            }
        }
        return false;
    }

    /** The protocol every member supports that most members prefer. */
    String selectProtocol() {
        if (members.isEmpty()) {
            throw new IllegalStateException("Group " + groupId + " has no members to choose a protocol");
        }
        Set<String> candidates = new HashSet<>();
        protocolSupport.forEach((name, count) -> {
            if (count == members.size()) {
                candidates.add(name);
            }
        });
        Map<String, Integer> votes = new LinkedHashMap<>();
        for (ClassicGroupMember member : members.values()) {
            votes.merge(member.vote(candidates), 1, Integer::sum);
        }
        String chosen = null;
        int most = 0;
        for (Map.Entry<String, Integer> entry : votes.entrySet()) {
            if (entry.getValue() > most) {
                chosen = entry.getKey();
                most = entry.getValue();
            }
        }
        return chosen;
    }

    private boolean usesConsumerProtocol() {
        return ConsumerProtocol.PROTOCOL_TYPE.equals(protocolType);
    }

    /** The topics the members of a "consumer" group subscribe to; null if unknown (another protocol type, or unreadable metadata). */
    private Set<String> computeSubscribedTopics() {
        if (!usesConsumerProtocol()) {
            return null;
        }
        if (members.isEmpty()) {
            return Set.of();
        }
        if (protocolName == null) {
            return null;
        }
        Set<String> topics = new HashSet<>();
        try {
            for (ClassicGroupMember member : members.values()) {
                Subscription subscription = ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(member.metadata(protocolName)));
                topics.addAll(subscription.topics());
            }
        } catch (RuntimeException e) {
            return null;
        }
        return topics;
    }

    // ---- the Group interface

    @Override
    public boolean isSubscribedTo(String topic) {
        return subscribedTopics == null ? usesConsumerProtocol() : subscribedTopics.contains(topic);
    }

    @Override
    public boolean isEmpty() {
        return state == ClassicGroupState.EMPTY;
    }

    @Override
    public long emptySinceMs() {
        return state == ClassicGroupState.EMPTY ? stateTimestampMs : -1L;
    }

    /**
     * Checks a member (or a static member) belongs to the group.
     *
     * @throws UnknownMemberIdException  if neither the member nor the instance id is known
     * @throws FencedInstanceIdException if the instance id belongs to another member id
     */
    void validateMember(String memberId, String groupInstanceId) {
        if (groupInstanceId != null) {
            String current = staticMembers.get(groupInstanceId);
            if (current == null) {
                throw new UnknownMemberIdException("Group " + groupId + " has no member with instance id " + groupInstanceId);
            }
            if (!current.equals(memberId)) {
                throw new FencedInstanceIdException("Instance id " + groupInstanceId + " of group " + groupId
                        + " belongs to another member than " + memberId);
            }
        }
        if (!members.containsKey(memberId)) {
            throw new UnknownMemberIdException("Group " + groupId + " has no member " + memberId);
        }
    }

    @Override
    public void validateOffsetCommit(String memberId, String groupInstanceId, int generationIdOrMemberEpoch, short apiVersion) {
        validateCommitter(memberId, groupInstanceId, generationIdOrMemberEpoch, false);
    }

    @Override
    public void validateTransactionalOffsetCommit(String memberId, String groupInstanceId, int generationId) {
        validateCommitter(memberId, groupInstanceId, generationId, true);
    }

    /**
     * A commit that names no member is accepted while the group is empty, or at any time if it is
     * transactional (TxnOffsetCommit v0–2 cannot name one); a transactional commit is not refused
     * while the group completes a rebalance.
     */
    private void validateCommitter(String memberId, String groupInstanceId, int generationId, boolean transactional) {
        if (state == ClassicGroupState.DEAD) {
            throw new CoordinatorNotAvailableException("Group " + groupId + " is being removed");
        }
        if (generationId < 0 && state == ClassicGroupState.EMPTY) {
            return;
        }
        if (generationId >= 0 || !memberId.isEmpty() || groupInstanceId != null) {
            validateMember(memberId, groupInstanceId);
            if (generationId != this.generationId) {
                throw new IllegalGenerationException("Group " + groupId + " is at generation " + this.generationId + ", not " + generationId);
            }
        } else if (!transactional) {
            throw new UnknownMemberIdException("Group " + groupId + " has members; commits from outside it are refused");
        }
        if (!transactional && state == ClassicGroupState.COMPLETING_REBALANCE) {
            throw new RebalanceInProgressException("Group " + groupId + " is completing a rebalance");
        }
    }

    @Override
    public void validateOffsetFetch(String memberId, int memberEpoch) {
        if (state == ClassicGroupState.DEAD) {
            throw new GroupIdNotFoundException("Group " + groupId + " is being removed");
        }
    }

    @Override
    public void validateDelete() {
        switch (state) {
            case DEAD -> throw new GroupIdNotFoundException("Group " + groupId + " is being removed");
            case PREPARING_REBALANCE, COMPLETING_REBALANCE, STABLE -> throw new GroupNotEmptyException("Group " + groupId + " has members");
            case EMPTY -> {
            }
        }
    }

    @Override
    public List<CoordinatorRecord> deletionRecords() {
        return List.of(ClassicGroupRecords.tombstone(groupId));
    }

    /** Marks the group Dead, ends its parked requests (the clients rejoin) and cancels its timers. */
    @Override
    public void onRemoved() {
        if (state != ClassicGroupState.DEAD) {
            transitionTo(ClassicGroupState.DEAD);
        }
        completeAll(Errors.REBALANCE_IN_PROGRESS);
        cancelTimers();
    }

    /** Cancels the group's join and sync timers and the session timers of its members and pending members. */
    void cancelTimers() {
        context.cancel(joinTimerKey());
        context.cancel(syncTimerKey());
        members.keySet().forEach(memberId -> context.cancel(heartbeatTimerKey(memberId)));
        pendingMembers.forEach(memberId -> context.cancel(heartbeatTimerKey(memberId)));
    }

    // ---- timers

    /** The key of the timer that ends the join phase (or the initial delay). */
    String joinTimerKey() {
        return "classic-join:" + groupId;
    }

    /** The key of the timer that removes members that did not send SyncGroup. */
    String syncTimerKey() {
        return "classic-sync:" + groupId;
    }

    /** The key of a member's session timer. */
    String heartbeatTimerKey(String memberId) {
        return "classic-session:" + groupId.length() + ":" + groupId + ":" + memberId;
    }

    // ---- DescribeGroups

    /** The group as DescribeGroups shows it: member metadata and the protocol only while Stable, as Kafka does. */
    DescribedGroup describe() {
        boolean stable = state == ClassicGroupState.STABLE;
        DescribedGroup described = new DescribedGroup().setGroupId(groupId).setGroupState(state.kafkaName()).setProtocolType(protocolType())
                .setProtocolData(stable && protocolName != null ? protocolName : "");
        for (ClassicGroupMember member : members.values()) {
            described.members().add(member.describe(stable ? protocolName : null));
        }
        return described;
    }

    @Override
    public String toString() {
        return "ClassicGroup(" + groupId + ", " + state.kafkaName() + ", generation " + generationId + ", members " + members.keySet() + ")";
    }
}
