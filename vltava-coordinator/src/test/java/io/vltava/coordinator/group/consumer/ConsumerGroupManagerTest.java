package io.vltava.coordinator.group.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vltava.coordinator.group.Group;
import io.vltava.coordinator.group.GroupCoordinatorConfig;
import io.vltava.coordinator.group.GroupRequestContext;
import io.vltava.coordinator.group.GroupType;
import io.vltava.coordinator.group.classic.ClassicGroupManager;
import io.vltava.coordinator.group.record.GroupRecordType;
import io.vltava.coordinator.group.record.RecordDecoder;
import io.vltava.coordinator.runtime.CoordinatorRecord;
import io.vltava.coordinator.runtime.ManualShardContext;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.FencedMemberEpochException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupMaxSizeReachedException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.InvalidRegularExpression;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.StaleMemberEpochException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.UnreleasedInstanceIdException;
import org.apache.kafka.common.errors.UnsupportedAssignorException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConsumerGroupManagerTest {

    private static final String GROUP = "group";
    private static final int SESSION_TIMEOUT_MS = 45_000;
    private static final int HEARTBEAT_INTERVAL_MS = 5_000;
    private static final int REBALANCE_TIMEOUT_MS = 30_000;

    private final ManualShardContext context = new ManualShardContext();
    private final FakeGroupTopics topics = new FakeGroupTopics();
    private final Map<String, Group> groups = new HashMap<>();
    private ConsumerGroupManager manager;
    private Uuid orders;

    @BeforeEach
    void setUp() {
        orders = topics.put("orders", 6);
        manager = manager(Integer.MAX_VALUE, true);
    }

    private ConsumerGroupManager manager(int maxSize, boolean enabled) {
        GroupCoordinatorConfig config = new GroupCoordinatorConfig(50, 4096, 7L * 24 * 3_600_000, 600_000L, 6_000, 1_800_000, 3_000,
                Integer.MAX_VALUE, SESSION_TIMEOUT_MS, HEARTBEAT_INTERVAL_MS, maxSize, List.of("uniform", "range"), "bidirectional", enabled);
        return new ConsumerGroupManager(context, config, groups, topics);
    }

    @Test
    void aJoiningMemberGetsEveryPartitionAndTheGroupIsWritten() {
        ConsumerGroupHeartbeatResponseData joined = send(join("a", "orders"));

        assertThat(joined.errorCode()).isZero();
        assertThat(joined.memberId()).isEqualTo("a");
        assertThat(joined.memberEpoch()).isEqualTo(1);
        assertThat(joined.heartbeatIntervalMs()).isEqualTo(HEARTBEAT_INTERVAL_MS);
        assertThat(assignment(joined)).isEqualTo(Map.of(orders, range(0, 6)));
        assertThat(group().stateName()).isEqualTo("Stable");
        assertThat(group().type()).isEqualTo(GroupType.CONSUMER);
        assertThat(context.log()).hasSize(1);

        ConsumerGroupHeartbeatResponseData next = send(heartbeat("a", 1, Map.of(orders, range(0, 6))));
        assertThat(next.memberEpoch()).isEqualTo(1);
        assertThat(next.assignment()).as("unchanged assignments are left out").isNull();
        assertThat(context.log()).as("a heartbeat that changes nothing writes nothing").hasSize(1);
    }

    @Test
    void version0GeneratesTheMemberIdAndVersion1RequiresIt() {
        ConsumerGroupHeartbeatResponseData joined = send(join("", "orders"), (short) 0);
        assertThat(joined.memberId()).isNotBlank();
        assertThat(group().member(joined.memberId())).isNotNull();

        assertThatThrownBy(() -> send(join("", "orders"), (short) 1))
                .isInstanceOf(InvalidRequestException.class).hasMessage("MemberId can't be empty.");
    }

    @Test
    void partitionsMoveToANewMemberOnlyAfterTheirOwnerRevokesThem() {
        send(join("a", "orders"));
        send(heartbeat("a", 1, Map.of(orders, range(0, 6))));

        ConsumerGroupHeartbeatResponseData b = send(join("b", "orders"));
        assertThat(b.memberEpoch()).isEqualTo(2);
        assertThat(assignment(b)).as("everything b should get is still owned by a").isEmpty();
        assertThat(group().member("b").state()).isEqualTo(MemberState.UNRELEASED_PARTITIONS);
        assertThat(group().stateName()).isEqualTo("Reconciling");
        Map<Uuid, Set<Integer>> bTarget = group().targetAssignment("b");
        Set<Integer> aKeeps = new TreeSet<>(range(0, 6));
        aKeeps.removeAll(bTarget.get(orders));
        assertThat(bTarget.get(orders)).hasSize(3);

        ConsumerGroupHeartbeatResponseData a = send(heartbeat("a", 1, Map.of(orders, range(0, 6))));
        assertThat(a.memberEpoch()).as("a stays at its epoch until it revokes").isEqualTo(1);
        assertThat(assignment(a)).isEqualTo(Map.of(orders, aKeeps));
        assertThat(group().member("a").state()).isEqualTo(MemberState.UNREVOKED_PARTITIONS);
        assertThat(context.isScheduled(MemberTimers.rebalanceKey(GROUP, "a"))).isTrue();

        assertThat(send(heartbeat("b", 2, Map.of())).assignment()).as("not released yet").isNull();

        a = send(heartbeat("a", 1, Map.of(orders, aKeeps)));
        assertThat(a.memberEpoch()).isEqualTo(2);
        assertThat(a.assignment()).isNull();
        assertThat(context.isScheduled(MemberTimers.rebalanceKey(GROUP, "a"))).isFalse();

        b = send(heartbeat("b", 2, Map.of()));
        assertThat(b.memberEpoch()).isEqualTo(2);
        assertThat(assignment(b)).isEqualTo(bTarget);
        assertThat(group().stateName()).isEqualTo("Stable");
    }

    @Test
    void aMemberThatStopsHeartbeatingIsRemovedAfterTheSessionTimeout() {
        send(join("a", "orders"));
        send(heartbeat("a", 1, Map.of(orders, range(0, 6))));
        send(join("b", "orders"));

        for (int elapsed = HEARTBEAT_INTERVAL_MS; elapsed < SESSION_TIMEOUT_MS; elapsed += HEARTBEAT_INTERVAL_MS) {
            context.advance(HEARTBEAT_INTERVAL_MS);
            send(heartbeat("b", group().member("b").memberEpoch(), Map.of()));
        }
        assertThat(group().member("a")).isNotNull();
        context.advance(HEARTBEAT_INTERVAL_MS);

        assertThat(group().member("a")).isNull();
        assertThat(group().groupEpoch()).isEqualTo(3);
        ConsumerGroupHeartbeatResponseData b = send(heartbeat("b", 2, Map.of()));
        assertThat(b.memberEpoch()).isEqualTo(3);
        assertThat(assignment(b)).isEqualTo(Map.of(orders, range(0, 6)));
        assertThatThrownBy(() -> send(heartbeat("a", 1, Map.of(orders, range(0, 6))))).isInstanceOf(UnknownMemberIdException.class);
    }

    @Test
    void aMemberThatDoesNotRevokeWithinItsRebalanceTimeoutIsRemoved() {
        send(join("a", "orders"));
        send(heartbeat("a", 1, Map.of(orders, range(0, 6))));
        send(join("b", "orders"));
        send(heartbeat("a", 1, Map.of(orders, range(0, 6))));
        assertThat(group().member("a").state()).isEqualTo(MemberState.UNREVOKED_PARTITIONS);

        for (int elapsed = 0; elapsed < REBALANCE_TIMEOUT_MS && group().member("a") != null; elapsed += HEARTBEAT_INTERVAL_MS) {
            context.advance(HEARTBEAT_INTERVAL_MS);
            if (group().member("a") != null) {
                send(heartbeat("a", 1, Map.of(orders, range(0, 6))));
            }
            send(heartbeat("b", 2, Map.of()));
        }

        assertThat(group().member("a")).isNull();
        assertThat(group().member("b").assignedPartitions()).isEqualTo(Map.of(orders, range(0, 6)));
        assertThat(group().stateName()).isEqualTo("Stable");
    }

    @Test
    void aStaticMemberRejoiningUnderItsInstanceIdKeepsItsPartitions() {
        send(join("s1", "orders").setInstanceId("instance-1"));
        send(join("d", "orders"));
        settle();
        Map<Uuid, Set<Integer>> owned = group().member("s1").assignedPartitions();
        int groupEpoch = group().groupEpoch();
        assertThat(owned.get(orders)).hasSize(3);

        assertThatThrownBy(() -> send(join("s2", "orders").setInstanceId("instance-1")))
                .as("the instance id is still in use").isInstanceOf(UnreleasedInstanceIdException.class);

        ConsumerGroupHeartbeatResponseData left = send(heartbeat("s1", group().member("s1").memberEpoch(), null)
                .setInstanceId("instance-1").setMemberEpoch(-2));
        assertThat(left.memberEpoch()).isEqualTo(-2);
        assertThat(group().member("s1").memberEpoch()).isEqualTo(-2);
        assertThat(send(heartbeat("d", groupEpoch, null)).assignment()).as("the away member's partitions stay its own").isNull();

        ConsumerGroupHeartbeatResponseData rejoined = send(join("s2", "orders").setInstanceId("instance-1"));
        assertThat(rejoined.memberId()).isEqualTo("s2");
        assertThat(rejoined.memberEpoch()).isEqualTo(groupEpoch);
        assertThat(assignment(rejoined)).isEqualTo(owned);
        assertThat(group().groupEpoch()).as("same subscription, no rebalance").isEqualTo(groupEpoch);
        assertThat(group().member("s1")).isNull();
        assertThat(group().staticMember("instance-1").memberId()).isEqualTo("s2");
        assertThat(group().targetAssignment("s2")).isEqualTo(owned);

        assertThatThrownBy(() -> send(heartbeat("s1", groupEpoch, null).setInstanceId("instance-1")))
                .isInstanceOf(FencedInstanceIdException.class);
    }

    @Test
    void aStaticMemberThatStaysAwayIsRemovedAfterTheSessionTimeout() {
        send(join("s1", "orders").setInstanceId("instance-1"));
        send(heartbeat("s1", 1, null).setInstanceId("instance-1").setMemberEpoch(-2));

        context.advance(SESSION_TIMEOUT_MS);

        assertThat(group().members()).isEmpty();
        assertThat(group().stateName()).isEqualTo("Empty");
    }

    @Test
    void aLeavingMemberIsRemovedAndTheGroupBecomesEmpty() {
        send(join("a", "orders"));
        context.advance(1_000);

        ConsumerGroupHeartbeatResponseData left = send(heartbeat("a", 1, null).setMemberEpoch(-1));

        assertThat(left.memberId()).isEqualTo("a");
        assertThat(left.memberEpoch()).isEqualTo(-1);
        assertThat(group().stateName()).isEqualTo("Empty");
        assertThat(group().groupEpoch()).isEqualTo(2);
        assertThat(group().emptySinceMs()).isEqualTo(context.time().milliseconds());
        assertThat(context.isScheduled(MemberTimers.sessionKey(GROUP, "a"))).isFalse();
        assertThatThrownBy(() -> send(heartbeat("a", 1, null))).isInstanceOf(UnknownMemberIdException.class);
        assertThatCode(() -> group().validateDelete()).doesNotThrowAnyException();
    }

    @Test
    void theGroupEpochGoesUpWhenASubscribedTopicGrows() {
        send(join("a", "orders"));
        send(heartbeat("a", 1, Map.of(orders, range(0, 6))));

        topics.put("orders", 8);
        ConsumerGroupHeartbeatResponseData a = send(heartbeat("a", 1, Map.of(orders, range(0, 6))));

        assertThat(a.memberEpoch()).isEqualTo(2);
        assertThat(assignment(a)).isEqualTo(Map.of(orders, range(0, 8)));
    }

    @Test
    void aRegularExpressionSubscribesToMatchingTopicsButNotInternalOnes() {
        Uuid ordersEu = topics.put("orders-eu", 2);
        topics.put("payments", 3);
        topics.put("__consumer_offsets", 50);

        ConsumerGroupHeartbeatResponseData joined = send(join("a").setSubscribedTopicRegex("orders.*"));
        assertThat(assignment(joined)).isEqualTo(Map.of(orders, range(0, 6), ordersEu, range(0, 2)));

        Uuid ordersUs = topics.put("orders-us", 1);
        ConsumerGroupHeartbeatResponseData next = send(heartbeat("a", 1, assignment(joined)));
        assertThat(next.memberEpoch()).isEqualTo(2);
        assertThat(assignment(next)).containsEntry(ordersUs, Set.of(0));

        send(join("b").setSubscribedTopicRegex(".*"));
        assertThat(group().subscribedTopics()).doesNotContainKey("__consumer_offsets").containsKey("payments");
        assertThat(group().isSubscribedTo("orders-us")).isTrue();
    }

    @Test
    void theRangeAssignorGivesEachMemberTheSamePartitionsOfCoPartitionedTopics() {
        Uuid payments = topics.put("payments", 6);
        for (String member : List.of("a", "b", "c")) {
            send(join(member, "orders", "payments").setServerAssignor("range"));
        }
        settle();

        assertThat(manager.describe(GROUP).assignorName()).isEqualTo("range");
        Set<Integer> covered = new HashSet<>();
        for (ConsumerGroupMember member : group().members().values()) {
            assertThat(member.assignedPartitions().get(orders)).hasSize(2).isEqualTo(member.assignedPartitions().get(payments));
            covered.addAll(member.assignedPartitions().get(orders));
        }
        assertThat(covered).isEqualTo(range(0, 6));
    }

    @Test
    void everyPartitionHasExactlyOneOwnerOnceTheGroupSettles() {
        for (int i = 0; i < 4; i++) {
            send(join("m" + i, "orders"));
            settle();
        }
        send(heartbeat("m1", group().member("m1").memberEpoch(), null).setMemberEpoch(-1));
        settle();

        List<Integer> owned = new ArrayList<>();
        group().members().values().forEach(member -> owned.addAll(member.assignedPartitions().get(orders)));
        assertThat(owned).containsExactlyInAnyOrderElementsOf(range(0, 6));
        assertThat(group().members().values()).allSatisfy(member -> assertThat(member.assignedPartitions().get(orders)).hasSize(2));
    }

    @Test
    void invalidRequestsAreRefused() {
        send(join("a", "orders"));

        assertThatThrownBy(() -> send(join("b", "orders").setGroupId(" "))).isInstanceOf(InvalidRequestException.class)
                .hasMessage("GroupId can't be empty.");
        assertThatThrownBy(() -> send(join("b", "orders").setRebalanceTimeoutMs(-1))).isInstanceOf(InvalidRequestException.class)
                .hasMessage("RebalanceTimeoutMs must be provided in first request.");
        assertThatThrownBy(() -> send(join("b", "orders").setTopicPartitions(null))).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> send(join("b", "orders").setTopicPartitions(toRequest(Map.of(orders, Set.of(1))))))
                .isInstanceOf(InvalidRequestException.class).hasMessage("TopicPartitions must be empty when (re-)joining.");
        assertThatThrownBy(() -> send(join("b").setSubscribedTopicNames(null))).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> send(join("b", "orders").setInstanceId(""))).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> send(join("b", "orders").setRackId(" "))).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> send(heartbeat("a", -3, null))).isInstanceOf(InvalidRequestException.class)
                .hasMessage("MemberEpoch is invalid.");
        assertThatThrownBy(() -> send(heartbeat("a", -2, null))).isInstanceOf(InvalidRequestException.class)
                .hasMessage("InstanceId can't be null.");
        assertThatThrownBy(() -> send(join("b", "orders").setRackId("r".repeat(40_000)))).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> send(join("b", "orders").setServerAssignor("sticky"))).isInstanceOf(UnsupportedAssignorException.class);
        assertThatThrownBy(() -> send(join("b").setSubscribedTopicRegex("orders("))).isInstanceOf(InvalidRegularExpression.class);
        assertThat(group().members()).containsOnlyKeys("a");
    }

    @Test
    void membersAndGroupsMustBeKnownAndEpochsCurrent() {
        assertThatThrownBy(() -> send(heartbeat("a", 1, null))).isInstanceOf(GroupIdNotFoundException.class);
        assertThatThrownBy(() -> send(heartbeat("a", -1, null))).isInstanceOf(GroupIdNotFoundException.class);
        assertThatThrownBy(() -> manager.describe(GROUP)).isInstanceOf(GroupIdNotFoundException.class);
        send(join("a", "orders"));

        assertThatThrownBy(() -> send(heartbeat("x", 1, null))).isInstanceOf(UnknownMemberIdException.class);
        assertThatThrownBy(() -> send(heartbeat("x", -1, null))).isInstanceOf(UnknownMemberIdException.class);
        assertThatThrownBy(() -> send(heartbeat("a", 2, null))).isInstanceOf(FencedMemberEpochException.class);
        send(join("b", "orders"));
        send(heartbeat("a", 1, Map.of(orders, range(0, 6))));
        send(heartbeat("a", 1, Map.of(orders, group().member("a").assignedPartitions().get(orders))));
        assertThat(group().member("a").memberEpoch()).isEqualTo(2);
        assertThat(send(heartbeat("a", 1, Map.of(orders, group().member("a").assignedPartitions().get(orders)))).memberEpoch())
                .as("the previous epoch is accepted while the member owns no more than its assignment").isEqualTo(2);
        assertThatThrownBy(() -> send(heartbeat("a", 1, Map.of(orders, range(0, 6))))).isInstanceOf(FencedMemberEpochException.class);
    }

    @Test
    void theProtocolCanBeDisabledAndTheGroupSizeIsCapped() {
        assertThatThrownBy(() -> send(join("a", "orders"), (short) 1, manager(Integer.MAX_VALUE, false)))
                .isInstanceOf(UnsupportedVersionException.class);

        ConsumerGroupManager small = manager(1, true);
        send(join("a", "orders"), (short) 1, small);
        assertThatThrownBy(() -> send(join("b", "orders"), (short) 1, small)).isInstanceOf(GroupMaxSizeReachedException.class);
        assertThat(send(heartbeat("a", 1, null), (short) 1, small).memberEpoch()).isEqualTo(1);
    }

    @Test
    void anEmptyClassicGroupIsReplacedButOneWithMembersIsNot() {
        new ClassicGroupManager(context, GroupCoordinatorConfig.defaults(), groups).getOrCreateEmptyGroup(GROUP);
        send(join("a", "orders"));
        assertThat(groups.get(GROUP)).isInstanceOf(ConsumerGroup.class);

        Group busy = busyClassicGroup("busy");
        groups.put("busy", busy);
        assertThatThrownBy(() -> send(join("a", "orders").setGroupId("busy"))).isInstanceOf(GroupIdNotFoundException.class);
        assertThatThrownBy(() -> manager.describe("busy")).isInstanceOf(GroupIdNotFoundException.class);
        assertThat(groups.get("busy")).isSameAs(busy);
    }

    @Test
    void offsetsAreCommittedAndFetchedByCurrentMembersOnly() {
        send(join("a", "orders"));
        ConsumerGroup group = group();

        assertThatCode(() -> group.validateOffsetCommit("a", null, 1, (short) 9)).doesNotThrowAnyException();
        assertThatThrownBy(() -> group.validateOffsetCommit("a", null, 0, (short) 9)).isInstanceOf(StaleMemberEpochException.class);
        assertThatThrownBy(() -> group.validateOffsetCommit("x", null, 1, (short) 9)).isInstanceOf(UnknownMemberIdException.class);
        assertThatThrownBy(() -> group.validateOffsetCommit("a", null, 1, (short) 8)).isInstanceOf(UnsupportedVersionException.class);
        assertThatThrownBy(() -> group.validateOffsetCommit("", null, -1, (short) 9)).isInstanceOf(UnknownMemberIdException.class);
        assertThatCode(() -> group.validateOffsetFetch(null, -1)).doesNotThrowAnyException();
        assertThatCode(() -> group.validateOffsetFetch("a", 1)).doesNotThrowAnyException();
        assertThatThrownBy(() -> group.validateOffsetFetch("a", 2)).isInstanceOf(StaleMemberEpochException.class);
        assertThatThrownBy(() -> group.validateOffsetFetch("x", 1)).isInstanceOf(UnknownMemberIdException.class);
        assertThatThrownBy(group::validateDelete).isInstanceOf(GroupNotEmptyException.class);
        assertThat(group.isSubscribedTo("orders")).isTrue();
        assertThat(group.isSubscribedTo("payments")).isFalse();
        assertThat(group.emptySinceMs()).isEqualTo(-1);

        send(heartbeat("a", 1, null).setMemberEpoch(-1));
        assertThatCode(() -> group.validateOffsetCommit("", null, -1, (short) 9)).doesNotThrowAnyException();
        assertThat(group.protocolType()).isEqualTo("consumer");
    }

    @Test
    void describeShowsTheGroupItsMembersAndTheirAssignments() {
        send(join("a", "orders").setRackId("rack-1"));
        send(join("b", "orders"));
        settle();

        ConsumerGroupDescribeResponseData.DescribedGroup described = manager.describe(GROUP);

        assertThat(described.groupId()).isEqualTo(GROUP);
        assertThat(described.groupState()).isEqualTo("Stable");
        assertThat(described.groupEpoch()).isEqualTo(2);
        assertThat(described.assignmentEpoch()).isEqualTo(2);
        assertThat(described.assignorName()).isEqualTo("uniform");
        assertThat(described.members()).extracting(ConsumerGroupDescribeResponseData.Member::memberId).containsExactly("a", "b");
        ConsumerGroupDescribeResponseData.Member a = described.members().get(0);
        assertThat(a.rackId()).isEqualTo("rack-1");
        assertThat(a.clientId()).isEqualTo("client-a");
        assertThat(a.clientHost()).isEqualTo("/127.0.0.1");
        assertThat(a.memberEpoch()).isEqualTo(2);
        assertThat(a.memberType()).isEqualTo((byte) 1);
        assertThat(a.subscribedTopicNames()).containsExactly("orders");
        assertThat(a.assignment().topicPartitions()).singleElement().satisfies(topic -> {
            assertThat(topic.topicName()).isEqualTo("orders");
            assertThat(topic.topicId()).isEqualTo(orders);
            assertThat(topic.partitions()).hasSize(3);
        });
        assertThat(a.targetAssignment()).isEqualTo(a.assignment());
    }

    @Test
    void theRecordsRebuildTheGroupAfterARestart() {
        send(join("s1", "orders").setInstanceId("instance-1").setRackId("rack-1").setServerAssignor("range"));
        send(join("b", "orders"));
        send(heartbeat("s1", 1, Map.of(orders, range(0, 6))).setInstanceId("instance-1"));
        send(join("c").setSubscribedTopicRegex("ord.*"));

        Map<String, Group> loaded = new HashMap<>();
        ManualShardContext restarted = new ManualShardContext();
        ConsumerGroupManager reloaded = new ConsumerGroupManager(restarted, GroupCoordinatorConfig.defaults(), loaded, topics);
        replay(reloaded, context.log());
        reloaded.onLoaded();

        ConsumerGroup before = group();
        ConsumerGroup after = (ConsumerGroup) loaded.get(GROUP);
        assertThat(after.members()).isEqualTo(before.members());
        assertThat(after.targetAssignment()).isEqualTo(before.targetAssignment());
        assertThat(after.groupEpoch()).isEqualTo(before.groupEpoch());
        assertThat(after.assignmentEpoch()).isEqualTo(before.assignmentEpoch());
        assertThat(after.subscribedTopics()).isEqualTo(before.subscribedTopics());
        assertThat(after.stateName()).isEqualTo(before.stateName());
        assertThat(after.staticMember("instance-1").memberId()).isEqualTo("s1");
        assertThat(after.partitionEpoch(orders, 0)).isEqualTo(before.partitionEpoch(orders, 0));
        assertThat(reloaded.describe(GROUP)).isEqualTo(manager.describe(GROUP));
        for (String memberId : List.of("s1", "b", "c")) {
            assertThat(restarted.isScheduled(MemberTimers.sessionKey(GROUP, memberId))).isTrue();
        }
        assertThat(restarted.isScheduled(MemberTimers.rebalanceKey(GROUP, "s1"))).isTrue();

        int epoch = after.groupEpoch();
        ConsumerGroupMember b = after.member("b");
        ConsumerGroupHeartbeatResponseData response = reloaded.heartbeat(new GroupRequestContext("client-b", "/127.0.0.1", (short) 1),
                heartbeat("b", b.memberEpoch(), b.assignedPartitions())).join();
        assertThat(response.errorCode()).isZero();
        assertThat(after.groupEpoch()).as("the reloaded topics match the persisted ones").isEqualTo(epoch);

        replay(reloaded, after.deletionRecords());
        assertThat(loaded).doesNotContainKey(GROUP);
    }

    // ---- helpers

    /** Heartbeats every member with what it owns until the group is stable. */
    private void settle() {
        for (int round = 0; round < 10 && !group().stateName().equals("Stable"); round++) {
            for (ConsumerGroupMember member : List.copyOf(group().members().values())) {
                send(heartbeat(member.memberId(), member.memberEpoch(), member.assignedPartitions()).setInstanceId(member.instanceId()));
            }
        }
        assertThat(group().stateName()).isEqualTo("Stable");
    }

    private ConsumerGroup group() {
        return (ConsumerGroup) groups.get(GROUP);
    }

    private ConsumerGroupHeartbeatResponseData send(ConsumerGroupHeartbeatRequestData data) {
        return send(data, (short) 1);
    }

    private ConsumerGroupHeartbeatResponseData send(ConsumerGroupHeartbeatRequestData data, short version) {
        return send(data, version, manager);
    }

    private static ConsumerGroupHeartbeatResponseData send(ConsumerGroupHeartbeatRequestData data, short version, ConsumerGroupManager target) {
        return target.heartbeat(new GroupRequestContext("client-" + data.memberId(), "/127.0.0.1", version), data).join();
    }

    private static ConsumerGroupHeartbeatRequestData join(String memberId, String... topicNames) {
        return new ConsumerGroupHeartbeatRequestData().setGroupId(GROUP).setMemberId(memberId).setMemberEpoch(0)
                .setRebalanceTimeoutMs(REBALANCE_TIMEOUT_MS).setSubscribedTopicNames(List.of(topicNames)).setTopicPartitions(List.of());
    }

    private static ConsumerGroupHeartbeatRequestData heartbeat(String memberId, int epoch, Map<Uuid, Set<Integer>> owned) {
        return new ConsumerGroupHeartbeatRequestData().setGroupId(GROUP).setMemberId(memberId).setMemberEpoch(epoch)
                .setTopicPartitions(owned == null ? null : toRequest(owned));
    }

    private static List<ConsumerGroupHeartbeatRequestData.TopicPartitions> toRequest(Map<Uuid, Set<Integer>> owned) {
        List<ConsumerGroupHeartbeatRequestData.TopicPartitions> partitions = new ArrayList<>();
        owned.forEach((topicId, numbers) -> partitions.add(new ConsumerGroupHeartbeatRequestData.TopicPartitions()
                .setTopicId(topicId).setPartitions(List.copyOf(numbers))));
        return partitions;
    }

    private static Map<Uuid, Set<Integer>> assignment(ConsumerGroupHeartbeatResponseData response) {
        assertThat(response.assignment()).isNotNull();
        Map<Uuid, Set<Integer>> assignment = new TreeMap<>();
        response.assignment().topicPartitions().forEach(topic -> assignment.put(topic.topicId(), new TreeSet<>(topic.partitions())));
        return assignment;
    }

    private static Set<Integer> range(int from, int to) {
        return new TreeSet<>(IntStream.range(from, to).boxed().toList());
    }

    private static void replay(ConsumerGroupManager target, List<CoordinatorRecord> records) {
        for (CoordinatorRecord record : records) {
            RecordDecoder key = new RecordDecoder(record.key());
            assertThat(GroupRecordType.of(key.int16())).isEqualTo(GroupRecordType.CONSUMER_GROUP);
            target.replay(key.string(), record.value());
        }
    }

    /** A classic group with members, which a consumer group heartbeat must not take over. */
    private static Group busyClassicGroup(String groupId) {
        return (Group) Proxy.newProxyInstance(Group.class.getClassLoader(), new Class<?>[] {Group.class}, (proxy, method, args) ->
                switch (method.getName()) {
                    case "groupId" -> groupId;
                    case "type" -> GroupType.CLASSIC;
                    case "isEmpty" -> false;
                    case "toString" -> "busy classic group " + groupId;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
