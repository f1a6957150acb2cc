package io.vltava.coordinator.group;

import io.vltava.common.topic.TopicPartition;
import io.vltava.coordinator.group.classic.ClassicGroup;
import io.vltava.coordinator.group.classic.ClassicGroupManager;
import io.vltava.coordinator.group.consumer.ConsumerGroupManager;
import io.vltava.coordinator.group.offset.CommittedOffset;
import io.vltava.coordinator.group.offset.OffsetCommitRecords;
import io.vltava.coordinator.group.offset.OffsetManager;
import io.vltava.coordinator.group.offset.PendingTxnOffsetRecords;
import io.vltava.coordinator.group.offset.PendingTxnOffsets;
import io.vltava.coordinator.group.offset.StagedOffset;
import io.vltava.coordinator.group.record.GroupRecordType;
import io.vltava.coordinator.group.record.RecordDecoder;
import io.vltava.coordinator.runtime.CoordinatorRecord;
import io.vltava.coordinator.runtime.CoordinatorShard;
import io.vltava.coordinator.runtime.ShardContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.InvalidGroupIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
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
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestPartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartition;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponseTopic;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopics;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The groups and committed offsets of one partition of __consumer_offsets: the offset and admin APIs
 * are served here, the two rebalance protocols by {@link ClassicGroupManager} and
 * {@link ConsumerGroupManager}, which share this shard's group map (a group id names one group,
 * whatever its type).
 *
 * <p>Threading: owned by the shard's thread (see {@link io.vltava.coordinator.runtime.CoordinatorRuntime}).
 */
public final class GroupShard implements CoordinatorShard {

    private static final Logger log = LoggerFactory.getLogger(GroupShard.class);
    private static final String RETENTION_TIMER = "offsets-retention";

    private final ShardContext context;
    private final GroupCoordinatorConfig config;
    private final Map<String, Group> groups = new HashMap<>();
    private final OffsetManager offsets = new OffsetManager();
    private final PendingTxnOffsets pending = new PendingTxnOffsets();
    private final ClassicGroupManager classic;
    private final ConsumerGroupManager consumer;

    public GroupShard(ShardContext context, GroupCoordinatorConfig config, GroupTopics topics) {
        this.context = context;
        this.config = config;
        this.classic = new ClassicGroupManager(context, config, groups);
        this.consumer = new ConsumerGroupManager(context, config, groups, topics);
    }

    @Override
    public void replay(CoordinatorRecord record) {
        RecordDecoder key = new RecordDecoder(record.key());
        switch (GroupRecordType.of(key.int16())) {
            case OFFSET_COMMIT -> {
                OffsetCommitRecords.Key offsetKey = OffsetCommitRecords.readKey(key);
                CommittedOffset value = record.isTombstone() ? null : OffsetCommitRecords.readValue(record.value());
                offsets.replay(offsetKey, value);
                if (value != null) {
                    pending.supersede(offsetKey.groupId(), new TopicPartition(offsetKey.topic(), offsetKey.partition()));
                }
            }
            case PENDING_TXN_OFFSET -> pending.replay(PendingTxnOffsetRecords.readKey(key),
                    record.isTombstone() ? null : PendingTxnOffsetRecords.readValue(record.value()));
            case CLASSIC_GROUP -> classic.replay(groupIdOf(key), record.value());
            case CONSUMER_GROUP -> consumer.replay(groupIdOf(key), record.value());
        }
    }

    private static String groupIdOf(RecordDecoder key) {
        String groupId = key.string();
        key.end();
        return groupId;
    }

    @Override
    public void onLoaded() {
        Set<String> groupIds = new TreeSet<>(offsets.groupIds());
        groupIds.addAll(pending.groupIds());
        for (String groupId : groupIds) {
            if (!groups.containsKey(groupId)) {
                classic.getOrCreateEmptyGroup(groupId);
            }
        }
        classic.onLoaded();
        consumer.onLoaded();
        context.schedule(RETENTION_TIMER, config.offsetsRetentionCheckIntervalMs(), this::expireOffsets);
    }

    @Override
    public void onUnloaded() {
        classic.onUnloaded();
        consumer.onUnloaded();
    }

    // ---- the rebalance protocols

    public CompletableFuture<JoinGroupResponseData> joinGroup(GroupRequestContext request, JoinGroupRequestData data) {
        return classic.joinGroup(request, data);
    }

    public CompletableFuture<SyncGroupResponseData> syncGroup(GroupRequestContext request, SyncGroupRequestData data) {
        return classic.syncGroup(request, data);
    }

    public CompletableFuture<HeartbeatResponseData> heartbeat(GroupRequestContext request, HeartbeatRequestData data) {
        return classic.heartbeat(request, data);
    }

    public CompletableFuture<LeaveGroupResponseData> leaveGroup(GroupRequestContext request, LeaveGroupRequestData data) {
        return classic.leaveGroup(request, data);
    }

    public CompletableFuture<ConsumerGroupHeartbeatResponseData> consumerGroupHeartbeat(GroupRequestContext request,
                                                                                        ConsumerGroupHeartbeatRequestData data) {
        return consumer.heartbeat(request, data);
    }

    /** ConsumerGroupDescribe: a classic group is "not found" here, so admin clients fall back to DescribeGroups, as with Kafka. */
    public ConsumerGroupDescribeResponseData.DescribedGroup consumerGroupDescribe(String groupId) {
        return consumer.describe(groupId);
    }

    // ---- offsets

    /**
     * OffsetCommit with topics named (the handler resolves topic ids). A commit from outside any group
     * (generation -1, no member) to an unknown group creates an empty classic group, as Kafka does.
     */
    public CompletableFuture<OffsetCommitResponseData> offsetCommit(GroupRequestContext request, OffsetCommitRequestData data) {
        Group group = groups.get(data.groupId());
        Errors groupError = Errors.NONE;
        try {
            if (group == null) {
                if (data.generationIdOrMemberEpoch() >= 0 || !data.memberId().isEmpty()) {
                    throw request.apiVersion() >= 9 ? new GroupIdNotFoundException("Group " + data.groupId() + " does not exist")
                            : new IllegalGenerationException("Group " + data.groupId() + " does not exist");
                }
                group = classic.getOrCreateEmptyGroup(data.groupId());
            }
            group.validateOffsetCommit(data.memberId(), data.groupInstanceId(), data.generationIdOrMemberEpoch(), request.apiVersion());
        } catch (ApiException e) {
            groupError = Errors.forException(e);
        }
        long now = context.time().milliseconds();
        long expireTimestamp = data.retentionTimeMs() >= 0 ? now + data.retentionTimeMs() : -1L;
        OffsetCommitResponseData response = new OffsetCommitResponseData();
        List<CoordinatorRecord> records = new ArrayList<>();
        List<Consumer<Short>> written = new ArrayList<>();
        for (OffsetCommitRequestTopic topic : data.topics()) {
            OffsetCommitResponseTopic topicResponse = new OffsetCommitResponseTopic().setName(topic.name()).setTopicId(topic.topicId());
            response.topics().add(topicResponse);
            for (OffsetCommitRequestPartition partition : topic.partitions()) {
                OffsetCommitResponsePartition result = new OffsetCommitResponsePartition().setPartitionIndex(partition.partitionIndex());
                topicResponse.partitions().add(result);
                String metadata = partition.committedMetadata() == null ? "" : partition.committedMetadata();
                Errors error = partitionError(groupError, topic.name(), partition.partitionIndex(), metadata);
                if (error != Errors.NONE) {
                    result.setErrorCode(error.code());
                    continue;
                }
                TopicPartition tp = new TopicPartition(topic.name(), partition.partitionIndex());
                records.add(offsets.commit(data.groupId(), tp,
                        new CommittedOffset(partition.committedOffset(), partition.committedLeaderEpoch(), metadata, now, expireTimestamp)));
                pending.supersede(data.groupId(), tp);
                written.add(result::setErrorCode);
            }
        }
        return appendThenAnswer(records, written, response);
    }

    /** Writes a commit's records, then answers; if the write fails, the partitions it would have written get its error. */
    private <T> CompletableFuture<T> appendThenAnswer(List<CoordinatorRecord> records, List<Consumer<Short>> written, T response) {
        return context.append(records).handle((ignored, failure) -> {
            if (failure != null) {
                short code = Errors.forException(failure).code();
                written.forEach(result -> result.accept(code));
            }
            return response;
        });
    }

    /** The error of one partition of a commit: the group's, an unknown topic or partition, or metadata over the limit. */
    private Errors partitionError(Errors groupError, String topic, int partition, String metadata) {
        if (groupError != Errors.NONE) {
            return groupError;
        }
        if (topic == null || partition < 0) {
            return Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        return metadata.length() > config.offsetMetadataMaxBytes() ? Errors.OFFSET_METADATA_TOO_LARGE : Errors.NONE;
    }

    /**
     * TxnOffsetCommit v0–5: stages offsets for the producer's transaction, invisible to OffsetFetch until
     * {@link #completeTransaction} commits it. Validated as Kafka does: a group that does not exist is
     * created empty when the request names no generation (ILLEGAL_GENERATION otherwise); v3+ may name
     * a member, checked by {@link Group#validateTransactionalOffsetCommit}; an epoch older than the one
     * the producer staged offsets with here is INVALID_PRODUCER_EPOCH.
     */
    public CompletableFuture<TxnOffsetCommitResponseData> txnOffsetCommit(GroupRequestContext request, TxnOffsetCommitRequestData data) {
        Errors groupError = Errors.NONE;
        try {
            if (data.groupId() == null || data.groupId().isEmpty()) {
                throw new InvalidGroupIdException("The group id must not be empty");
            }
            Group group = groups.get(data.groupId());
            if (group == null) {
                if (data.generationIdOrMemberEpoch() >= 0) {
                    throw new IllegalGenerationException("Group " + data.groupId() + " does not exist");
                }
                group = classic.getOrCreateEmptyGroup(data.groupId());
            }
            group.validateTransactionalOffsetCommit(data.memberId(), data.groupInstanceId(), data.generationIdOrMemberEpoch());
            short stagedEpoch = pending.producerEpoch(data.producerId());
            if (data.producerEpoch() < stagedEpoch) {
                throw new InvalidProducerEpochException("Producer " + data.producerId() + " staged offsets with epoch " + stagedEpoch
                        + ", newer than " + data.producerEpoch());
            }
        } catch (ApiException e) {
            groupError = Errors.forException(e);
        }
        long now = context.time().milliseconds();
        TxnOffsetCommitResponseData response = new TxnOffsetCommitResponseData();
        List<CoordinatorRecord> records = new ArrayList<>();
        List<Consumer<Short>> written = new ArrayList<>();
        for (TxnOffsetCommitRequestTopic topic : data.topics()) {
            TxnOffsetCommitResponseTopic topicResponse = new TxnOffsetCommitResponseTopic().setName(topic.name());
            response.topics().add(topicResponse);
            for (TxnOffsetCommitRequestPartition partition : topic.partitions()) {
                TxnOffsetCommitResponsePartition result = new TxnOffsetCommitResponsePartition().setPartitionIndex(partition.partitionIndex());
                topicResponse.partitions().add(result);
                String metadata = partition.committedMetadata() == null ? "" : partition.committedMetadata();
                Errors error = partitionError(groupError, topic.name(), partition.partitionIndex(), metadata);
                if (error != Errors.NONE) {
                    result.setErrorCode(error.code());
                    continue;
                }
                CommittedOffset offset = new CommittedOffset(partition.committedOffset(), partition.committedLeaderEpoch(), metadata, now, -1L);
                records.add(pending.stage(data.groupId(), data.producerId(), new TopicPartition(topic.name(), partition.partitionIndex()),
                        new StagedOffset(data.producerEpoch(), offset)));
                written.add(result::setErrorCode);
            }
        }
        return appendThenAnswer(records, written, response);
    }

    /**
     * Ends a producer's transaction in this shard, as Kafka's end-of-transaction marker on a partition
     * of __consumer_offsets does: every offset the producer staged here, in any group and with any
     * epoch up to {@code producerEpoch}, becomes committed (commit) or is dropped (abort), in one write.
     * A producer with nothing staged completes at once; an epoch older than the staged one fails with
     * INVALID_PRODUCER_EPOCH and changes nothing.
     */
    public CompletableFuture<Void> completeTransaction(long producerId, short producerEpoch, boolean commit) {
        short stagedEpoch = pending.producerEpoch(producerId);
        if (producerEpoch < stagedEpoch) {
            return CompletableFuture.failedFuture(new InvalidProducerEpochException("Producer " + producerId + " staged offsets with epoch "
                    + stagedEpoch + ", newer than " + producerEpoch));
        }
        return context.append(pending.complete(producerId, commit, offsets));
    }

    /**
     * OffsetFetch of one group, topics named. Partitions without an offset get -1; a null topic list
     * asks for every committed offset of the group. With {@code requireStable} (v7+) a partition with
     * offsets staged by an open transaction gets UNSTABLE_OFFSET_COMMIT instead, as Kafka answers.
     */
    public OffsetFetchResponseGroup offsetFetch(OffsetFetchRequestGroup request, boolean requireStable) {
        OffsetFetchResponseGroup response = new OffsetFetchResponseGroup().setGroupId(request.groupId());
        Group group = groups.get(request.groupId());
        try {
            if (group == null && request.memberEpoch() >= 0) {
                throw new GroupIdNotFoundException("Group " + request.groupId() + " does not exist");
            }
            if (group != null) {
                group.validateOffsetFetch(request.memberId(), request.memberEpoch());
            }
        } catch (ApiException e) {
            return response.setErrorCode(Errors.forException(e).code());
        }
        if (request.topics() == null) {
            Map<String, OffsetFetchResponseTopics> byTopic = new LinkedHashMap<>();
            offsets.offsets(request.groupId()).forEach((tp, offset) -> byTopic
                    .computeIfAbsent(tp.topic(), name -> new OffsetFetchResponseTopics().setName(name))
                    .partitions().add(fetched(request.groupId(), requireStable, tp, offset)));
            response.topics().addAll(byTopic.values());
            return response;
        }
        for (OffsetFetchRequestTopics topic : request.topics()) {
            OffsetFetchResponseTopics topicResponse = new OffsetFetchResponseTopics().setName(topic.name()).setTopicId(topic.topicId());
            for (int index : topic.partitionIndexes()) {
                if (topic.name() == null || index < 0) {
                    topicResponse.partitions().add(partition(index, null));
                    continue;
                }
                TopicPartition tp = new TopicPartition(topic.name(), index);
                topicResponse.partitions().add(fetched(request.groupId(), requireStable, tp, offsets.offset(request.groupId(), tp)));
            }
            response.topics().add(topicResponse);
        }
        return response;
    }

    private OffsetFetchResponsePartitions fetched(String groupId, boolean requireStable, TopicPartition tp, CommittedOffset offset) {
        if (requireStable && pending.hasPending(groupId, tp)) {
            return partition(tp.partition(), null).setErrorCode(Errors.UNSTABLE_OFFSET_COMMIT.code());
        }
        return partition(tp.partition(), offset);
    }

    private static OffsetFetchResponsePartitions partition(int index, CommittedOffset offset) {
        if (offset == null) {
            return new OffsetFetchResponsePartitions().setPartitionIndex(index).setCommittedOffset(OffsetFetchResponse.INVALID_OFFSET)
                    .setCommittedLeaderEpoch(-1).setMetadata(OffsetFetchResponse.NO_METADATA);
        }
        return new OffsetFetchResponsePartitions().setPartitionIndex(index).setCommittedOffset(offset.offset())
                .setCommittedLeaderEpoch(offset.leaderEpoch()).setMetadata(offset.metadata());
    }

    /**
     * OffsetDelete: only offsets of topics the group does not consume may go while it has members, and
     * a classic group whose members are not consumers (Connect workers, say) must be empty. Offsets
     * staged by open transactions for the partition go too, as in Kafka, so those never commit.
     */
    public CompletableFuture<OffsetDeleteResponseData> offsetDelete(OffsetDeleteRequestData data) {
        Group group = groups.get(data.groupId());
        if (group == null) {
            throw new GroupIdNotFoundException("Group " + data.groupId() + " does not exist");
        }
        if (!group.isEmpty() && group.type() == GroupType.CLASSIC && !ConsumerProtocol.PROTOCOL_TYPE.equals(group.protocolType())) {
            throw new GroupNotEmptyException("Group " + data.groupId() + " has members of protocol type " + group.protocolType());
        }
        OffsetDeleteResponseData response = new OffsetDeleteResponseData();
        List<CoordinatorRecord> records = new ArrayList<>();
        for (OffsetDeleteRequestTopic topic : data.topics()) {
            OffsetDeleteResponseTopic topicResponse = new OffsetDeleteResponseTopic().setName(topic.name());
            boolean subscribed = !group.isEmpty() && group.isSubscribedTo(topic.name());
            for (OffsetDeleteRequestPartition partition : topic.partitions()) {
                OffsetDeleteResponsePartition result = new OffsetDeleteResponsePartition().setPartitionIndex(partition.partitionIndex());
                if (subscribed) {
                    result.setErrorCode(Errors.GROUP_SUBSCRIBED_TO_TOPIC.code());
                } else if (partition.partitionIndex() >= 0) {
                    TopicPartition tp = new TopicPartition(topic.name(), partition.partitionIndex());
                    CoordinatorRecord tombstone = offsets.delete(data.groupId(), tp);
                    if (tombstone != null) {
                        records.add(tombstone);
                    }
                    records.addAll(pending.delete(data.groupId(), tp));
                }
                topicResponse.partitions().add(result);
            }
            response.topics().add(topicResponse);
        }
        return context.append(records).thenApply(ignored -> response);
    }

    // ---- admin

    /** The committed offset of every group of this shard, by group and partition (for the broker's metrics). */
    public Map<String, Map<TopicPartition, Long>> committedOffsets() {
        Map<String, Map<TopicPartition, Long>> all = new HashMap<>();
        for (String groupId : offsets.groupIds()) {
            Map<TopicPartition, Long> group = new HashMap<>();
            offsets.offsets(groupId).forEach((tp, offset) -> group.put(tp, offset.offset()));
            all.put(groupId, group);
        }
        return all;
    }

    /** ListGroups, filtered by state and type names (case-insensitive; empty filters match all). */
    public List<ListedGroup> listGroups(List<String> statesFilter, List<String> typesFilter) {
        Set<String> states = lowerCase(statesFilter);
        Set<String> types = lowerCase(typesFilter);
        List<ListedGroup> listed = new ArrayList<>();
        for (Group group : groups.values()) {
            if (!states.isEmpty() && !states.contains(group.stateName().toLowerCase(Locale.ROOT))) {
                continue;
            }
            if (!types.isEmpty() && !types.contains(group.type().kafkaName())) {
                continue;
            }
            listed.add(new ListedGroup().setGroupId(group.groupId()).setProtocolType(group.protocolType())
                    .setGroupState(group.stateName()).setGroupType(group.type().kafkaName()));
        }
        return listed;
    }

    private static Set<String> lowerCase(List<String> values) {
        return values == null ? Set.of() : values.stream().map(value -> value.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    /** DescribeGroups of one group: a consumer group is described by ConsumerGroupDescribe, so it is "not found" here. */
    public DescribedGroup describeGroup(String groupId) {
        Group group = groups.get(groupId);
        if (group instanceof ClassicGroup classicGroup) {
            return classic.describe(classicGroup);
        }
        DescribedGroup described = new DescribedGroup().setGroupId(groupId).setGroupState("Dead").setProtocolType("").setProtocolData("");
        if (group != null) {
            described.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()).setErrorMessage("Group " + groupId + " is not a classic group");
        }
        return described;
    }

    /** DeleteGroups: an empty group goes with its offsets, the staged ones of open transactions included. */
    public CompletableFuture<List<DeletableGroupResult>> deleteGroups(List<String> groupIds) {
        List<DeletableGroupResult> results = new ArrayList<>();
        List<DeletableGroupResult> deleted = new ArrayList<>();
        List<CoordinatorRecord> records = new ArrayList<>();
        for (String groupId : groupIds) {
            DeletableGroupResult result = new DeletableGroupResult().setGroupId(groupId);
            results.add(result);
            Group group = groups.get(groupId);
            try {
                if (group == null) {
                    throw new GroupIdNotFoundException("Group " + groupId + " does not exist");
                }
                group.validateDelete();
            } catch (ApiException e) {
                result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
                continue;
            }
            records.addAll(offsets.deleteAll(groupId));
            records.addAll(pending.deleteAll(groupId));
            records.addAll(group.deletionRecords());
            groups.remove(groupId);
            group.onRemoved();
            deleted.add(result);
        }
        return context.append(records).handle((ignored, failure) -> {
            if (failure != null) {
                short code = Errors.forException(failure).code();
                deleted.forEach(result -> result.setErrorCode(code));
            }
            return results;
        });
    }

    // ---- retention

    /**
     * Deletes the offsets of empty groups once offsets.retention.minutes have passed since the group
     * emptied (or since the commit, if later), and offsets whose old-style expire time has passed; an
     * empty group left with no offsets goes too. As in Kafka, an offset with offsets staged for its
     * partition stays, and so does a group with staged offsets.
     */
    private void expireOffsets() {
        long now = context.time().milliseconds();
        List<CoordinatorRecord> records = new ArrayList<>();
        Set<String> groupIds = new TreeSet<>(offsets.groupIds());
        groupIds.addAll(groups.keySet());
        for (String groupId : groupIds) {
            Group group = groups.get(groupId);
            boolean empty = group == null || group.isEmpty();
            long emptySince = group == null ? -1L : group.emptySinceMs();
            records.addAll(offsets.expire(groupId, (tp, offset) -> {
                if (pending.hasPending(groupId, tp)) {
                    return false;
                }
                if (offset.expireTimestampMs() >= 0) {
                    return offset.expireTimestampMs() <= now;
                }
                return empty && Math.max(emptySince, offset.commitTimestampMs()) + config.offsetsRetentionMs() <= now;
            }));
            if (group != null && group.isEmpty() && !offsets.hasOffsets(groupId) && !pending.hasPending(groupId)) {
                records.addAll(group.deletionRecords());
                groups.remove(groupId);
                group.onRemoved();
            }
        }
        if (!records.isEmpty()) {
            log.info("Expired {} offsets and groups in partition {} of __consumer_offsets", records.size(), context.partition());
        }
        context.append(records);
        context.schedule(RETENTION_TIMER, config.offsetsRetentionCheckIntervalMs(), this::expireOffsets);
    }
}
