package io.vltava.coordinator.group.classic;

import static io.vltava.coordinator.group.classic.ClassicGroupDriver.LATEST_JOIN;
import static io.vltava.coordinator.group.classic.ClassicGroupDriver.rangeOn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vltava.coordinator.group.Group;
import io.vltava.coordinator.group.GroupType;
import io.vltava.coordinator.runtime.CoordinatorRecord;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A classic group as the offset and admin APIs see it. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ClassicGroupTest {

    private final ClassicGroupDriver driver = new ClassicGroupDriver();

    @Test
    void aGroupCreatedForOffsetsIsAnEmptySimpleGroup() {
        Group group = driver.manager.getOrCreateEmptyGroup("offsets-only");
        assertThat(group.type()).isEqualTo(GroupType.CLASSIC);
        assertThat(group.stateName()).isEqualTo("Empty");
        assertThat(group.protocolType()).isEmpty();
        assertThat(group.isEmpty()).isTrue();
        assertThat(group.emptySinceMs()).isEqualTo(driver.context.time().milliseconds());
        assertThat(group.isSubscribedTo("t")).isFalse();
        assertThat(driver.manager.getOrCreateEmptyGroup("offsets-only")).isSameAs(group);
        assertThatCode(() -> group.validateOffsetCommit("", null, -1, (short) 9)).doesNotThrowAnyException();
        assertThatThrownBy(() -> group.validateOffsetCommit("", null, 0, (short) 9)).isInstanceOf(UnknownMemberIdException.class);
        assertThatCode(group::validateDelete).doesNotThrowAnyException();
        assertThatCode(() -> group.validateOffsetFetch(null, -1)).doesNotThrowAnyException();
    }

    @Test
    void offsetCommitsFollowKafkasClassicRules() {
        List<String> members = driver.stableGroup(2);
        ClassicGroup group = driver.group();
        assertThatCode(() -> group.validateOffsetCommit(members.get(1), null, 1, (short) 9)).doesNotThrowAnyException();
        assertThatThrownBy(() -> group.validateOffsetCommit("", null, -1, (short) 9)).isInstanceOf(UnknownMemberIdException.class);
        assertThatThrownBy(() -> group.validateOffsetCommit("nobody", null, 1, (short) 9)).isInstanceOf(UnknownMemberIdException.class);
        assertThatThrownBy(() -> group.validateOffsetCommit(members.get(1), null, 2, (short) 9)).isInstanceOf(IllegalGenerationException.class);

        driver.join(LATEST_JOIN, members.get(0), null, rangeOn("t"));
        driver.join(LATEST_JOIN, members.get(1), null, rangeOn("t"));
        assertThat(group.stateName()).isEqualTo("CompletingRebalance");
        assertThatThrownBy(() -> group.validateOffsetCommit(members.get(1), null, 2, (short) 9))
                .isInstanceOf(RebalanceInProgressException.class);
        assertThatThrownBy(() -> group.validateOffsetCommit(members.get(1), null, 1, (short) 9)).isInstanceOf(IllegalGenerationException.class);
    }

    @Test
    void aStaleStaticMemberCannotCommit() {
        CompletableFuture<JoinGroupResponseData> join = driver.join(LATEST_JOIN, "", "instance", rangeOn("t"));
        driver.context.runDueTimers();
        String memberId = join.join().memberId();
        driver.sync(memberId, "instance", 1, Map.of());
        ClassicGroup group = driver.group();
        assertThatCode(() -> group.validateOffsetCommit(memberId, "instance", 1, (short) 9)).doesNotThrowAnyException();
        assertThatThrownBy(() -> group.validateOffsetCommit("stale", "instance", 1, (short) 9)).isInstanceOf(FencedInstanceIdException.class);
    }

    @Test
    void aGroupWithMembersCannotBeDeleted() {
        driver.stableGroup(1);
        assertThatThrownBy(driver.group()::validateDelete).isInstanceOf(GroupNotEmptyException.class);
        assertThat(driver.group().emptySinceMs()).isEqualTo(-1L);
        assertThat(driver.group().isEmpty()).isFalse();
    }

    @Test
    void aConsumerGroupIsSubscribedToItsMembersTopics() {
        CompletableFuture<JoinGroupResponseData> a = driver.joinDynamic(rangeOn("orders", "payments"));
        driver.joinDynamic(rangeOn("orders", "refunds"));
        driver.context.runDueTimers();
        assertThat(a.join().errorCode()).isZero();
        ClassicGroup group = driver.group();
        assertThat(group.protocolType()).isEqualTo("consumer");
        assertThat(group.isSubscribedTo("orders")).isTrue();
        assertThat(group.isSubscribedTo("refunds")).isTrue();
        assertThat(group.isSubscribedTo("payments")).isTrue();
        assertThat(group.isSubscribedTo("other")).isFalse();
    }

    @Test
    void otherProtocolTypesAreNotSubscribedToTopics() {
        CompletableFuture<JoinGroupResponseData> join = driver.join(LATEST_JOIN, ClassicGroupDriver.GROUP, "", "worker",
                ClassicGroupDriver.SESSION_MS, ClassicGroupDriver.REBALANCE_MS, "connect",
                List.of(ClassicGroupDriver.protocol("sessioned", new byte[] {1, 2, 3})));
        driver.context.runDueTimers();
        assertThat(join.join().errorCode()).isZero();
        assertThat(driver.group().protocolType()).isEqualTo("connect");
        assertThat(driver.group().isSubscribedTo("t")).isFalse();
    }

    @Test
    void describeShowsMetadataAndProtocolOnlyWhileStable() {
        List<String> members = driver.stableGroup(2);
        DescribedGroup stable = driver.manager.describe(driver.group());
        assertThat(stable.groupState()).isEqualTo("Stable");
        assertThat(stable.protocolType()).isEqualTo("consumer");
        assertThat(stable.protocolData()).isEqualTo("range");
        assertThat(stable.members()).extracting(DescribedGroupMember::memberId).containsExactlyElementsOf(members);
        DescribedGroupMember member = stable.members().get(1);
        assertThat(member.clientId()).isEqualTo("client");
        assertThat(member.clientHost()).isEqualTo("/127.0.0.1");
        assertThat(member.memberMetadata()).isEqualTo(ClassicGroupDriver.subscription("t"));
        assertThat(member.memberAssignment()).isEqualTo(members.get(1).getBytes());

        driver.join(LATEST_JOIN, members.get(0), null, rangeOn("t"));
        DescribedGroup rebalancing = driver.manager.describe(driver.group());
        assertThat(rebalancing.groupState()).isEqualTo("PreparingRebalance");
        assertThat(rebalancing.protocolData()).isEmpty();
        assertThat(rebalancing.members()).hasSize(2).allSatisfy(described -> assertThat(described.memberMetadata()).isEmpty());
    }

    @Test
    void deletionIsATombstoneOfTheGroupKey() {
        driver.stableGroup(1);
        List<CoordinatorRecord> records = driver.group().deletionRecords();
        assertThat(records).singleElement().satisfies(record -> {
            assertThat(record.isTombstone()).isTrue();
            assertThat(ClassicGroupDriver.groupIdOf(record.key())).isEqualTo(ClassicGroupDriver.GROUP);
        });
        driver.manager.replay(ClassicGroupDriver.GROUP, null);
        assertThat(driver.groups).isEmpty();
    }
}
