package io.vltava.coordinator.group.classic;

import io.vltava.coordinator.group.Group;
import io.vltava.coordinator.group.GroupCoordinatorConfig;
import io.vltava.coordinator.group.GroupRequestContext;
import io.vltava.coordinator.runtime.CoordinatorRecord;
import io.vltava.coordinator.runtime.ShardContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.InvalidGroupIdException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.LeaveGroupResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classic group protocol of one shard: JoinGroup, SyncGroup, Heartbeat and LeaveGroup drive the
 * shard's {@link ClassicGroup}s through their rebalances, as Kafka's group coordinator does.
 *
 * <p>A rebalance: members (re)join and are parked until every member has rejoined or the rebalance
 * timeout passes (the first rebalance of an empty group waits group.initial.rebalance.delay.ms,
 * extended while members keep arriving); then the generation advances, every parked JoinGroup is
 * answered (the leader's with all members' metadata), and the group waits for SyncGroup. The
 * leader's SyncGroup stores the assignment in a {@link ClassicGroupRecords} record and, once that is
 * durable, answers every parked SyncGroup and makes the group Stable. Session timers evict members
 * that stop heartbeating; a sync timer evicts members that do not sync within the rebalance timeout.
 *
 * <p>A JoinGroup for an empty consumer group (KIP-848) replaces it with a classic group, whatever
 * group.consumer.migration.policy says, as Kafka converts empty groups; a consumer group with members
 * refuses classic members with INCONSISTENT_GROUP_PROTOCOL, since mixed groups are not served.
 *
 * <p>Threading: owned by the shard's thread; timers and append completions also run there.
 */
public final class ClassicGroupManager {

    private static final Logger log = LoggerFactory.getLogger(ClassicGroupManager.class);

    /** How long a new member's parked JoinGroup may wait before the member is dropped (Kafka's fixed 5 minutes). */
    static final int NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;
    private static final short KNOWN_MEMBER_ID_MIN_VERSION = 4;
    private static final short SKIP_ASSIGNMENT_MIN_VERSION = 9;
    private static final short LEAVE_BATCH_MIN_VERSION = 3;
    private static final short SYNC_PROTOCOL_MIN_VERSION = 5;

    private final ShardContext context;
    private final GroupCoordinatorConfig config;
    private final Map<String, Group> groups;

    public ClassicGroupManager(ShardContext context, GroupCoordinatorConfig config, Map<String, Group> groups) {
        this.context = context;
        this.config = config;
        this.groups = groups;
    }

    /** The group, made empty and classic if there is none (offsets committed from outside a group). */
    public Group getOrCreateEmptyGroup(String groupId) {
        return groups.computeIfAbsent(groupId, id -> new ClassicGroup(id, context));
    }

    // ---- JoinGroup

    /** JoinGroup v0–9; the response completes when the member's rebalance has a result. */
    public CompletableFuture<JoinGroupResponseData> joinGroup(GroupRequestContext request, JoinGroupRequestData data) {
        CompletableFuture<JoinGroupResponseData> response = new CompletableFuture<>();
        join(request, data, response);
        short version = request.apiVersion();
        return response.thenApply(result -> new JoinGroupResponse(result, version).data());
    }

    private void join(GroupRequestContext request, JoinGroupRequestData data, CompletableFuture<JoinGroupResponseData> response) {
        String groupId = data.groupId();
        String memberId = data.memberId();
        if (groupId == null || groupId.isEmpty()) {
            response.complete(joinError(memberId, Errors.INVALID_GROUP_ID));
            return;
        }
        if (data.sessionTimeoutMs() < config.classicMinSessionTimeoutMs() || data.sessionTimeoutMs() > config.classicMaxSessionTimeoutMs()) {
            response.complete(joinError(memberId, Errors.INVALID_SESSION_TIMEOUT));
            return;
        }
        Group existing = groups.get(groupId);
        if (existing != null && !(existing instanceof ClassicGroup)) {
            if (!existing.isEmpty()) {
                response.complete(joinError(memberId, Errors.INCONSISTENT_GROUP_PROTOCOL));
                return;
            }
            log.info("Group {} is an empty {} group; it becomes a classic group for a JoinGroup", groupId, existing.type().kafkaName());
            groups.remove(groupId);
            existing.onRemoved();
            appendIgnoringFailure(existing.deletionRecords(), "the removal of group " + groupId);
        }
        ClassicGroup group = (ClassicGroup) groups.get(groupId);
        if (group == null) {
            if (!memberId.isEmpty()) {
                response.complete(joinError(memberId, Errors.UNKNOWN_MEMBER_ID));
                return;
            }
            group = new ClassicGroup(groupId, context);
            groups.put(groupId, group);
        }
        JoinRequest join = new JoinRequest(request, data, protocols(data));
        if (!acceptsJoiningMember(group, memberId)) {
            group.remove(memberId);
            context.cancel(group.heartbeatTimerKey(memberId));
            response.complete(joinError("", Errors.GROUP_MAX_SIZE_REACHED));
        } else if (memberId.isEmpty()) {
            joinNewMember(group, join, response);
        } else {
            joinExistingMember(group, join, response);
        }
    }

    /** A JoinGroup with what the manager derives from it. */
    private record JoinRequest(GroupRequestContext context, JoinGroupRequestData data, List<MemberProtocol> protocols) {

        /** Version 0 has no rebalance timeout: the session timeout stands in for it. */
        int rebalanceTimeoutMs() {
            return context.apiVersion() == 0 ? data.sessionTimeoutMs() : data.rebalanceTimeoutMs();
        }

        String groupInstanceId() {
            return data.groupInstanceId();
        }
    }

    private static List<MemberProtocol> protocols(JoinGroupRequestData data) {
        List<MemberProtocol> protocols = new ArrayList<>();
        for (JoinGroupRequestProtocol protocol : data.protocols()) {
            protocols.add(new MemberProtocol(protocol.name(), protocol.metadata() == null ? new byte[0] : protocol.metadata()));
        }
        return protocols;
    }

    /**
     * Whether group.max.size leaves room: during a rebalance the members that already rejoined count
     * (so the last to rejoin of an oversized group are turned away), otherwise all members.
     */
    private boolean acceptsJoiningMember(ClassicGroup group, String memberId) {
        return switch (group.state()) {
            case EMPTY, DEAD -> true;
            case PREPARING_REBALANCE -> (group.hasMember(memberId) && group.member(memberId).isAwaitingJoin())
                    || group.awaitingJoinCount() < config.classicMaxSize();
            case COMPLETING_REBALANCE, STABLE -> group.hasMember(memberId) || group.size() < config.classicMaxSize();
        };
    }

    private void joinNewMember(ClassicGroup group, JoinRequest join, CompletableFuture<JoinGroupResponseData> response) {
        if (group.isInState(ClassicGroupState.DEAD)) {
            response.complete(joinError("", Errors.COORDINATOR_NOT_AVAILABLE));
            return;
        }
        if (!group.supportsProtocols(join.data().protocolType(), join.protocols())) {
            response.complete(joinError("", Errors.INCONSISTENT_GROUP_PROTOCOL));
            return;
        }
        String instanceId = join.groupInstanceId();
        String newMemberId = (instanceId != null ? instanceId : join.context().clientId()) + "-" + UUID.randomUUID();
        if (instanceId != null) {
            String existingMemberId = group.staticMemberId(instanceId);
            if (existingMemberId != null) {
                log.info("Static member {} of group {} rejoins as {} in state {}, replacing {}", instanceId, group.groupId(), newMemberId,
                        group.stateName(), existingMemberId);
                replaceStaticMember(group, join, existingMemberId, newMemberId, response);
            } else {
                addMember(group, join, newMemberId, response);
            }
        } else if (join.context().apiVersion() >= KNOWN_MEMBER_ID_MIN_VERSION) {
            group.addPending(newMemberId);
            scheduleSessionTimer(group, newMemberId, join.data().sessionTimeoutMs());
            response.complete(joinError(newMemberId, Errors.MEMBER_ID_REQUIRED));
        } else {
            addMember(group, join, newMemberId, response);
        }
    }

    private void joinExistingMember(ClassicGroup group, JoinRequest join, CompletableFuture<JoinGroupResponseData> response) {
        String memberId = join.data().memberId();
        if (group.isInState(ClassicGroupState.DEAD)) {
            response.complete(joinError(memberId, Errors.COORDINATOR_NOT_AVAILABLE));
            return;
        }
        if (!group.supportsProtocols(join.data().protocolType(), join.protocols())) {
            response.complete(joinError(memberId, Errors.INCONSISTENT_GROUP_PROTOCOL));
            return;
        }
        if (group.isPending(memberId) && join.groupInstanceId() == null) {
            addMember(group, join, memberId, response);
            return;
        }
        try {
            group.validateMember(memberId, join.groupInstanceId());
        } catch (ApiException e) {
            response.complete(joinError(memberId, Errors.forException(e)));
            return;
        }
        ClassicGroupMember member = group.member(memberId);
        switch (group.state()) {
            case PREPARING_REBALANCE -> updateMember(group, member, join, response, "member " + memberId + " rejoins");
            case COMPLETING_REBALANCE -> {
                if (member.matches(join.protocols())) {
                    List<JoinGroupResponseMember> members = group.isLeader(memberId) ? group.joinResponseMembers() : List.of();
                    response.complete(joinResponse(group, memberId, members, group.leaderId(), false));
                } else {
                    updateMember(group, member, join, response, "member " + memberId + " changed its protocols");
                }
            }
            case STABLE -> {
                if (group.isLeader(memberId)) {
                    updateMember(group, member, join, response, "leader " + memberId + " rejoins");
                } else if (!member.matches(join.protocols())) {
                    updateMember(group, member, join, response, "member " + memberId + " changed its protocols");
                } else {
                    response.complete(joinResponse(group, memberId, List.of(), group.leaderId(), false));
                }
            }
            case EMPTY, DEAD -> response.complete(joinError(memberId, Errors.UNKNOWN_MEMBER_ID));
        }
    }

    private void updateMember(ClassicGroup group, ClassicGroupMember member, JoinRequest join, CompletableFuture<JoinGroupResponseData> response,
                              String reason) {
        group.updateMember(member, join.protocols(), join.rebalanceTimeoutMs(), join.data().sessionTimeoutMs(), response);
        prepareRebalanceOrCompleteJoin(group, reason);
    }

    private void addMember(ClassicGroup group, JoinRequest join, String memberId, CompletableFuture<JoinGroupResponseData> response) {
        ClassicGroupMember member = new ClassicGroupMember(memberId, join.groupInstanceId(), join.context().clientId(),
                join.context().clientHost(), join.rebalanceTimeoutMs(), join.data().sessionTimeoutMs(), join.data().protocolType(),
                join.protocols(), ClassicGroupMember.EMPTY_ASSIGNMENT);
        member.setNew(true);
        if (group.isInState(ClassicGroupState.PREPARING_REBALANCE) && group.previousState() == ClassicGroupState.EMPTY) {
            group.setNewMemberAdded(true);
        }
        group.add(member, response);
        scheduleSessionTimer(group, memberId, NEW_MEMBER_JOIN_TIMEOUT_MS);
        prepareRebalanceOrCompleteJoin(group, "new member " + memberId + " joins");
    }

    /**
     * A known static member rejoins with a new member id: the new id takes the old one's place. A
     * Stable group whose protocol stays the same only stores the new id and hands back the current
     * generation; otherwise the group rebalances.
     */
    private void replaceStaticMember(ClassicGroup group, JoinRequest join, String oldMemberId, String newMemberId,
                                     CompletableFuture<JoinGroupResponseData> response) {
        String formerLeader = group.leaderId();
        context.cancel(group.heartbeatTimerKey(oldMemberId));
        ClassicGroupMember member = group.replaceStaticMember(join.groupInstanceId(), oldMemberId, newMemberId);
        scheduleSessionTimer(group, newMemberId, member.sessionTimeoutMs());
        group.updateMember(member, join.protocols(), join.rebalanceTimeoutMs(), join.data().sessionTimeoutMs(), response);
        String reason = "static member " + join.groupInstanceId() + " rejoins as " + newMemberId;
        switch (group.state()) {
            case STABLE -> {
                if (!group.selectProtocol().equals(group.protocolName())) {
                    prepareRebalanceOrCompleteJoin(group, reason + " with other protocols");
                    return;
                }
                boolean skipAssignment = join.context().apiVersion() >= SKIP_ASSIGNMENT_MIN_VERSION;
                context.append(List.of(ClassicGroupRecords.record(group, group.assignments()))).whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        group.completeJoin(member, new JoinGroupResponseData().setMemberId("").setGenerationId(group.generationId())
                                .setProtocolType(group.protocolTypeOrNull()).setProtocolName(group.protocolName()).setLeader(formerLeader)
                                .setErrorCode(appendError(failure).code()));
                    } else if (skipAssignment) {
                        boolean leader = group.isLeader(newMemberId);
                        group.completeJoin(member, joinResponse(group, newMemberId, leader ? group.joinResponseMembers() : List.of(),
                                group.leaderId(), leader));
                    } else {
                        group.completeJoin(member, joinResponse(group, newMemberId, List.of(), formerLeader, false));
                    }
                });
            }
            case COMPLETING_REBALANCE -> prepareRebalance(group, reason);
            case PREPARING_REBALANCE -> completeJoinIfReady(group);
            case EMPTY, DEAD -> throw new IllegalStateException("Group " + group.groupId() + " has a static member while " + group.stateName());
        }
    }

    private static JoinGroupResponseData joinResponse(ClassicGroup group, String memberId, List<JoinGroupResponseMember> members, String leader,
                                                      boolean skipAssignment) {
        return new JoinGroupResponseData().setMemberId(memberId).setGenerationId(group.generationId())
                .setProtocolType(group.protocolTypeOrNull()).setProtocolName(group.protocolName()).setLeader(leader)
                .setSkipAssignment(skipAssignment).setMembers(new ArrayList<>(members));
    }

    private static JoinGroupResponseData joinError(String memberId, Errors error) {
        return new JoinGroupResponseData().setMemberId(memberId).setErrorCode(error.code()).setProtocolName(null);
    }

    // ---- rebalancing

    private void prepareRebalanceOrCompleteJoin(ClassicGroup group, String reason) {
        if (group.canRebalance()) {
            prepareRebalance(group, reason);
        } else {
            completeJoinIfReady(group);
        }
    }

    /** Completes the join phase if every member has rejoined, unless it is the initial rebalance (its timer decides). */
    private void completeJoinIfReady(ClassicGroup group) {
        if (group.isInState(ClassicGroupState.PREPARING_REBALANCE) && group.previousState() != ClassicGroupState.EMPTY
                && group.hasAllMembersJoined()) {
            completeJoin(group);
        }
    }

    private void prepareRebalance(ClassicGroup group, String reason) {
        if (group.isInState(ClassicGroupState.COMPLETING_REBALANCE)) {
            group.members().forEach(member -> member.setAssignment(ClassicGroupMember.EMPTY_ASSIGNMENT));
            propagateAssignment(group, Errors.REBALANCE_IN_PROGRESS);
        }
        group.clearPendingSync();
        context.cancel(group.syncTimerKey());
        boolean initial = group.isInState(ClassicGroupState.EMPTY);
        if (initial) {
            int delayMs = config.initialRebalanceDelayMs();
            int remainingMs = Math.max(group.rebalanceTimeoutMs() - delayMs, 0);
            scheduleInitialJoin(group, delayMs, remainingMs);
        }
        group.transitionTo(ClassicGroupState.PREPARING_REBALANCE);
        log.info("Group {} prepares a rebalance from generation {}: {}", group.groupId(), group.generationId(), reason);
        if (!initial) {
            if (group.hasAllMembersJoined()) {
                completeJoin(group);
            } else {
                scheduleJoinTimeout(group);
            }
        }
    }

    private void scheduleJoinTimeout(ClassicGroup group) {
        context.schedule(group.joinTimerKey(), group.rebalanceTimeoutMs(), whileLive(group, () -> completeJoin(group)));
    }

    /**
     * The initial rebalance of an empty group waits {@code delayMs}; if members joined meanwhile it
     * waits again, up to the rebalance timeout in all.
     */
    private void scheduleInitialJoin(ClassicGroup group, int delayMs, int remainingMs) {
        context.schedule(group.joinTimerKey(), delayMs, whileLive(group, () -> {
            if (group.newMemberAdded() && remainingMs != 0) {
                group.setNewMemberAdded(false);
                scheduleInitialJoin(group, Math.min(config.initialRebalanceDelayMs(), remainingMs), Math.max(remainingMs - delayMs, 0));
            } else {
                completeJoin(group);
            }
        }));
    }

    /**
     * Ends the join phase: dynamic members that did not rejoin are dropped, the generation advances,
     * and every parked JoinGroup is answered; a group left without members becomes Empty and is stored.
     */
    private void completeJoin(ClassicGroup group) {
        context.cancel(group.joinTimerKey());
        for (ClassicGroupMember missing : group.notYetRejoined()) {
            if (!missing.isStatic()) {
                removeMember(group, missing);
            }
        }
        if (group.isInState(ClassicGroupState.DEAD)) {
            return;
        }
        if (!group.electJoinedLeader() && group.size() > 0) {
            log.warn("No member of group {} rejoined; waiting another rebalance timeout", group.groupId());
            scheduleJoinTimeout(group);
            return;
        }
        group.initNextGeneration();
        if (group.isInState(ClassicGroupState.EMPTY)) {
            log.info("Group {} is empty at generation {}", group.groupId(), group.generationId());
            appendIgnoringFailure(List.of(ClassicGroupRecords.record(group, Map.of())), "empty group " + group.groupId());
            return;
        }
        log.info("Group {} has generation {} with {} members, protocol {}", group.groupId(), group.generationId(), group.size(),
                group.protocolName());
        for (ClassicGroupMember member : group.members()) {
            List<JoinGroupResponseMember> members = group.isLeader(member.memberId()) ? group.joinResponseMembers() : List.of();
            group.completeJoin(member, joinResponse(group, member.memberId(), members, group.leaderId(), false));
            scheduleSessionTimer(group, member.memberId(), member.sessionTimeoutMs());
            member.setNew(false);
            group.addPendingSync(member.memberId());
        }
        int generationId = group.generationId();
        context.schedule(group.syncTimerKey(), group.rebalanceTimeoutMs(), whileLive(group, () -> expirePendingSync(group, generationId)));
    }

    /** The members that have not sent SyncGroup within the rebalance timeout are dropped, and the group rebalances. */
    private void expirePendingSync(ClassicGroup group, int generationId) {
        if (generationId != group.generationId() || group.hasAllMembersSynced()) {
            return;
        }
        if (group.isInState(ClassicGroupState.COMPLETING_REBALANCE) || group.isInState(ClassicGroupState.STABLE)) {
            List<String> missing = new ArrayList<>(group.pendingSyncMemberIds());
            missing.forEach(memberId -> removeMember(group, group.member(memberId)));
            prepareRebalance(group, "members " + missing + " did not sync in time");
        }
    }

    /** Drops a member, ending its parked requests with UNKNOWN_MEMBER_ID (a live client rejoins). */
    private void removeMember(ClassicGroup group, ClassicGroupMember member) {
        group.completeJoin(member, joinError("", Errors.UNKNOWN_MEMBER_ID));
        group.completeSync(member, new SyncGroupResponseData().setErrorCode(Errors.UNKNOWN_MEMBER_ID.code()));
        group.remove(member.memberId());
        context.cancel(group.heartbeatTimerKey(member.memberId()));
    }

    private void scheduleSessionTimer(ClassicGroup group, String memberId, long timeoutMs) {
        context.schedule(group.heartbeatTimerKey(memberId), timeoutMs, whileLive(group, () -> expireSession(group, memberId)));
    }

    private void expireSession(ClassicGroup group, String memberId) {
        if (group.isPending(memberId)) {
            log.info("Pending member {} of group {} did not rejoin within its session timeout", memberId, group.groupId());
            group.remove(memberId);
            if (group.isInState(ClassicGroupState.PREPARING_REBALANCE) && group.hasAllMembersJoined()) {
                completeJoin(group);
            }
            return;
        }
        ClassicGroupMember member = group.member(memberId);
        if (member == null || member.hasSatisfiedHeartbeat()) {
            return;
        }
        log.info("Member {} of group {} missed its session timeout; removing it", memberId, group.groupId());
        removeMember(group, member);
        switch (group.state()) {
            case STABLE, COMPLETING_REBALANCE -> prepareRebalanceOrCompleteJoin(group, "member " + memberId + " expired");
            case PREPARING_REBALANCE -> {
                if (group.hasAllMembersJoined()) {
                    completeJoin(group);
                }
            }
            case EMPTY, DEAD -> {
            }
        }
    }

    /** Runs a timer task only if the group is still this shard's live group of its id. */
    private Runnable whileLive(ClassicGroup group, Runnable task) {
        return () -> {
            if (groups.get(group.groupId()) == group && !group.isInState(ClassicGroupState.DEAD)) {
                task.run();
            }
        };
    }

    // ---- SyncGroup

    /** SyncGroup v0–5; the response completes when the generation's assignment is stored. */
    public CompletableFuture<SyncGroupResponseData> syncGroup(GroupRequestContext request, SyncGroupRequestData data) {
        CompletableFuture<SyncGroupResponseData> response = new CompletableFuture<>();
        sync(data, response);
        if (request.apiVersion() >= SYNC_PROTOCOL_MIN_VERSION) {
            return response;
        }
        return response.thenApply(result -> result.setProtocolType(null).setProtocolName(null));
    }

    private void sync(SyncGroupRequestData data, CompletableFuture<SyncGroupResponseData> response) {
        if (data.groupId() == null || data.groupId().isEmpty()) {
            response.complete(syncError(Errors.INVALID_GROUP_ID));
            return;
        }
        if (!(groups.get(data.groupId()) instanceof ClassicGroup group) || group.isEmpty()) {
            response.complete(syncError(Errors.UNKNOWN_MEMBER_ID));
            return;
        }
        Errors error = validateSync(group, data);
        if (error != Errors.NONE) {
            response.complete(syncError(error));
            return;
        }
        String memberId = data.memberId();
        ClassicGroupMember member = group.member(memberId);
        switch (group.state()) {
            case PREPARING_REBALANCE -> response.complete(syncError(Errors.REBALANCE_IN_PROGRESS));
            case COMPLETING_REBALANCE -> {
                CompletableFuture<SyncGroupResponseData> superseded = member.awaitingSync();
                if (superseded != null) {
                    superseded.complete(syncError(Errors.REBALANCE_IN_PROGRESS));
                }
                member.setAwaitingSync(response);
                markSynced(group, memberId);
                if (group.isLeader(memberId)) {
                    storeAssignment(group, data);
                }
            }
            case STABLE -> {
                markSynced(group, memberId);
                response.complete(new SyncGroupResponseData().setProtocolType(group.protocolTypeOrNull())
                        .setProtocolName(group.protocolName()).setAssignment(member.assignment()));
            }
            case EMPTY, DEAD -> response.complete(syncError(Errors.UNKNOWN_MEMBER_ID));
        }
    }

    private static Errors validateSync(ClassicGroup group, SyncGroupRequestData data) {
        if (group.isInState(ClassicGroupState.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        try {
            group.validateMember(data.memberId(), data.groupInstanceId());
        } catch (ApiException e) {
            return Errors.forException(e);
        }
        if (data.generationId() != group.generationId()) {
            return Errors.ILLEGAL_GENERATION;
        }
        if (inconsistent(data.protocolType(), group.protocolTypeOrNull()) || inconsistent(data.protocolName(), group.protocolName())) {
            return Errors.INCONSISTENT_GROUP_PROTOCOL;
        }
        return Errors.NONE;
    }

    private static boolean inconsistent(String requested, String current) {
        return requested != null && current != null && !requested.equals(current);
    }

    private void markSynced(ClassicGroup group, String memberId) {
        group.removePendingSync(memberId);
        if (group.hasAllMembersSynced()) {
            context.cancel(group.syncTimerKey());
        }
    }

    /**
     * The leader's assignment (empty for members it left out) is stored; once durable, and if the
     * group is still in the same generation, every parked SyncGroup gets its assignment.
     */
    private void storeAssignment(ClassicGroup group, SyncGroupRequestData data) {
        Map<String, byte[]> assignments = new HashMap<>();
        for (SyncGroupRequestAssignment assignment : data.assignments()) {
            assignments.put(assignment.memberId(), assignment.assignment());
        }
        for (ClassicGroupMember member : group.members()) {
            assignments.putIfAbsent(member.memberId(), ClassicGroupMember.EMPTY_ASSIGNMENT);
        }
        int generationId = group.generationId();
        log.info("Group {} stores the assignment of generation {} from leader {}", group.groupId(), generationId, data.memberId());
        context.append(List.of(ClassicGroupRecords.record(group, assignments))).whenComplete((ignored, failure) -> {
            if (groups.get(group.groupId()) != group || !group.isInState(ClassicGroupState.COMPLETING_REBALANCE)
                    || group.generationId() != generationId) {
                return;
            }
            if (failure != null) {
                Errors error = appendError(failure);
                group.members().forEach(member -> member.setAssignment(ClassicGroupMember.EMPTY_ASSIGNMENT));
                propagateAssignment(group, error);
                prepareRebalanceOrCompleteJoin(group, "storing the assignment failed with " + error);
            } else {
                group.members().forEach(member -> member.setAssignment(assignments.getOrDefault(member.memberId(),
                        ClassicGroupMember.EMPTY_ASSIGNMENT)));
                propagateAssignment(group, Errors.NONE);
                group.transitionTo(ClassicGroupState.STABLE);
            }
        });
    }

    /** Answers every parked SyncGroup with the member's assignment (or the error), restarting its session timer. */
    private void propagateAssignment(ClassicGroup group, Errors error) {
        for (ClassicGroupMember member : group.members()) {
            SyncGroupResponseData response = new SyncGroupResponseData().setErrorCode(error.code()).setAssignment(member.assignment());
            if (error == Errors.NONE) {
                response.setProtocolType(group.protocolTypeOrNull()).setProtocolName(group.protocolName());
            }
            if (group.completeSync(member, response)) {
                scheduleSessionTimer(group, member.memberId(), member.sessionTimeoutMs());
            }
        }
    }

    private static SyncGroupResponseData syncError(Errors error) {
        return new SyncGroupResponseData().setErrorCode(error.code());
    }

    // ---- Heartbeat

    /**
     * The classic group a Heartbeat or LeaveGroup names.
     *
     * @throws InvalidGroupIdException          if the id is empty
     * @throws UnknownMemberIdException         if there is no classic group of that id
     * @throws CoordinatorNotAvailableException if the group is being removed
     */
    private ClassicGroup liveGroup(String groupId) {
        if (groupId == null || groupId.isEmpty()) {
            throw new InvalidGroupIdException("The group id is empty");
        }
        if (!(groups.get(groupId) instanceof ClassicGroup group)) {
            throw new UnknownMemberIdException("Group " + groupId + " is not a classic group");
        }
        if (group.isInState(ClassicGroupState.DEAD)) {
            throw new CoordinatorNotAvailableException("Group " + groupId + " is being removed");
        }
        return group;
    }

    /** Heartbeat v0–4: restarts the member's session timer; REBALANCE_IN_PROGRESS tells it to rejoin. */
    public CompletableFuture<HeartbeatResponseData> heartbeat(GroupRequestContext request, HeartbeatRequestData data) {
        ClassicGroup group = liveGroup(data.groupId());
        group.validateMember(data.memberId(), data.groupInstanceId());
        if (data.generationId() != group.generationId()) {
            throw new IllegalGenerationException("Group " + data.groupId() + " is at generation " + group.generationId() + ", not "
                    + data.generationId());
        }
        Errors error = switch (group.state()) {
            case EMPTY, DEAD -> Errors.UNKNOWN_MEMBER_ID;
            case PREPARING_REBALANCE -> Errors.REBALANCE_IN_PROGRESS;
            case COMPLETING_REBALANCE, STABLE -> Errors.NONE;
        };
        if (error != Errors.UNKNOWN_MEMBER_ID) {
            scheduleSessionTimer(group, data.memberId(), group.member(data.memberId()).sessionTimeoutMs());
        }
        return CompletableFuture.completedFuture(new HeartbeatResponseData().setErrorCode(error.code()));
    }

    // ---- LeaveGroup

    /** LeaveGroup v0–5: v0–2 name one member, v3+ a batch, each by member id or (static members) by instance id. */
    public CompletableFuture<LeaveGroupResponseData> leaveGroup(GroupRequestContext request, LeaveGroupRequestData data) {
        short version = request.apiVersion();
        ClassicGroup group = liveGroup(data.groupId());
        List<MemberIdentity> leaving = version >= LEAVE_BATCH_MIN_VERSION ? data.members()
                : List.of(new MemberIdentity().setMemberId(data.memberId()));
        List<MemberResponse> responses = new ArrayList<>();
        List<String> left = new ArrayList<>();
        for (MemberIdentity identity : leaving) {
            MemberResponse result = new MemberResponse().setMemberId(identity.memberId()).setGroupInstanceId(identity.groupInstanceId());
            responses.add(result);
            String memberId = identity.memberId();
            if (memberId.isEmpty()) {
                String staticMemberId = identity.groupInstanceId() == null ? null : group.staticMemberId(identity.groupInstanceId());
                if (staticMemberId == null) {
                    result.setErrorCode(Errors.UNKNOWN_MEMBER_ID.code());
                    continue;
                }
                memberId = staticMemberId;
            } else if (group.isPending(memberId)) {
                group.remove(memberId);
                context.cancel(group.heartbeatTimerKey(memberId));
                left.add(memberId);
                continue;
            } else {
                try {
                    group.validateMember(memberId, identity.groupInstanceId());
                } catch (ApiException e) {
                    result.setErrorCode(Errors.forException(e).code());
                    continue;
                }
            }
            log.info("Member {} leaves group {}: {}", memberId, group.groupId(), identity.reason() == null ? "no reason given" : identity.reason());
            removeMember(group, group.member(memberId));
            left.add(memberId);
        }
        if (!left.isEmpty()) {
            switch (group.state()) {
                case STABLE, COMPLETING_REBALANCE -> prepareRebalanceOrCompleteJoin(group, "members " + left + " left");
                case PREPARING_REBALANCE -> completeJoinIfReady(group);
                case EMPTY, DEAD -> {
                }
            }
        }
        return CompletableFuture.completedFuture(new LeaveGroupResponse(responses, Errors.NONE, 0, version).data());
    }

    // ---- DescribeGroups, loading and unloading

    /** DescribeGroups for a group known to be classic. */
    public DescribeGroupsResponseData.DescribedGroup describe(ClassicGroup group) {
        return group.describe();
    }

    /** Replays a classic group record (a null value deletes the group). */
    public void replay(String groupId, byte[] value) {
        if (value == null) {
            if (groups.get(groupId) instanceof ClassicGroup) {
                groups.remove(groupId);
            }
            return;
        }
        ClassicGroupRecords.StoredGroup stored = ClassicGroupRecords.readValue(value);
        List<ClassicGroupMember> members = new ArrayList<>();
        for (ClassicGroupRecords.StoredMember member : stored.members()) {
            int rebalanceTimeoutMs = member.rebalanceTimeoutMs() < 0 ? member.sessionTimeoutMs() : member.rebalanceTimeoutMs();
            members.add(new ClassicGroupMember(member.memberId(), member.groupInstanceId(), member.clientId(), member.clientHost(),
                    rebalanceTimeoutMs, member.sessionTimeoutMs(), stored.protocolType(),
                    List.of(new MemberProtocol(stored.protocolName(), member.metadata())), member.assignment()));
        }
        groups.put(groupId, new ClassicGroup(groupId, context, stored.protocolType(), stored.generationId(), stored.protocolName(),
                stored.leaderId(), stored.stateTimestampMs(), members));
    }

    /** Called once the shard is loaded: loaded members must heartbeat within their session timeout; oversized groups rebalance. */
    public void onLoaded() {
        for (Group candidate : List.copyOf(groups.values())) {
            if (candidate instanceof ClassicGroup group) {
                group.members().forEach(member -> scheduleSessionTimer(group, member.memberId(), member.sessionTimeoutMs()));
                if (group.size() > config.classicMaxSize()) {
                    prepareRebalance(group, "the loaded group has " + group.size() + " members, more than group.max.size");
                }
            }
        }
    }

    /** Called when the shard unloads: every group is Dead and parked requests end with NOT_COORDINATOR. */
    public void onUnloaded() {
        for (Group candidate : groups.values()) {
            if (candidate instanceof ClassicGroup group) {
                if (!group.isInState(ClassicGroupState.DEAD)) {
                    group.transitionTo(ClassicGroupState.DEAD);
                }
                group.completeAll(Errors.NOT_COORDINATOR);
            }
        }
    }

    // ---- writes

    private void appendIgnoringFailure(List<CoordinatorRecord> records, String what) {
        context.append(records).whenComplete((ignored, failure) -> {
            if (failure != null) {
                log.warn("Could not store {}: {}", what, failure.getMessage());
            }
        });
    }

    private static Errors appendError(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return Errors.forException(cause);
    }
}
