package io.vltava.coordinator.group.classic;

import io.vltava.coordinator.group.Group;
import io.vltava.coordinator.group.GroupCoordinatorConfig;
import io.vltava.coordinator.group.GroupRequestContext;
import io.vltava.coordinator.runtime.ShardContext;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;

/**
 * The classic group protocol of one shard: JoinGroup, SyncGroup, Heartbeat and LeaveGroup drive the
 * shard's {@link ClassicGroup}s through their rebalances.
 *
 * <p>Threading: owned by the shard's thread.
 */
public final class ClassicGroupManager {

    private final ShardContext context;
    private final Map<String, Group> groups;

    public ClassicGroupManager(ShardContext context, GroupCoordinatorConfig config, Map<String, Group> groups) {
        this.context = context;
        this.groups = groups;
    }

    /** The group, made empty and classic if there is none (offsets committed from outside a group). */
    public Group getOrCreateEmptyGroup(String groupId) {
        return groups.computeIfAbsent(groupId, id -> new ClassicGroup(id, context.time().milliseconds()));
    }

    public CompletableFuture<JoinGroupResponseData> joinGroup(GroupRequestContext request, JoinGroupRequestData data) {
        throw new UnsupportedVersionException("JoinGroup is not served yet");
    }

    public CompletableFuture<SyncGroupResponseData> syncGroup(GroupRequestContext request, SyncGroupRequestData data) {
        throw new UnsupportedVersionException("SyncGroup is not served yet");
    }

    public CompletableFuture<HeartbeatResponseData> heartbeat(GroupRequestContext request, HeartbeatRequestData data) {
        throw new UnsupportedVersionException("Heartbeat is not served yet");
    }

    public CompletableFuture<LeaveGroupResponseData> leaveGroup(GroupRequestContext request, LeaveGroupRequestData data) {
        throw new UnsupportedVersionException("LeaveGroup is not served yet");
    }

    /** DescribeGroups for a group known to be classic. */
    public DescribeGroupsResponseData.DescribedGroup describe(ClassicGroup group) {
        return new DescribeGroupsResponseData.DescribedGroup().setGroupId(group.groupId()).setGroupState(group.stateName())
                .setProtocolType(group.protocolType()).setProtocolData("");
    }

    /** Replays a classic group record (a null value deletes the group). */
    public void replay(String groupId, byte[] value) {
        throw new IllegalStateException("Classic group records are not known yet");
    }

    /** Called once the shard is loaded: starts the timers of loaded groups. */
    public void onLoaded() {
    }

    /** Called when the shard unloads: pending requests end with NOT_COORDINATOR. */
    public void onUnloaded() {
    }
}
