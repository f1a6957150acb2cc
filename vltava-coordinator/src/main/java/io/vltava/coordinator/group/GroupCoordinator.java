package io.vltava.coordinator.group;

import io.vltava.common.time.Time;
import io.vltava.common.topic.TopicPartition;
import io.vltava.coordinator.runtime.CoordinatorRuntime;
import io.vltava.coordinator.runtime.PartitionedCoordinator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;

/**
 * The group coordinator: each group belongs to the partition of __consumer_offsets its id hashes to,
 * and the broker that leads that partition serves the group from the {@link GroupShard} it loaded
 * from the partition's log. The API handlers call in here with request data whose topics are named;
 * failures come back as Kafka's exceptions (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, ...).
 *
 * <p>Threading: any thread; each call runs on its shard's thread and completes there.
 */
public final class GroupCoordinator implements AutoCloseable {

    private final GroupCoordinatorConfig config;
    private final CoordinatorRuntime<GroupShard> runtime;

    public GroupCoordinator(GroupCoordinatorConfig config, int threads, Time time, GroupTopics topics) {
        this.config = config;
        this.runtime = new CoordinatorRuntime<>("group-coordinator", threads, time, context -> new GroupShard(context, config, topics));
    }

    public GroupCoordinatorConfig config() {
        return config;
    }

    /** The partition of __consumer_offsets that owns {@code groupId}, as Kafka computes it. */
    public int partitionFor(String groupId) {
        return CoordinatorRuntime.partitionFor(groupId, config.offsetsTopicPartitions());
    }

    /** Where the broker reports which partitions of the coordinator's topic it leads. */
    public PartitionedCoordinator partitions() {
        return runtime;
    }

    public CompletableFuture<JoinGroupResponseData> joinGroup(GroupRequestContext request, JoinGroupRequestData data) {
        return run(data.groupId(), shard -> shard.joinGroup(request, data));
    }

    public CompletableFuture<SyncGroupResponseData> syncGroup(GroupRequestContext request, SyncGroupRequestData data) {
        return run(data.groupId(), shard -> shard.syncGroup(request, data));
    }

    public CompletableFuture<HeartbeatResponseData> heartbeat(GroupRequestContext request, HeartbeatRequestData data) {
        return run(data.groupId(), shard -> shard.heartbeat(request, data));
    }

    public CompletableFuture<LeaveGroupResponseData> leaveGroup(GroupRequestContext request, LeaveGroupRequestData data) {
        return run(data.groupId(), shard -> shard.leaveGroup(request, data));
    }

    public CompletableFuture<ConsumerGroupHeartbeatResponseData> consumerGroupHeartbeat(GroupRequestContext request,
                                                                                        ConsumerGroupHeartbeatRequestData data) {
        return run(data.groupId(), shard -> shard.consumerGroupHeartbeat(request, data));
    }

    public CompletableFuture<ConsumerGroupDescribeResponseData.DescribedGroup> consumerGroupDescribe(String groupId) {
        return run(groupId, shard -> CompletableFuture.completedFuture(shard.consumerGroupDescribe(groupId)));
    }

    public CompletableFuture<OffsetCommitResponseData> offsetCommit(GroupRequestContext request, OffsetCommitRequestData data) {
        return run(data.groupId(), shard -> shard.offsetCommit(request, data));
    }

    /** TxnOffsetCommit: offsets staged for a producer's transaction, visible once it commits. */
    public CompletableFuture<TxnOffsetCommitResponseData> txnOffsetCommit(GroupRequestContext request, TxnOffsetCommitRequestData data) {
        return run(data.groupId(), shard -> shard.txnOffsetCommit(request, data));
    }

    /**
     * The transaction coordinator's decision for a transaction that committed offsets of {@code groupId}:
     * its staged offsets become the group's committed offsets, or are dropped, in one write. As Kafka's
     * marker on a partition of __consumer_offsets does, this ends every offset the producer staged in
     * that partition (other groups there included) with any epoch up to {@code producerEpoch}.
     * Completing a transaction with nothing staged, or twice, changes nothing and succeeds; an epoch
     * older than the staged one fails with INVALID_PRODUCER_EPOCH.
     */
    public CompletableFuture<Void> completeTransaction(String groupId, long producerId, short producerEpoch, boolean commit) {
        return run(groupId, shard -> shard.completeTransaction(producerId, producerEpoch, commit));
    }

    /** OffsetFetch of one group; {@code requireStable} (v7+) refuses offsets of open transactions with UNSTABLE_OFFSET_COMMIT. */
    public CompletableFuture<OffsetFetchResponseGroup> offsetFetch(OffsetFetchRequestGroup group, boolean requireStable) {
        return run(group.groupId(), shard -> CompletableFuture.completedFuture(shard.offsetFetch(group, requireStable)));
    }

    public CompletableFuture<OffsetDeleteResponseData> offsetDelete(OffsetDeleteRequestData data) {
        return run(data.groupId(), shard -> shard.offsetDelete(data));
    }

    public CompletableFuture<DescribedGroup> describeGroup(String groupId) {
        return run(groupId, shard -> CompletableFuture.completedFuture(shard.describeGroup(groupId)));
    }

    /** DeleteGroups: the ids are split by shard; each shard deletes its own in one write. */
    public List<CompletableFuture<List<DeletableGroupResult>>> deleteGroups(List<String> groupIds) {
        Map<Integer, List<String>> byPartition = new LinkedHashMap<>();
        for (String groupId : groupIds) {
            byPartition.computeIfAbsent(partitionFor(groupId), ignored -> new ArrayList<>()).add(groupId);
        }
        List<CompletableFuture<List<DeletableGroupResult>>> results = new ArrayList<>();
        byPartition.forEach((partition, ids) -> results.add(runtime.run(partition, shard -> shard.deleteGroups(ids))
                .exceptionallyCompose(failure -> CompletableFuture.failedFuture(new GroupsFailedException(ids, failure)))));
        return results;
    }

    /** ListGroups on every shard this broker holds; a shard still loading fails its future. */
    public List<CompletableFuture<List<ListedGroup>>> listGroups(List<String> statesFilter, List<String> typesFilter) {
        return runtime.runOnAll(shard -> shard.listGroups(statesFilter, typesFilter));
    }

    /** The committed offsets of every group, by group and partition, from each shard this broker holds; a shard still loading fails its future. */
    public List<CompletableFuture<Map<String, Map<TopicPartition, Long>>>> committedOffsets() {
        return runtime.runOnAll(GroupShard::committedOffsets);
    }

    private <T> CompletableFuture<T> run(String groupId, Function<GroupShard, CompletableFuture<T>> operation) {
        return runtime.run(partitionFor(groupId), operation);
    }

    @Override
    public void close() {
        runtime.close();
    }
}
