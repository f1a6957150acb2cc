package io.vltava.coordinator.group.classic;

import static io.vltava.coordinator.group.classic.ClassicGroupDriver.GROUP;
import static io.vltava.coordinator.group.classic.ClassicGroupDriver.LATEST_JOIN;
import static io.vltava.coordinator.group.classic.ClassicGroupDriver.SESSION_MS;
import static io.vltava.coordinator.group.classic.ClassicGroupDriver.rangeOn;
import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.coordinator.group.record.RecordDecoder;
import io.vltava.coordinator.runtime.CoordinatorRecord;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The classic group record: what is written when, and what a reloaded shard rebuilds from it. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ClassicGroupPersistenceTest {

    private final ClassicGroupDriver driver = new ClassicGroupDriver();

    private List<JoinGroupResponseData> mixedStableGroup() {
        CompletableFuture<JoinGroupResponseData> leader = driver.join(LATEST_JOIN, "", "instance-a", rangeOn("t"));
        CompletableFuture<JoinGroupResponseData> follower = driver.joinDynamic(rangeOn("t", "u"));
        driver.context.runDueTimers();
        String leaderId = leader.join().memberId();
        String followerId = follower.join().memberId();
        driver.sync(followerId, 1);
        driver.sync(leaderId, "instance-a", 1, Map.of(leaderId, new byte[] {1, 1}, followerId, new byte[] {2}));
        assertThat(driver.group().stateName()).isEqualTo("Stable");
        return List.of(leader.join(), follower.join());
    }

    @Test
    void theLeadersSyncStoresTheWholeGroup() {
        List<JoinGroupResponseData> members = mixedStableGroup();
        assertThat(driver.context.log()).hasSize(1);
        CoordinatorRecord record = driver.context.log().get(0);
        assertThat(ClassicGroupDriver.groupIdOf(record.key())).isEqualTo(GROUP);

        RecordDecoder value = new RecordDecoder(record.value());
        assertThat(value.int16()).isZero();
        assertThat(value.string()).isEqualTo("consumer");
        assertThat(value.int32()).isEqualTo(1);
        assertThat(value.string()).isEqualTo("range");
        assertThat(value.string()).isEqualTo(members.get(0).memberId());
        assertThat(value.int64()).isEqualTo(driver.context.time().milliseconds());
        assertThat(value.int32()).isEqualTo(2);
        assertThat(value.string()).isEqualTo(members.get(0).memberId());
        assertThat(value.string()).isEqualTo("instance-a");
        assertThat(value.string()).isEqualTo("client");
        assertThat(value.string()).isEqualTo("/127.0.0.1");
        assertThat(value.int32()).isEqualTo(ClassicGroupDriver.REBALANCE_MS);
        assertThat(value.int32()).isEqualTo(SESSION_MS);
        assertThat(value.bytes()).isEqualTo(ClassicGroupDriver.subscription("t"));
        assertThat(value.bytes()).containsExactly(1, 1);
        assertThat(value.string()).isEqualTo(members.get(1).memberId());
        assertThat(value.string()).isNull();
    }

    @Test
    void aReloadedShardRebuildsAStableGroup() {
        mixedStableGroup();
        ClassicGroup before = driver.group();
        ClassicGroupDriver reloaded = driver.reloaded();
        ClassicGroup after = reloaded.group();
        assertThat(after.stateName()).isEqualTo("Stable");
        assertThat(after.generationId()).isEqualTo(before.generationId());
        assertThat(after.leaderId()).isEqualTo(before.leaderId());
        assertThat(after.protocolName()).isEqualTo("range");
        assertThat(after.staticMemberId("instance-a")).isEqualTo(before.staticMemberId("instance-a"));
        assertThat(after.stateTimestampMs()).isEqualTo(before.stateTimestampMs());
        assertThat(reloaded.manager.describe(after)).isEqualTo(driver.manager.describe(before));
        assertThat(after.isSubscribedTo("u")).isTrue();
    }

    @Test
    void loadedMembersKeepTheirPlaceByHeartbeatingAndLoseItOtherwise() {
        List<JoinGroupResponseData> members = mixedStableGroup();
        ClassicGroupDriver reloaded = driver.reloaded();
        String leader = members.get(0).memberId();
        String follower = members.get(1).memberId();
        reloaded.context.advance(SESSION_MS / 2);
        assertThat(reloaded.heartbeat(leader, "instance-a", 1)).isZero();
        assertThat(reloaded.sync(follower, 1).join().assignment()).containsExactly(2);
        reloaded.context.advance(SESSION_MS / 2);
        assertThat(reloaded.group().hasMember(follower)).isFalse();
        assertThat(reloaded.group().stateName()).isEqualTo("PreparingRebalance");
        assertThat(reloaded.heartbeat(leader, "instance-a", 1)).isEqualTo(Errors.REBALANCE_IN_PROGRESS.code());
    }

    @Test
    void aGroupEmptiedAtAGenerationChangeIsStoredEmpty() {
        List<String> members = driver.stableGroup(1);
        driver.leave(new MemberIdentity().setMemberId(members.get(0)));
        assertThat(driver.context.log()).hasSize(2);
        ClassicGroup reloaded = driver.reloaded().group();
        assertThat(reloaded.stateName()).isEqualTo("Empty");
        assertThat(reloaded.generationId()).isEqualTo(2);
        assertThat(reloaded.protocolType()).isEqualTo("consumer");
        assertThat(reloaded.protocolName()).isNull();
        assertThat(reloaded.size()).isZero();
        assertThat(reloaded.emptySinceMs()).isEqualTo(driver.group().emptySinceMs());
    }

    @Test
    void loadedMembersThatNeverHeartbeatLeaveAnEmptyGroupBehind() {
        driver.stableGroup(2);
        ClassicGroupDriver reloaded = driver.reloaded();
        reloaded.context.advance(SESSION_MS);
        assertThat(reloaded.group().stateName()).isEqualTo("Empty");
        assertThat(reloaded.group().generationId()).isEqualTo(2);
        assertThat(reloaded.context.log()).hasSize(1);
    }

    @Test
    void aReplacedStaticMemberIsStoredUnderItsNewId() {
        mixedStableGroup();
        JoinGroupResponseData rejoin = driver.join(LATEST_JOIN, "", "instance-a", rangeOn("t")).join();
        assertThat(driver.context.log()).hasSize(2);
        ClassicGroup reloaded = driver.reloaded().group();
        assertThat(reloaded.staticMemberId("instance-a")).isEqualTo(rejoin.memberId());
        assertThat(reloaded.leaderId()).isEqualTo(rejoin.memberId());
        assertThat(reloaded.member(rejoin.memberId()).assignment()).containsExactly(1, 1);
    }

    @Test
    void aTombstoneDeletesTheStoredGroup() {
        driver.stableGroup(1);
        driver.context.append(driver.group().deletionRecords());
        assertThat(driver.reloaded().groups).isEmpty();
    }

    @Test
    void aRejoinBeforeTheAssignmentIsDurableIsNotAnsweredWithIt() {
        List<String> joined = driver.joinedGroup(2);
        driver.context.holdAppends();
        CompletableFuture<SyncGroupResponseData> leaderSync = driver.sync(joined.get(0), null, 1, Map.of(joined.get(0), new byte[] {9}));
        driver.leave(new MemberIdentity().setMemberId(joined.get(1)));
        driver.context.completeHeld();
        assertThat(leaderSync.join().errorCode()).isEqualTo(Errors.REBALANCE_IN_PROGRESS.code());
        assertThat(driver.group().stateName()).isEqualTo("PreparingRebalance");
        assertThat(driver.group().member(joined.get(0)).assignment()).isEmpty();
        JoinGroupResponseData rejoin = driver.join(LATEST_JOIN, joined.get(0), null, rangeOn("t")).join();
        assertThat(rejoin.generationId()).isEqualTo(2);
    }
}
