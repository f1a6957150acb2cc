package io.vltava.coordinator.group;

import io.vltava.common.topic.TopicPartition;
import io.vltava.coordinator.group.classic.ClassicGroup;
import io.vltava.coordinator.group.classic.ClassicGroupManager;
import io.vltava.coordinator.group.consumer.ConsumerGroupManager;
import io.vltava.coordinator.group.offset.CommittedOffset;
import io.vltava.coordinator.group.offset.OffsetCommitRecords;
import io.vltava.coordinator.group.offset.OffsetManager;
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
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.IllegalGenerationException;
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
            case OFFSET_COMMIT -> offsets.replay(OffsetCommitRecords.readKey(key),
                    record.isTombstone() ? null : OffsetCommitRecords.readValue(record.value()));
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
        for (String groupId : offsets.groupIds()) {
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
        List<OffsetCommitResponsePartition> written = new ArrayList<>();
        for (OffsetCommitRequestTopic topic : data.topics()) {
            OffsetCommitResponseTopic topicResponse = new OffsetCommitResponseTopic().setName(topic.name()).setTopicId(topic.topicId());
            response.topics().add(topicResponse);
            for (OffsetCommitRequestPartition partition : topic.partitions()) {
                OffsetCommitResponsePartition result = new OffsetCommitResponsePartition().setPartitionIndex(partition.partitionIndex());
                topicResponse.partitions().add(result);
                Errors error = groupError;
                if (error == Errors.NONE && (topic.name() == null || partition.partitionIndex() < 0)) {
                    error = Errors.UNKNOWN_TOPIC_OR_PARTITION;
                }
                String metadata = partition.committedMetadata() == null ? "" : partition.committedMetadata();
                if (error == Errors.NONE && metadata.length() > config.offsetMetadataMaxBytes()) {
                    error = Errors.OFFSET_METADATA_TOO_LARGE;
                }
                if (error != Errors.NONE) {
                    result.setErrorCode(error.code());
                    continue;
                }
                records.add(offsets.commit(data.groupId(), new TopicPartition(topic.name(), partition.partitionIndex()),
                        new CommittedOffset(partition.committedOffset(), partition.committedLeaderEpoch(), metadata, now, expireTimestamp)));
                written.add(result);
            }
        }
        return context.append(records).handle((ignored, failure) -> {
            if (failure != null) {
                short code = Errors.forException(failure).code();
                written.forEach(result -> result.setErrorCode(code));
            }
            return response;
        });
    }

    /**
     * OffsetFetch of one group, topics named; {@code requireStable} matters once transactions exist.
     * Partitions without an offset get -1; a null topic list asks for every offset of the group.
     */
    public OffsetFetchResponseGroup offsetFetch(OffsetFetchRequestGroup request) {
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
                    .partitions().add(partition(tp.partition(), offset)));
            response.topics().addAll(byTopic.values());
            return response;
        }
        for (OffsetFetchRequestTopics topic : request.topics()) {
            OffsetFetchResponseTopics topicResponse = new OffsetFetchResponseTopics().setName(topic.name()).setTopicId(topic.topicId());
            for (int index : topic.partitionIndexes()) {
                CommittedOffset offset = topic.name() == null || index < 0 ? null
                        : offsets.offset(request.groupId(), new TopicPartition(topic.name(), index));
                topicResponse.partitions().add(partition(index, offset));
            }
            response.topics().add(topicResponse);
        }
        return response;
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
     * a classic group whose members are not consumers (Connect workers, say) must be empty.
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
                    CoordinatorRecord tombstone = offsets.delete(data.groupId(), new TopicPartition(topic.name(), partition.partitionIndex()));
                    if (tombstone != null) {
                        records.add(tombstone);
                    }
                }
                topicResponse.partitions().add(result);
            }
            response.topics().add(topicResponse);
        }
        return context.append(records).thenApply(ignored -> response);
    }

    // ---- admin

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

    /** DeleteGroups: an empty group goes with its offsets. */
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
     * empty group left with no offsets goes too.
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
            records.addAll(offsets.expire(groupId, offset -> {
                if (offset.expireTimestampMs() >= 0) {
                    return offset.expireTimestampMs() <= now;
                }
                return empty && Math.max(emptySince, offset.commitTimestampMs()) + config.offsetsRetentionMs() <= now;
            }));
            if (group != null && group.isEmpty() && !offsets.hasOffsets(groupId)) {
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
