package io.vltava.coordinator.group.classic;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.coordinator.group.Group;
import io.vltava.coordinator.group.GroupCoordinatorConfig;
import io.vltava.coordinator.group.GroupRequestContext;
import io.vltava.coordinator.group.record.GroupRecordType;
import io.vltava.coordinator.group.record.RecordDecoder;
import io.vltava.coordinator.runtime.CoordinatorRecord;
import io.vltava.coordinator.runtime.ManualShardContext;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * Drives a {@link ClassicGroupManager} over a {@link ManualShardContext} the way clients would, for
 * the classic group tests.
 *
 * <p>Threading: confined to the test thread.
 */
final class ClassicGroupDriver {

    static final String GROUP = "group";
    static final int SESSION_MS = 10_000;
    static final int REBALANCE_MS = 30_000;
    static final short LATEST_JOIN = 9;
    static final short LATEST_SYNC = 5;

    final ManualShardContext context;
    final GroupCoordinatorConfig config;
    final Map<String, Group> groups = new HashMap<>();
    final ClassicGroupManager manager;

    ClassicGroupDriver(int initialRebalanceDelayMs, int maxSize) {
        this(new ManualShardContext(), initialRebalanceDelayMs, maxSize);
    }

    ClassicGroupDriver(ManualShardContext context, int initialRebalanceDelayMs, int maxSize) {
        GroupCoordinatorConfig defaults = GroupCoordinatorConfig.defaults();
        this.context = context;
        this.config = new GroupCoordinatorConfig(defaults.offsetsTopicPartitions(), defaults.offsetMetadataMaxBytes(),
                defaults.offsetsRetentionMs(), defaults.offsetsRetentionCheckIntervalMs(), 1_000, 300_000, initialRebalanceDelayMs, maxSize,
                defaults.consumerSessionTimeoutMs(), defaults.consumerHeartbeatIntervalMs(), defaults.consumerMaxSize(),
                defaults.consumerAssignors(), defaults.consumerMigrationPolicy(), defaults.consumerProtocolEnabled());
        this.manager = new ClassicGroupManager(context, config, groups);
    }

    /** A driver with no initial rebalance delay and no size limit. */
    ClassicGroupDriver() {
        this(0, Integer.MAX_VALUE);
    }

    /** A fresh manager over the same context's log, loaded from it as a restarted shard would be. */
    ClassicGroupDriver reloaded() {
        ManualShardContext fresh = new ManualShardContext();
        ClassicGroupDriver driver = new ClassicGroupDriver(fresh, config.initialRebalanceDelayMs(), config.classicMaxSize());
        for (CoordinatorRecord record : context.log()) {
            driver.manager.replay(groupIdOf(record.key()), record.value());
        }
        driver.manager.onLoaded();
        return driver;
    }

    static String groupIdOf(byte[] key) {
        RecordDecoder decoder = new RecordDecoder(key);
        assertThat(decoder.int16()).isEqualTo(GroupRecordType.CLASSIC_GROUP.id());
        String groupId = decoder.string();
        decoder.end();
        return groupId;
    }

    ClassicGroup group() {
        return (ClassicGroup) groups.get(GROUP);
    }

    static byte[] subscription(String... topics) {
        ByteBuffer buffer = ConsumerProtocol.serializeSubscription(new Subscription(List.of(topics)));
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    static JoinGroupRequestProtocol protocol(String name, byte[] metadata) {
        return new JoinGroupRequestProtocol().setName(name).setMetadata(metadata);
    }

    static List<JoinGroupRequestProtocol> rangeOn(String... topics) {
        return List.of(protocol("range", subscription(topics)));
    }

    static GroupRequestContext client(String clientId, short version) {
        return new GroupRequestContext(clientId, "/127.0.0.1", version);
    }

    CompletableFuture<JoinGroupResponseData> join(short version, String memberId, String instanceId, List<JoinGroupRequestProtocol> protocols) {
        return join(version, GROUP, memberId, instanceId, SESSION_MS, REBALANCE_MS, "consumer", protocols);
    }

    CompletableFuture<JoinGroupResponseData> join(short version, String groupId, String memberId, String instanceId, int sessionMs,
                                                  int rebalanceMs, String protocolType, List<JoinGroupRequestProtocol> protocols) {
        JoinGroupRequestProtocolCollection collection = new JoinGroupRequestProtocolCollection();
        protocols.forEach(protocol -> collection.add(protocol.duplicate()));
        JoinGroupRequestData data = new JoinGroupRequestData().setGroupId(groupId).setMemberId(memberId).setGroupInstanceId(instanceId)
                .setSessionTimeoutMs(sessionMs).setRebalanceTimeoutMs(rebalanceMs).setProtocolType(protocolType).setProtocols(collection);
        return manager.joinGroup(client("client", version), data);
    }

    /** A dynamic member's first JoinGroup at the latest version: MEMBER_ID_REQUIRED, then the join with the given id. */
    CompletableFuture<JoinGroupResponseData> joinDynamic(List<JoinGroupRequestProtocol> protocols) {
        JoinGroupResponseData required = join(LATEST_JOIN, "", null, protocols).join();
        assertThat(required.errorCode()).isEqualTo(Errors.MEMBER_ID_REQUIRED.code());
        return join(LATEST_JOIN, required.memberId(), null, protocols);
    }

    CompletableFuture<SyncGroupResponseData> sync(String memberId, String instanceId, int generationId, Map<String, byte[]> assignments) {
        List<SyncGroupRequestAssignment> list = new ArrayList<>();
        assignments.forEach((member, assignment) -> list.add(new SyncGroupRequestAssignment().setMemberId(member).setAssignment(assignment)));
        return manager.syncGroup(client("client", LATEST_SYNC), new SyncGroupRequestData().setGroupId(GROUP).setMemberId(memberId)
                .setGroupInstanceId(instanceId).setGenerationId(generationId).setProtocolType("consumer").setAssignments(list));
    }

    CompletableFuture<SyncGroupResponseData> sync(String memberId, int generationId) {
        return sync(memberId, null, generationId, Map.of());
    }

    short heartbeat(String memberId, String instanceId, int generationId) {
        try {
            HeartbeatResponseData response = manager.heartbeat(client("client", (short) 4), new HeartbeatRequestData().setGroupId(GROUP)
                    .setMemberId(memberId).setGroupInstanceId(instanceId).setGenerationId(generationId)).join();
            return response.errorCode();
        } catch (ApiException e) {
            return Errors.forException(e).code();
        }
    }

    short heartbeat(String memberId, int generationId) {
        return heartbeat(memberId, null, generationId);
    }

    LeaveGroupResponseData leave(MemberIdentity... members) {
        return manager.leaveGroup(client("client", (short) 5), new LeaveGroupRequestData().setGroupId(GROUP).setMembers(List.of(members)))
                .join();
    }

    /**
     * Forms generation 1 of a group of dynamic members on topic "t", left CompletingRebalance.
     *
     * @return the member ids, the leader's first
     */
    List<String> joinedGroup(int size) {
        List<CompletableFuture<JoinGroupResponseData>> joins = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            joins.add(joinDynamic(rangeOn("t")));
        }
        context.runDueTimers();
        List<String> memberIds = new ArrayList<>();
        joins.forEach(join -> memberIds.add(join.join().memberId()));
        assertThat(joins.get(0).join().leader()).isEqualTo(memberIds.get(0));
        assertThat(group().state()).isEqualTo(ClassicGroupState.COMPLETING_REBALANCE);
        return memberIds;
    }

    /**
     * Forms a Stable group of dynamic members on topic "t": the leader (the first) assigns each
     * member its own id as assignment bytes.
     */
    List<String> stableGroup(int size) {
        List<String> memberIds = joinedGroup(size);
        Map<String, byte[]> assignments = new HashMap<>();
        memberIds.forEach(memberId -> assignments.put(memberId, memberId.getBytes()));
        List<CompletableFuture<SyncGroupResponseData>> syncs = new ArrayList<>();
        for (String memberId : memberIds) {
            syncs.add(memberId.equals(memberIds.get(0)) ? sync(memberId, null, 1, assignments) : sync(memberId, 1));
        }
        syncs.forEach(sync -> assertThat(sync.join().errorCode()).isZero());
        assertThat(group().state()).isEqualTo(ClassicGroupState.STABLE);
        return memberIds;
    }
}
