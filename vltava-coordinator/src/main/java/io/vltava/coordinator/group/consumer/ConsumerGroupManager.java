package io.vltava.coordinator.group.consumer;

import io.vltava.coordinator.group.Group;
import io.vltava.coordinator.group.GroupCoordinatorConfig;
import io.vltava.coordinator.group.GroupRequestContext;
import io.vltava.coordinator.group.GroupTopics;
import io.vltava.coordinator.runtime.ShardContext;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;

/**
 * The consumer group protocol (KIP-848) of one shard: ConsumerGroupHeartbeat drives each member
 * towards the target assignment the coordinator computes with its server-side assignors.
 *
 * <p>Threading: owned by the shard's thread.
 */
public final class ConsumerGroupManager {

    private final ShardContext context;
    private final Map<String, Group> groups;

    public ConsumerGroupManager(ShardContext context, GroupCoordinatorConfig config, Map<String, Group> groups, GroupTopics topics) {
        this.context = context;
        this.groups = groups;
    }

    public CompletableFuture<ConsumerGroupHeartbeatResponseData> heartbeat(GroupRequestContext request, ConsumerGroupHeartbeatRequestData data) {
        throw new UnsupportedVersionException("ConsumerGroupHeartbeat is not served yet");
    }

    /** ConsumerGroupDescribe for one group id: GROUP_ID_NOT_FOUND if it is not a consumer group. */
    public ConsumerGroupDescribeResponseData.DescribedGroup describe(String groupId) {
        throw new UnsupportedVersionException("ConsumerGroupDescribe is not served yet");
    }

    /** Replays a consumer group record (a null value deletes the group). */
    public void replay(String groupId, byte[] value) {
        throw new IllegalStateException("Consumer group records are not known yet");
    }

    /** Called once the shard is loaded: starts the session timers of loaded members. */
    public void onLoaded() {
    }

    /** Called when the shard unloads. */
    public void onUnloaded() {
    }
}
