package io.vltava.coordinator.group.classic;

import static io.vltava.coordinator.group.classic.ClassicGroupDriver.GROUP;
import static io.vltava.coordinator.group.classic.ClassicGroupDriver.LATEST_JOIN;
import static io.vltava.coordinator.group.classic.ClassicGroupDriver.REBALANCE_MS;
import static io.vltava.coordinator.group.classic.ClassicGroupDriver.SESSION_MS;
import static io.vltava.coordinator.group.classic.ClassicGroupDriver.client;
import static io.vltava.coordinator.group.classic.ClassicGroupDriver.rangeOn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.vltava.coordinator.group.Group;
import io.vltava.coordinator.group.GroupType;
import io.vltava.coordinator.group.record.GroupRecordType;
import io.vltava.coordinator.group.record.RecordEncoder;
import io.vltava.coordinator.runtime.CoordinatorRecord;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.MessageUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every version of the four APIs gets a response it can carry, and empty groups of the other protocol give way. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ClassicGroupCompatibilityTest {

    private static void assertWritable(Message response, short version) {
        assertThatCode(() -> MessageUtil.toByteBufferAccessor(response, version)).as("version %d of %s", version, response.getClass())
                .doesNotThrowAnyException();
    }

    @Test
    void everyVersionsResponsesCanBeWritten() {
        for (short version = ApiKeys.JOIN_GROUP.oldestVersion(); version <= ApiKeys.JOIN_GROUP.latestVersion(); version++) {
            ClassicGroupDriver driver = new ClassicGroupDriver();
            CompletableFuture<JoinGroupResponseData> join = driver.join(version, "", null, rangeOn("t"));
            if (version >= 4) {
                assertThat(join.join().errorCode()).isEqualTo(Errors.MEMBER_ID_REQUIRED.code());
                assertWritable(join.join(), version);
                join = driver.join(version, join.join().memberId(), null, rangeOn("t"));
            }
            driver.context.runDueTimers();
            assertThat(join.join().errorCode()).isZero();
            assertWritable(join.join(), version);
            assertWritable(driver.join(version, GROUP, "", null, SESSION_MS, REBALANCE_MS, "other", rangeOn("t")).join(), version);
            assertWritable(driver.join(version, "unknown", null, rangeOn("t")).join(), version);
        }
        for (short version = ApiKeys.SYNC_GROUP.oldestVersion(); version <= ApiKeys.SYNC_GROUP.latestVersion(); version++) {
            ClassicGroupDriver driver = new ClassicGroupDriver();
            List<String> members = driver.stableGroup(1);
            SyncGroupResponseData sync = driver.manager.syncGroup(client("c", version), new SyncGroupRequestData().setGroupId(GROUP)
                    .setMemberId(members.get(0)).setGenerationId(1)).join();
            assertThat(sync.errorCode()).isZero();
            assertWritable(sync, version);
            assertWritable(driver.manager.syncGroup(client("c", version), new SyncGroupRequestData().setGroupId(GROUP)
                    .setMemberId("nobody").setGenerationId(1)).join(), version);
        }
        for (short version = ApiKeys.HEARTBEAT.oldestVersion(); version <= ApiKeys.HEARTBEAT.latestVersion(); version++) {
            ClassicGroupDriver driver = new ClassicGroupDriver();
            List<String> members = driver.stableGroup(1);
            HeartbeatResponseData heartbeat = driver.manager.heartbeat(client("c", version), new HeartbeatRequestData().setGroupId(GROUP)
                    .setMemberId(members.get(0)).setGenerationId(1)).join();
            assertWritable(heartbeat, version);
        }
        for (short version = ApiKeys.LEAVE_GROUP.oldestVersion(); version <= ApiKeys.LEAVE_GROUP.latestVersion(); version++) {
            ClassicGroupDriver driver = new ClassicGroupDriver();
            List<String> members = driver.stableGroup(2);
            LeaveGroupRequestData request = new LeaveGroupRequestData().setGroupId(GROUP);
            if (version >= 3) {
                request.setMembers(List.of(new MemberIdentity().setMemberId(members.get(1)), new MemberIdentity().setMemberId("nobody")));
            } else {
                request.setMemberId(members.get(1));
            }
            LeaveGroupResponseData leave = driver.manager.leaveGroup(client("c", version), request).join();
            assertWritable(leave, version);
            assertThat(driver.group().hasMember(members.get(1))).isFalse();
        }
    }

    /** A stand-in for a group of the consumer protocol (KIP-848). */
    private static final class ConsumerGroupStandIn implements Group {

        private final boolean empty;
        private final AtomicBoolean removed = new AtomicBoolean();

        ConsumerGroupStandIn(boolean empty) {
            this.empty = empty;
        }

        @Override
        public String groupId() {
            return GROUP;
        }

        @Override
        public GroupType type() {
            return GroupType.CONSUMER;
        }

        @Override
        public String stateName() {
            return empty ? "Empty" : "Stable";
        }

        @Override
        public String protocolType() {
            return "consumer";
        }

        @Override
        public boolean isSubscribedTo(String topic) {
            return false;
        }

        @Override
        public boolean isEmpty() {
            return empty;
        }

        @Override
        public long emptySinceMs() {
            return empty ? 0 : -1;
        }

        @Override
        public void validateOffsetCommit(String memberId, String groupInstanceId, int generationIdOrMemberEpoch, short apiVersion) {
        }

        @Override
        public void validateTransactionalOffsetCommit(String memberId, String groupInstanceId, int generationIdOrMemberEpoch) {
        }

        @Override
        public void validateOffsetFetch(String memberId, int memberEpoch) {
        }

        @Override
        public void validateDelete() {
        }

        @Override
        public List<CoordinatorRecord> deletionRecords() {
            return List.of(CoordinatorRecord.tombstone(RecordEncoder.key(GroupRecordType.CONSUMER_GROUP).string(GROUP).toByteArray()));
        }

        @Override
        public void onRemoved() {
            removed.set(true);
        }
    }

    @Test
    void anEmptyConsumerGroupBecomesClassicOnJoinGroup() {
        ClassicGroupDriver driver = new ClassicGroupDriver();
        ConsumerGroupStandIn consumer = new ConsumerGroupStandIn(true);
        driver.groups.put(GROUP, consumer);
        JoinGroupResponseData join = driver.join(LATEST_JOIN, "", null, rangeOn("t")).join();
        assertThat(join.errorCode()).isEqualTo(Errors.MEMBER_ID_REQUIRED.code());
        assertThat(driver.groups.get(GROUP)).isInstanceOf(ClassicGroup.class);
        assertThat(consumer.removed).isTrue();
        assertThat(driver.context.log()).containsExactlyElementsOf(consumer.deletionRecords());
    }

    @Test
    void aConsumerGroupWithMembersRefusesClassicMembers() {
        ClassicGroupDriver driver = new ClassicGroupDriver();
        ConsumerGroupStandIn consumer = new ConsumerGroupStandIn(false);
        driver.groups.put(GROUP, consumer);
        assertThat(driver.join(LATEST_JOIN, "", null, rangeOn("t")).join().errorCode()).isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL.code());
        assertThat(driver.sync("m", 1).join().errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(driver.heartbeat("m", 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(driver.groups.get(GROUP)).isSameAs(consumer);
        assertThat(consumer.removed).isFalse();
    }
}
