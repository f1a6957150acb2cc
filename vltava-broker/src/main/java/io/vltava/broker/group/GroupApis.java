package io.vltava.broker.group;

import io.vltava.broker.api.ApiHandler;
import io.vltava.coordinator.group.GroupCoordinator;
import io.vltava.metadata.image.MetadataImage;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatRequest;
import org.apache.kafka.common.requests.HeartbeatRequest;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import org.apache.kafka.common.requests.OffsetDeleteRequest;
import org.apache.kafka.common.requests.SyncGroupRequest;

/**
 * The handlers of every group API, served by one {@link GroupCoordinator} (FindCoordinator, shared with
 * transactions, is {@link io.vltava.broker.coordinator.FindCoordinatorHandler}).
 *
 * <p>Threading: stateless.
 */
public final class GroupApis {

    private GroupApis() {
    }

    public static List<ApiHandler<?>> handlers(GroupCoordinator coordinator, Supplier<MetadataImage> image) {
        return List.of(
                new GroupApiHandler<JoinGroupRequest>(ApiKeys.JOIN_GROUP, (context, request) -> coordinator.joinGroup(context, request.data())),
                new GroupApiHandler<SyncGroupRequest>(ApiKeys.SYNC_GROUP, (context, request) -> coordinator.syncGroup(context, request.data())),
                new GroupApiHandler<HeartbeatRequest>(ApiKeys.HEARTBEAT, (context, request) -> coordinator.heartbeat(context, request.data())),
                new GroupApiHandler<LeaveGroupRequest>(ApiKeys.LEAVE_GROUP, (context, request) -> coordinator.leaveGroup(context, request.data())),
                new GroupApiHandler<ConsumerGroupHeartbeatRequest>(ApiKeys.CONSUMER_GROUP_HEARTBEAT,
                        (context, request) -> coordinator.consumerGroupHeartbeat(context, request.data())),
                new GroupApiHandler<OffsetDeleteRequest>(ApiKeys.OFFSET_DELETE, (context, request) -> coordinator.offsetDelete(request.data())),
                new OffsetCommitHandler(coordinator, image),
                new TxnOffsetCommitHandler(coordinator, image),
                new OffsetFetchHandler(coordinator, image),
                new ListGroupsHandler(coordinator),
                new DescribeGroupsHandler(coordinator),
                new DeleteGroupsHandler(coordinator),
                new ConsumerGroupDescribeHandler(coordinator));
    }
}
