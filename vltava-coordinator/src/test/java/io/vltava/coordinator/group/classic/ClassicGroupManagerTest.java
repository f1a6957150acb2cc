package io.vltava.coordinator.group.classic;

import static io.vltava.coordinator.group.classic.ClassicGroupDriver.GROUP;
import static io.vltava.coordinator.group.classic.ClassicGroupDriver.LATEST_JOIN;
import static io.vltava.coordinator.group.classic.ClassicGroupDriver.REBALANCE_MS;
import static io.vltava.coordinator.group.classic.ClassicGroupDriver.SESSION_MS;
import static io.vltava.coordinator.group.classic.ClassicGroupDriver.protocol;
import static io.vltava.coordinator.group.classic.ClassicGroupDriver.rangeOn;
import static io.vltava.coordinator.group.classic.ClassicGroupDriver.subscription;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.InvalidGroupIdException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The classic group protocol as {@link ClassicGroupManager} serves it: joins, syncs, heartbeats, leaves, timeouts. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ClassicGroupManagerTest {

    private final ClassicGroupDriver driver = new ClassicGroupDriver();

    /** Moves the clock in half-session steps, the member heartbeating after each. */
    private void advanceWithHeartbeats(long millis, String memberId, String instanceId, int generationId) {
        long left = millis;
        while (left > 0) {
            long step = Math.min(left, SESSION_MS / 2);
            driver.context.advance(step);
            left -= step;
            if (left > 0) {
                driver.heartbeat(memberId, instanceId, generationId);
            }
        }
    }

    private static short error(CompletableFuture<JoinGroupResponseData> join) {
        return join.join().errorCode();
    }

    // ---- validation

    @Test
    void emptyGroupIdIsInvalidForEveryApi() {
        JoinGroupResponseData join = driver.join(LATEST_JOIN, "", "", null, SESSION_MS, REBALANCE_MS, "consumer", rangeOn("t")).join();
        assertThat(join.errorCode()).isEqualTo(Errors.INVALID_GROUP_ID.code());
        assertThat(driver.manager.syncGroup(ClassicGroupDriver.client("c", (short) 5),
                new SyncGroupRequestData().setGroupId("").setMemberId("m")).join().errorCode())
                .isEqualTo(Errors.INVALID_GROUP_ID.code());
        assertThatThrownBy(() -> driver.manager.heartbeat(ClassicGroupDriver.client("c", (short) 4),
                new HeartbeatRequestData().setGroupId("").setMemberId("m"))).isInstanceOf(InvalidGroupIdException.class);
        assertThatThrownBy(() -> driver.manager.leaveGroup(ClassicGroupDriver.client("c", (short) 5),
                new LeaveGroupRequestData().setGroupId(""))).isInstanceOf(InvalidGroupIdException.class);
    }

    @Test
    void sessionTimeoutOutsideTheBrokerBoundsIsRefused() {
        assertThat(error(driver.join(LATEST_JOIN, GROUP, "", null, 999, REBALANCE_MS, "consumer", rangeOn("t"))))
                .isEqualTo(Errors.INVALID_SESSION_TIMEOUT.code());
        assertThat(error(driver.join(LATEST_JOIN, GROUP, "", null, 300_001, REBALANCE_MS, "consumer", rangeOn("t"))))
                .isEqualTo(Errors.INVALID_SESSION_TIMEOUT.code());
        assertThat(driver.groups).isEmpty();
    }

    @Test
    void anUnknownMemberIdOfAnUnknownGroupIsRefused() {
        assertThat(error(driver.join(LATEST_JOIN, "someone", null, rangeOn("t")))).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(driver.groups).isEmpty();
    }

    @Test
    void protocolsTheGroupCannotUseAreInconsistent() {
        driver.stableGroup(1);
        assertThat(error(driver.join(LATEST_JOIN, GROUP, "", null, SESSION_MS, REBALANCE_MS, "connect", rangeOn("t"))))
                .isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL.code());
        assertThat(error(driver.join((short) 3, "", null, List.of(protocol("roundrobin", subscription("t"))))))
                .isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL.code());
        assertThat(error(driver.join(LATEST_JOIN, GROUP, "", null, SESSION_MS, REBALANCE_MS, "consumer", List.of())))
                .isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL.code());
    }

    // ---- KIP-394 member ids

    @Test
    void aDynamicMemberMustRejoinWithTheMemberIdItIsGiven() {
        JoinGroupResponseData response = driver.join(LATEST_JOIN, "", null, rangeOn("t")).join();
        assertThat(response.errorCode()).isEqualTo(Errors.MEMBER_ID_REQUIRED.code());
        assertThat(response.memberId()).startsWith("client-").hasSize("client-".length() + 36);
        assertThat(driver.group().isPending(response.memberId())).isTrue();
        assertThat(driver.group().stateName()).isEqualTo("Empty");

        CompletableFuture<JoinGroupResponseData> rejoin = driver.join(LATEST_JOIN, response.memberId(), null, rangeOn("t"));
        driver.context.runDueTimers();
        assertThat(rejoin.join().errorCode()).isZero();
        assertThat(rejoin.join().memberId()).isEqualTo(response.memberId());
        assertThat(rejoin.join().generationId()).isEqualTo(1);
    }

    @Test
    void aPendingMemberThatDoesNotRejoinWithinItsSessionTimeoutIsForgotten() {
        String memberId = driver.join(LATEST_JOIN, "", null, rangeOn("t")).join().memberId();
        driver.context.advance(SESSION_MS);
        assertThat(driver.group().isPending(memberId)).isFalse();
        assertThat(error(driver.join(LATEST_JOIN, memberId, null, rangeOn("t")))).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
    }

    @Test
    void versionsBeforeFourJoinWithoutAMemberIdRoundTrip() {
        CompletableFuture<JoinGroupResponseData> join = driver.join((short) 3, "", null, rangeOn("t"));
        driver.context.runDueTimers();
        assertThat(join.join().errorCode()).isZero();
        assertThat(join.join().memberId()).startsWith("client-");
        assertThat(join.join().leader()).isEqualTo(join.join().memberId());
    }

    @Test
    void versionZeroUsesTheSessionTimeoutAsRebalanceTimeout() {
        driver.join((short) 0, GROUP, "", null, 7_000, -1, "consumer", rangeOn("t"));
        assertThat(driver.group().members()).singleElement().satisfies(member -> assertThat(member.rebalanceTimeoutMs()).isEqualTo(7_000));
    }

    // ---- the join phase

    @Test
    void theLeaderGetsEveryMembersMetadataAndFollowersNone() {
        CompletableFuture<JoinGroupResponseData> first = driver.joinDynamic(rangeOn("a"));
        CompletableFuture<JoinGroupResponseData> second = driver.joinDynamic(rangeOn("b"));
        driver.context.runDueTimers();
        JoinGroupResponseData leader = first.join();
        JoinGroupResponseData follower = second.join();
        assertThat(leader.leader()).isEqualTo(leader.memberId());
        assertThat(follower.leader()).isEqualTo(leader.memberId());
        assertThat(leader.generationId()).isEqualTo(1).isEqualTo(follower.generationId());
        assertThat(leader.protocolName()).isEqualTo("range");
        assertThat(leader.protocolType()).isEqualTo("consumer");
        assertThat(leader.members()).extracting(JoinGroupResponseMember::memberId).containsExactly(leader.memberId(), follower.memberId());
        assertThat(leader.members().get(1).metadata()).isEqualTo(subscription("b"));
        assertThat(follower.members()).isEmpty();
        assertThat(driver.group().stateName()).isEqualTo("CompletingRebalance");
    }

    @Test
    void theProtocolIsTheOneEveryMemberSupportsThatMostPrefer() {
        driver.joinDynamic(List.of(protocol("range", subscription("t")), protocol("roundrobin", subscription("t"))));
        driver.joinDynamic(List.of(protocol("roundrobin", subscription("t")), protocol("range", subscription("t"))));
        CompletableFuture<JoinGroupResponseData> third = driver.joinDynamic(List.of(protocol("roundrobin", subscription("t")),
                protocol("range", subscription("t")), protocol("sticky", subscription("t"))));
        driver.context.runDueTimers();
        assertThat(third.join().protocolName()).isEqualTo("roundrobin");
    }

    @Test
    void theInitialRebalanceWaitsWhileMembersKeepJoiningButNoLongerThanTheRebalanceTimeout() {
        ClassicGroupDriver delayed = new ClassicGroupDriver(3_000, Integer.MAX_VALUE);
        CompletableFuture<JoinGroupResponseData> first = delayed.join((short) 3, GROUP, "", null, SESSION_MS, 10_000, "consumer", rangeOn("t"));
        delayed.context.advance(2_000);
        delayed.join((short) 3, GROUP, "", null, SESSION_MS, 10_000, "consumer", rangeOn("t"));
        delayed.context.advance(3_999);
        assertThat(first).isNotDone();
        delayed.context.advance(1);
        assertThat(first.join().generationId()).isEqualTo(1);

        ClassicGroupDriver busy = new ClassicGroupDriver(3_000, Integer.MAX_VALUE);
        CompletableFuture<JoinGroupResponseData> early = busy.join((short) 3, GROUP, "", null, SESSION_MS, 10_000, "consumer", rangeOn("t"));
        for (int i = 0; i < 4; i++) {
            busy.context.advance(2_000);
            busy.join((short) 3, GROUP, "", null, SESSION_MS, 10_000, "consumer", rangeOn("t"));
        }
        busy.context.advance(1_999);
        assertThat(early).isNotDone();
        busy.context.advance(1);
        assertThat(early.join().generationId()).isEqualTo(1);
        assertThat(early.join().members()).hasSize(5);
    }

    @Test
    void groupMaxSizeTurnsAwayExtraMembers() {
        ClassicGroupDriver small = new ClassicGroupDriver(0, 2);
        small.stableGroup(2);
        assertThat(small.join(LATEST_JOIN, "", null, rangeOn("t")).join().errorCode()).isEqualTo(Errors.GROUP_MAX_SIZE_REACHED.code());
        assertThat(small.join((short) 3, "", null, rangeOn("t")).join().errorCode()).isEqualTo(Errors.GROUP_MAX_SIZE_REACHED.code());
        assertThat(small.group().size()).isEqualTo(2);
    }

    @Test
    void aMemberRejoiningWithTheSameMetadataWhileCompletingGetsTheCurrentGeneration() {
        List<String> joined = driver.joinedGroup(2);
        JoinGroupResponseData again = driver.join(LATEST_JOIN, joined.get(0), null, rangeOn("t")).join();
        assertThat(again.generationId()).isEqualTo(1);
        assertThat(again.members()).hasSize(2);
        JoinGroupResponseData follower = driver.join(LATEST_JOIN, joined.get(1), null, rangeOn("t")).join();
        assertThat(follower.members()).isEmpty();
        assertThat(driver.group().stateName()).isEqualTo("CompletingRebalance");
    }

    // ---- the sync phase

    @Test
    void followersWaitForTheLeadersAssignmentWhichIsAnsweredOnceDurable() {
        List<String> joined = driver.joinedGroup(2);
        String leader = joined.get(0);
        String follower = joined.get(1);

        CompletableFuture<SyncGroupResponseData> followerSync = driver.sync(follower, 1);
        assertThat(followerSync).isNotDone();
        driver.context.holdAppends();
        CompletableFuture<SyncGroupResponseData> leaderSync = driver.sync(leader, null, 1, Map.of(leader, new byte[] {1}, follower, new byte[] {2}));
        assertThat(driver.context.heldCount()).isEqualTo(1);
        assertThat(leaderSync).isNotDone();
        assertThat(followerSync).isNotDone();

        driver.context.completeHeld();
        assertThat(leaderSync.join().assignment()).containsExactly(1);
        assertThat(followerSync.join().assignment()).containsExactly(2);
        assertThat(followerSync.join().protocolName()).isEqualTo("range");
        assertThat(followerSync.join().protocolType()).isEqualTo("consumer");
        assertThat(driver.group().stateName()).isEqualTo("Stable");
        assertThat(driver.context.log()).hasSize(1);

        assertThat(driver.sync(follower, 1).join().assignment()).containsExactly(2);
    }

    @Test
    void membersTheLeaderLeftOutGetAnEmptyAssignment() {
        List<String> joined = driver.joinedGroup(2);
        CompletableFuture<SyncGroupResponseData> followerSync = driver.sync(joined.get(1), 1);
        driver.sync(joined.get(0), null, 1, Map.of(joined.get(0), new byte[] {1}));
        assertThat(followerSync.join().errorCode()).isZero();
        assertThat(followerSync.join().assignment()).isEmpty();
    }

    @Test
    void aFailedAssignmentWriteFailsEverySyncAndTheGroupRebalances() {
        List<String> joined = driver.joinedGroup(2);
        CompletableFuture<SyncGroupResponseData> followerSync = driver.sync(joined.get(1), 1);
        driver.context.holdAppends();
        CompletableFuture<SyncGroupResponseData> leaderSync = driver.sync(joined.get(0), null, 1, Map.of());
        driver.context.failHeld();
        assertThat(leaderSync.join().errorCode()).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE.code());
        assertThat(followerSync.join().errorCode()).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE.code());
        assertThat(driver.group().stateName()).isEqualTo("PreparingRebalance");
    }

    @Test
    void syncErrors() {
        List<String> members = driver.stableGroup(2);
        assertThat(driver.sync("nobody", 1).join().errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(driver.sync(members.get(1), 7).join().errorCode()).isEqualTo(Errors.ILLEGAL_GENERATION.code());
        assertThat(driver.manager.syncGroup(ClassicGroupDriver.client("c", (short) 5), new SyncGroupRequestData()
                .setGroupId(GROUP).setMemberId(members.get(1)).setGenerationId(1).setProtocolName("roundrobin")).join().errorCode())
                .isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL.code());
        assertThat(driver.manager.syncGroup(ClassicGroupDriver.client("c", (short) 5), new SyncGroupRequestData()
                .setGroupId("unknown").setMemberId("m").setGenerationId(1)).join().errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());

        driver.join(LATEST_JOIN, members.get(0), null, rangeOn("t"));
        assertThat(driver.sync(members.get(1), 1).join().errorCode()).isEqualTo(Errors.REBALANCE_IN_PROGRESS.code());
    }

    @Test
    void membersThatDoNotSyncWithinTheRebalanceTimeoutAreRemoved() {
        List<String> joined = driver.joinedGroup(2);
        String leader = joined.get(0);
        String follower = joined.get(1);
        driver.sync(leader, null, 1, Map.of());
        for (int elapsed = 0; elapsed + SESSION_MS / 2 < REBALANCE_MS; elapsed += SESSION_MS / 2) {
            driver.context.advance(SESSION_MS / 2);
            assertThat(driver.heartbeat(leader, 1)).isZero();
            assertThat(driver.heartbeat(follower, 1)).isZero();
        }
        driver.context.advance(SESSION_MS / 2 - 1);
        assertThat(driver.group().hasMember(joined.get(1))).isTrue();
        driver.context.advance(1);
        assertThat(driver.group().hasMember(joined.get(1))).isFalse();
        assertThat(driver.group().stateName()).isEqualTo("PreparingRebalance");
        CompletableFuture<JoinGroupResponseData> rejoin = driver.join(LATEST_JOIN, leader, null, rangeOn("t"));
        assertThat(rejoin.join().generationId()).isEqualTo(2);
    }

    // ---- heartbeats and sessions

    @Test
    void heartbeatsAnswerAfterTheGroupsState() {
        List<String> members = driver.stableGroup(2);
        assertThat(driver.heartbeat(members.get(1), 1)).isZero();
        assertThat(driver.heartbeat(members.get(1), 2)).isEqualTo(Errors.ILLEGAL_GENERATION.code());
        assertThat(driver.heartbeat("nobody", 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        assertThatThrownBy(() -> driver.manager.heartbeat(ClassicGroupDriver.client("c", (short) 4),
                new HeartbeatRequestData().setGroupId("unknown").setMemberId("m"))).isInstanceOf(UnknownMemberIdException.class);
        driver.join(LATEST_JOIN, members.get(0), null, rangeOn("t"));
        assertThat(driver.heartbeat(members.get(1), 1)).isEqualTo(Errors.REBALANCE_IN_PROGRESS.code());
    }

    @Test
    void aMemberThatStopsHeartbeatingIsEvictedAfterItsSessionTimeout() {
        List<String> members = driver.stableGroup(2);
        driver.context.advance(SESSION_MS / 2);
        assertThat(driver.heartbeat(members.get(0), 1)).isZero();
        assertThat(driver.heartbeat(members.get(1), 1)).isZero();
        driver.context.advance(SESSION_MS / 2);
        assertThat(driver.heartbeat(members.get(0), 1)).isZero();
        driver.context.advance(SESSION_MS / 2 - 1);
        assertThat(driver.group().hasMember(members.get(1))).isTrue();
        driver.context.advance(1);
        assertThat(driver.group().hasMember(members.get(1))).isFalse();
        assertThat(driver.heartbeat(members.get(0), 1)).isEqualTo(Errors.REBALANCE_IN_PROGRESS.code());
        JoinGroupResponseData rejoin = driver.join(LATEST_JOIN, members.get(0), null, rangeOn("t")).join();
        assertThat(rejoin.generationId()).isEqualTo(2);
        assertThat(rejoin.members()).hasSize(1);
    }

    @Test
    void theRebalanceTimeoutRemovesDynamicMembersThatDidNotRejoin() {
        List<String> members = driver.stableGroup(2);
        CompletableFuture<JoinGroupResponseData> rejoin = driver.join(LATEST_JOIN, members.get(1), null, rangeOn("t", "u"));
        advanceWithHeartbeats(REBALANCE_MS - 1, members.get(0), null, 1);
        assertThat(driver.group().hasMember(members.get(0))).isTrue();
        assertThat(rejoin).isNotDone();
        driver.context.advance(1);
        assertThat(rejoin.join().generationId()).isEqualTo(2);
        assertThat(rejoin.join().leader()).isEqualTo(members.get(1));
        assertThat(rejoin.join().members()).extracting(JoinGroupResponseMember::memberId).containsExactly(members.get(1));
        assertThat(driver.heartbeat(members.get(0), 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
    }

    @Test
    void aNewMemberTriggersARebalanceThatCompletesOnceEveryoneRejoined() {
        List<String> members = driver.stableGroup(2);
        CompletableFuture<JoinGroupResponseData> newcomer = driver.joinDynamic(rangeOn("t"));
        assertThat(driver.group().stateName()).isEqualTo("PreparingRebalance");
        assertThat(driver.heartbeat(members.get(0), 1)).isEqualTo(Errors.REBALANCE_IN_PROGRESS.code());
        CompletableFuture<JoinGroupResponseData> a = driver.join(LATEST_JOIN, members.get(0), null, rangeOn("t"));
        assertThat(newcomer).isNotDone();
        CompletableFuture<JoinGroupResponseData> b = driver.join(LATEST_JOIN, members.get(1), null, rangeOn("t"));
        assertThat(newcomer.join().generationId()).isEqualTo(2);
        assertThat(a.join().members()).hasSize(3);
        assertThat(b.join().members()).isEmpty();
    }

    @Test
    void cooperativeRebalancesRunTwoGenerationsAsTheClientsDriveThem() {
        byte[] owned = subscription("t");
        List<String> members = driver.stableGroup(2);
        CompletableFuture<JoinGroupResponseData> newcomer = driver.joinDynamic(List.of(protocol("cooperative-sticky", owned),
                protocol("range", owned)));
        driver.join(LATEST_JOIN, members.get(0), null, rangeOn("t"));
        driver.join(LATEST_JOIN, members.get(1), null, rangeOn("t"));
        assertThat(newcomer.join().generationId()).isEqualTo(2);
        assertThat(newcomer.join().protocolName()).isEqualTo("range");
        driver.sync(members.get(0), null, 2, Map.of());
        driver.sync(members.get(1), 2);
        driver.sync(newcomer.join().memberId(), 2);
        assertThat(driver.group().stateName()).isEqualTo("Stable");
        CompletableFuture<JoinGroupResponseData> second = driver.join(LATEST_JOIN, members.get(1), null, rangeOn("t", "u"));
        assertThat(second).isNotDone();
        driver.join(LATEST_JOIN, members.get(0), null, rangeOn("t"));
        driver.join(LATEST_JOIN, newcomer.join().memberId(), null, List.of(protocol("cooperative-sticky", owned), protocol("range", owned)));
        assertThat(second.join().generationId()).isEqualTo(3);
    }

    @Test
    void aJoiningMemberWithChangedMetadataRebalancesAStableGroup() {
        List<String> members = driver.stableGroup(2);
        JoinGroupResponseData same = driver.join(LATEST_JOIN, members.get(1), null, rangeOn("t")).join();
        assertThat(same.generationId()).isEqualTo(1);
        assertThat(driver.group().stateName()).isEqualTo("Stable");
        CompletableFuture<JoinGroupResponseData> changed = driver.join(LATEST_JOIN, members.get(1), null, rangeOn("t", "u"));
        assertThat(changed).isNotDone();
        assertThat(driver.group().stateName()).isEqualTo("PreparingRebalance");
    }

    // ---- leaving

    @Test
    void leavingMembersRebalanceTheGroupAndTheLastOneEmptiesIt() {
        List<String> members = driver.stableGroup(3);
        LeaveGroupResponseData response = driver.leave(new MemberIdentity().setMemberId(members.get(2)),
                new MemberIdentity().setMemberId("nobody"));
        assertThat(response.errorCode()).isZero();
        assertThat(response.members()).extracting(LeaveGroupResponseData.MemberResponse::errorCode)
                .containsExactly(Errors.NONE.code(), Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(driver.group().stateName()).isEqualTo("PreparingRebalance");

        LeaveGroupResponseData v0 = driver.manager.leaveGroup(ClassicGroupDriver.client("c", (short) 0),
                new LeaveGroupRequestData().setGroupId(GROUP).setMemberId(members.get(1))).join();
        assertThat(v0.errorCode()).isZero();
        assertThat(v0.members()).isEmpty();
        LeaveGroupResponseData v1 = driver.manager.leaveGroup(ClassicGroupDriver.client("c", (short) 1),
                new LeaveGroupRequestData().setGroupId(GROUP).setMemberId("nobody")).join();
        assertThat(v1.errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());

        int recordsBefore = driver.context.log().size();
        driver.leave(new MemberIdentity().setMemberId(members.get(0)));
        assertThat(driver.group().stateName()).isEqualTo("Empty");
        assertThat(driver.group().generationId()).isEqualTo(2);
        assertThat(driver.group().emptySinceMs()).isEqualTo(driver.context.time().milliseconds());
        assertThat(driver.context.log()).hasSize(recordsBefore + 1);
    }

    @Test
    void aMemberLeavingDuringTheJoinPhaseLetsItComplete() {
        List<String> members = driver.stableGroup(2);
        CompletableFuture<JoinGroupResponseData> rejoin = driver.join(LATEST_JOIN, members.get(0), null, rangeOn("t"));
        driver.leave(new MemberIdentity().setMemberId(members.get(1)));
        assertThat(rejoin.join().generationId()).isEqualTo(2);
        assertThat(rejoin.join().members()).hasSize(1);
    }

    @Test
    void thePendingSyncOfARebalanceEndsWhenAnotherBegins() {
        List<String> joined = driver.joinedGroup(2);
        CompletableFuture<SyncGroupResponseData> followerSync = driver.sync(joined.get(1), 1);
        driver.leave(new MemberIdentity().setMemberId(joined.get(0)));
        assertThat(followerSync.join().errorCode()).isEqualTo(Errors.REBALANCE_IN_PROGRESS.code());
    }

    @Test
    void aPendingMemberMayLeave() {
        String pending = driver.join(LATEST_JOIN, "", null, rangeOn("t")).join().memberId();
        assertThat(driver.leave(new MemberIdentity().setMemberId(pending)).members().get(0).errorCode()).isZero();
        assertThat(driver.group().isPending(pending)).isFalse();
    }

    // ---- static membership

    private JoinGroupResponseData joinStatic(short version, String instanceId) {
        CompletableFuture<JoinGroupResponseData> join = driver.join(version, "", instanceId, rangeOn("t"));
        driver.context.runDueTimers();
        return join.join();
    }

    private List<JoinGroupResponseData> stableStaticGroup() {
        CompletableFuture<JoinGroupResponseData> a = driver.join(LATEST_JOIN, "", "instance-a", rangeOn("t"));
        CompletableFuture<JoinGroupResponseData> b = driver.join(LATEST_JOIN, "", "instance-b", rangeOn("t"));
        driver.context.runDueTimers();
        String leader = a.join().memberId();
        String follower = b.join().memberId();
        driver.sync(leader, "instance-a", 1, Map.of(leader, new byte[] {1}, follower, new byte[] {2}));
        driver.sync(follower, "instance-b", 1, Map.of());
        assertThat(driver.group().stateName()).isEqualTo("Stable");
        return List.of(a.join(), b.join());
    }

    @Test
    void staticMembersGetAMemberIdWithoutTheExtraRoundTrip() {
        JoinGroupResponseData join = joinStatic(LATEST_JOIN, "instance-a");
        assertThat(join.errorCode()).isZero();
        assertThat(join.memberId()).startsWith("instance-a-");
    }

    @Test
    void aRestartedStaticFollowerRejoinsAStableGroupWithoutARebalance() {
        List<JoinGroupResponseData> members = stableStaticGroup();
        String oldFollower = members.get(1).memberId();
        JoinGroupResponseData rejoin = driver.join(LATEST_JOIN, "", "instance-b", rangeOn("t")).join();
        assertThat(rejoin.errorCode()).isZero();
        assertThat(rejoin.memberId()).isNotEqualTo(oldFollower);
        assertThat(rejoin.generationId()).isEqualTo(1);
        assertThat(rejoin.members()).isEmpty();
        assertThat(driver.group().stateName()).isEqualTo("Stable");
        assertThat(driver.sync(rejoin.memberId(), "instance-b", 1, Map.of()).join().assignment()).containsExactly(2);

        assertThat(driver.heartbeat(oldFollower, "instance-b", 1)).isEqualTo(Errors.FENCED_INSTANCE_ID.code());
        assertThat(driver.sync(oldFollower, "instance-b", 1, Map.of()).join().errorCode()).isEqualTo(Errors.FENCED_INSTANCE_ID.code());
        assertThat(driver.heartbeat(members.get(0).memberId(), "instance-a", 1)).isZero();
    }

    @Test
    void aRestartedStaticLeaderLearnsTheMembersButSkipsTheAssignmentFromVersionNine() {
        stableStaticGroup();
        JoinGroupResponseData rejoin = driver.join(LATEST_JOIN, "", "instance-a", rangeOn("t")).join();
        assertThat(rejoin.leader()).isEqualTo(rejoin.memberId());
        assertThat(rejoin.skipAssignment()).isTrue();
        assertThat(rejoin.members()).hasSize(2);
        assertThat(rejoin.generationId()).isEqualTo(1);
    }

    @Test
    void beforeVersionNineARestartedStaticLeaderIsToldTheOldLeaderSoItDoesNotReassign() {
        List<JoinGroupResponseData> members = stableStaticGroup();
        JoinGroupResponseData rejoin = driver.join((short) 8, "", "instance-a", rangeOn("t")).join();
        assertThat(rejoin.leader()).isEqualTo(members.get(0).memberId());
        assertThat(rejoin.members()).isEmpty();
        assertThat(driver.group().leaderId()).isEqualTo(rejoin.memberId());
    }

    @Test
    void aStaticMemberRejoiningWhileCompletingForcesARebalance() {
        CompletableFuture<JoinGroupResponseData> a = driver.join(LATEST_JOIN, "", "instance-a", rangeOn("t"));
        CompletableFuture<JoinGroupResponseData> b = driver.join(LATEST_JOIN, "", "instance-b", rangeOn("t"));
        driver.context.runDueTimers();
        CompletableFuture<SyncGroupResponseData> parked = driver.sync(b.join().memberId(), "instance-b", 1, Map.of());
        CompletableFuture<JoinGroupResponseData> replaced = driver.join(LATEST_JOIN, "", "instance-b", rangeOn("t"));
        assertThat(parked.join().errorCode()).isEqualTo(Errors.FENCED_INSTANCE_ID.code());
        assertThat(driver.group().stateName()).isEqualTo("PreparingRebalance");
        driver.join(LATEST_JOIN, a.join().memberId(), "instance-a", rangeOn("t"));
        assertThat(replaced.join().generationId()).isEqualTo(2);
    }

    @Test
    void staticMembersStayThroughARebalanceTheyMiss() {
        List<JoinGroupResponseData> members = stableStaticGroup();
        CompletableFuture<JoinGroupResponseData> a = driver.join(LATEST_JOIN, members.get(0).memberId(), "instance-a", rangeOn("t", "u"));
        advanceWithHeartbeats(REBALANCE_MS, members.get(1).memberId(), "instance-b", 1);
        assertThat(a.join().generationId()).isEqualTo(2);
        assertThat(a.join().members()).hasSize(2);
        assertThat(driver.group().hasMember(members.get(1).memberId())).isTrue();
    }

    @Test
    void staticMembersLeaveByInstanceId() {
        List<JoinGroupResponseData> members = stableStaticGroup();
        LeaveGroupResponseData response = driver.leave(new MemberIdentity().setGroupInstanceId("instance-b"),
                new MemberIdentity().setGroupInstanceId("instance-z"),
                new MemberIdentity().setMemberId("stale").setGroupInstanceId("instance-a"));
        assertThat(response.members()).extracting(LeaveGroupResponseData.MemberResponse::errorCode)
                .containsExactly(Errors.NONE.code(), Errors.UNKNOWN_MEMBER_ID.code(), Errors.FENCED_INSTANCE_ID.code());
        assertThat(driver.group().hasMember(members.get(1).memberId())).isFalse();
        assertThat(driver.group().staticMemberId("instance-b")).isNull();
    }

    @Test
    void aJoinWithAStaleStaticMemberIdIsFenced() {
        stableStaticGroup();
        assertThat(error(driver.join(LATEST_JOIN, "stale", "instance-a", rangeOn("t")))).isEqualTo(Errors.FENCED_INSTANCE_ID.code());
        assertThat(error(driver.join(LATEST_JOIN, "stale", "instance-z", rangeOn("t")))).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
    }

    // ---- unloading and removal

    @Test
    void unloadingEndsParkedRequestsWithNotCoordinator() {
        List<String> joined = driver.joinedGroup(2);
        CompletableFuture<SyncGroupResponseData> parkedSync = driver.sync(joined.get(1), 1);
        driver.manager.onUnloaded();
        assertThat(parkedSync.join().errorCode()).isEqualTo(Errors.NOT_COORDINATOR.code());
        assertThat(driver.group().stateName()).isEqualTo("Dead");

        ClassicGroupDriver joining = new ClassicGroupDriver(3_000, Integer.MAX_VALUE);
        CompletableFuture<JoinGroupResponseData> parkedJoin = joining.join((short) 3, "", null, rangeOn("t"));
        joining.manager.onUnloaded();
        assertThat(parkedJoin.join().errorCode()).isEqualTo(Errors.NOT_COORDINATOR.code());
    }

    @Test
    void aRemovedGroupEndsItsParkedRequestsAndCancelsItsTimers() {
        ClassicGroupDriver joining = new ClassicGroupDriver(3_000, Integer.MAX_VALUE);
        CompletableFuture<JoinGroupResponseData> parked = joining.join((short) 3, "", null, rangeOn("t"));
        joining.join(LATEST_JOIN, "", null, rangeOn("t"));
        ClassicGroup group = joining.group();
        joining.groups.remove(GROUP);
        group.onRemoved();
        assertThat(parked.join().errorCode()).isEqualTo(Errors.REBALANCE_IN_PROGRESS.code());
        assertThat(joining.context.timerKeys()).isEmpty();
        assertThat(group.stateName()).isEqualTo("Dead");
    }
}
