package io.vltava.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AlterClientQuotasRequestData;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DescribeClientQuotasRequestData;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeTransactionsRequestData;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractRequest;

/**
 * A meaningful request for every API the broker serves, at every version kafka-clients 4.4 defines, against topic
 * "versions" (whose id the caller gives): shared by the tests that check every version is answered and by the fuzzer,
 * which uses them as seeds. Some builders create a topic first (through the given callback) so that their request has
 * something to act on.
 *
 * <p>Threading: one test thread.
 */
final class ApiRequests {

    private final Uuid topicId;
    private final Consumer<String> createTopic;
    private final Map<ApiKeys, BiFunction<Short, Integer, ApiMessage>> builders;

    ApiRequests(Uuid topicId, Consumer<String> createTopic) {
        this.topicId = topicId;
        this.createTopic = createTopic;
        this.builders = builders();
    }

    /** The APIs there are requests for. */
    Set<ApiKeys> apis() {
        return builders.keySet();
    }

    /** The request of {@code api} at {@code version}, as a broker would parse it. */
    AbstractRequest request(ApiKeys api, short version) {
        ApiMessage data = builders.get(api).apply(version, (int) version);
        ByteBufferAccessor bytes = MessageUtil.toByteBufferAccessor(data, version);
        return AbstractRequest.parseRequest(api, version, new ByteBufferAccessor(bytes.buffer())).request;
    }

    private ApiMessage addPartitionsToTxn(short version, int n) {
        AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection topics = new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection();
        topics.add(new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic().setName("versions").setPartitions(List.of(0)));
        if (version < 4) {
            return new AddPartitionsToTxnRequestData().setV3AndBelowTransactionalId("txn-v" + version).setV3AndBelowProducerId(1)
                    .setV3AndBelowProducerEpoch((short) 0).setV3AndBelowTopics(topics);
        }
        AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection transactions =
                new AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection();
        transactions.add(new AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction().setTransactionalId("txn-v" + version).setProducerId(1)
                .setProducerEpoch((short) 0).setVerifyOnly(true).setTopics(topics));
        return new AddPartitionsToTxnRequestData().setTransactions(transactions);
    }

    private Map<ApiKeys, BiFunction<Short, Integer, ApiMessage>> builders() {
        return Map.ofEntries(
                Map.entry(ApiKeys.API_VERSIONS, (v, n) -> new ApiVersionsRequestData()
                        .setClientSoftwareName(v >= 3 ? "vltava-test" : "").setClientSoftwareVersion(v >= 3 ? "1.0" : "")),
                Map.entry(ApiKeys.METADATA, this::metadata),
                Map.entry(ApiKeys.PRODUCE, this::produce),
                Map.entry(ApiKeys.FETCH, this::fetch),
                Map.entry(ApiKeys.LIST_OFFSETS, this::listOffsets),
                Map.entry(ApiKeys.OFFSET_FOR_LEADER_EPOCH, (v, n) -> {
                    OffsetForLeaderEpochRequestData data = new OffsetForLeaderEpochRequestData();
                    if (v >= 3) {
                        data.setReplicaId(-1);
                    }
                    OffsetForLeaderEpochRequestData.OffsetForLeaderTopic topic = new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic("versions");
                    topic.partitions().add(new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition().setPartition(0).setLeaderEpoch(0)
                            .setCurrentLeaderEpoch(-1));
                    data.topics().add(topic);
                    return data;
                }),
                Map.entry(ApiKeys.INIT_PRODUCER_ID, (v, n) -> new InitProducerIdRequestData().setTransactionalId(null)
                        .setTransactionTimeoutMs(Integer.MAX_VALUE)),
                Map.entry(ApiKeys.CREATE_TOPICS, (v, n) -> {
                    CreateTopicsRequestData data = new CreateTopicsRequestData().setTimeoutMs(30_000);
                    CreateTopicsRequestData.CreatableTopic topic = new CreateTopicsRequestData.CreatableTopic().setName("created-v" + v)
                            .setNumPartitions(2).setReplicationFactor((short) 1);
                    topic.configs().add(new CreateTopicsRequestData.CreatableTopicConfig().setName("retention.ms").setValue("60000"));
                    data.topics().add(topic);
                    return data;
                }),
                Map.entry(ApiKeys.DELETE_TOPICS, (v, n) -> {
                    String name = "to-delete-v" + v;
                    createTopic.accept(name);
                    DeleteTopicsRequestData data = new DeleteTopicsRequestData().setTimeoutMs(30_000);
                    if (v >= 6) {
                        data.topics().add(new DeleteTopicsRequestData.DeleteTopicState().setName(name));
                    } else {
                        data.topicNames().add(name);
                    }
                    return data;
                }),
                Map.entry(ApiKeys.CREATE_PARTITIONS, (v, n) -> {
                    String name = "grow-v" + v;
                    createTopic.accept(name);
                    CreatePartitionsRequestData data = new CreatePartitionsRequestData().setTimeoutMs(30_000);
                    data.topics().add(new CreatePartitionsRequestData.CreatePartitionsTopic().setName(name).setCount(3).setAssignments(null));
                    return data;
                }),
                Map.entry(ApiKeys.DESCRIBE_CONFIGS, (v, n) -> {
                    DescribeConfigsRequestData data = new DescribeConfigsRequestData().setIncludeSynonyms(true);
                    if (v >= 3) {
                        data.setIncludeDocumentation(true);
                    }
                    data.resources().add(new DescribeConfigsRequestData.DescribeConfigsResource().setResourceType((byte) 2)
                            .setResourceName("versions").setConfigurationKeys(null));
                    data.resources().add(new DescribeConfigsRequestData.DescribeConfigsResource().setResourceType((byte) 4)
                            .setResourceName("1").setConfigurationKeys(null));
                    return data;
                }),
                Map.entry(ApiKeys.ALTER_CONFIGS, (v, n) -> {
                    AlterConfigsRequestData data = new AlterConfigsRequestData();
                    AlterConfigsRequestData.AlterConfigsResource resource = new AlterConfigsRequestData.AlterConfigsResource()
                            .setResourceType((byte) 2).setResourceName("versions");
                    resource.configs().add(new AlterConfigsRequestData.AlterableConfig().setName("retention.ms").setValue("3600000"));
                    data.resources().add(resource);
                    return data;
                }),
                Map.entry(ApiKeys.INCREMENTAL_ALTER_CONFIGS, (v, n) -> {
                    IncrementalAlterConfigsRequestData data = new IncrementalAlterConfigsRequestData();
                    IncrementalAlterConfigsRequestData.AlterConfigsResource resource = new IncrementalAlterConfigsRequestData.AlterConfigsResource()
                            .setResourceType((byte) 2).setResourceName("versions");
                    resource.configs().add(new IncrementalAlterConfigsRequestData.AlterableConfig().setName("segment.bytes")
                            .setValue("2097152").setConfigOperation((byte) 0));
                    data.resources().add(resource);
                    return data;
                }),
                Map.entry(ApiKeys.ALTER_CLIENT_QUOTAS, (v, n) -> {
                    AlterClientQuotasRequestData.EntryData entry = new AlterClientQuotasRequestData.EntryData();
                    entry.entity().add(new AlterClientQuotasRequestData.EntityData().setEntityType("client-id").setEntityName("versions-v" + v));
                    entry.ops().add(new AlterClientQuotasRequestData.OpData().setKey("producer_byte_rate").setValue(1_048_576));
                    return new AlterClientQuotasRequestData().setEntries(List.of(entry));
                }),
                Map.entry(ApiKeys.DESCRIBE_CLIENT_QUOTAS, (v, n) -> new DescribeClientQuotasRequestData().setStrict(v % 2 == 0)
                        .setComponents(List.of(new DescribeClientQuotasRequestData.ComponentData().setEntityType("client-id").setMatchType((byte) 2)))),
                Map.entry(ApiKeys.DELETE_RECORDS, (v, n) -> {
                    DeleteRecordsRequestData data = new DeleteRecordsRequestData().setTimeoutMs(30_000);
                    DeleteRecordsRequestData.DeleteRecordsTopic topic = new DeleteRecordsRequestData.DeleteRecordsTopic().setName("versions");
                    topic.partitions().add(new DeleteRecordsRequestData.DeleteRecordsPartition().setPartitionIndex(0).setOffset(-1));
                    data.topics().add(topic);
                    return data;
                }),
                Map.entry(ApiKeys.DESCRIBE_CLUSTER, (v, n) -> new DescribeClusterRequestData().setIncludeClusterAuthorizedOperations(true)),
                Map.entry(ApiKeys.DESCRIBE_LOG_DIRS, (v, n) -> {
                    if (v % 2 == 0) {
                        return new DescribeLogDirsRequestData().setTopics(null);
                    }
                    DescribeLogDirsRequestData.DescribableLogDirTopicCollection topics = new DescribeLogDirsRequestData.DescribableLogDirTopicCollection();
                    topics.add(new DescribeLogDirsRequestData.DescribableLogDirTopic().setTopic("versions").setPartitions(List.of(0)));
                    return new DescribeLogDirsRequestData().setTopics(topics);
                }),
                Map.entry(ApiKeys.FIND_COORDINATOR, (v, n) -> v >= 4
                        ? new FindCoordinatorRequestData().setKeyType((byte) 0).setCoordinatorKeys(List.of("versions-group", "other-group"))
                        : new FindCoordinatorRequestData().setKeyType((byte) 0).setKey("versions-group")),
                Map.entry(ApiKeys.OFFSET_COMMIT, this::offsetCommit),
                Map.entry(ApiKeys.OFFSET_FETCH, this::offsetFetch),
                Map.entry(ApiKeys.TXN_OFFSET_COMMIT, this::txnOffsetCommit),
                Map.entry(ApiKeys.OFFSET_DELETE, (v, n) -> {
                    OffsetDeleteRequestData data = new OffsetDeleteRequestData().setGroupId("versions-group-v2");
                    OffsetDeleteRequestData.OffsetDeleteRequestTopic topic = new OffsetDeleteRequestData.OffsetDeleteRequestTopic().setName("versions");
                    topic.partitions().add(new OffsetDeleteRequestData.OffsetDeleteRequestPartition().setPartitionIndex(0));
                    data.topics().add(topic);
                    return data;
                }),
                Map.entry(ApiKeys.LIST_GROUPS, (v, n) -> new ListGroupsRequestData()
                        .setStatesFilter(v >= 4 ? List.of("Empty") : List.of()).setTypesFilter(v >= 5 ? List.of("classic") : List.of())),
                Map.entry(ApiKeys.DESCRIBE_GROUPS, (v, n) -> new DescribeGroupsRequestData().setGroups(List.of("versions-group-v3", "unknown-group"))
                        .setIncludeAuthorizedOperations(v >= 3)),
                Map.entry(ApiKeys.DELETE_GROUPS, (v, n) -> new DeleteGroupsRequestData().setGroupsNames(List.of("versions-group-v4", "never-was"))),
                Map.entry(ApiKeys.JOIN_GROUP, this::joinGroup),
                Map.entry(ApiKeys.SYNC_GROUP, (v, n) -> new SyncGroupRequestData().setGroupId("classic-v" + v).setGenerationId(1)
                        .setMemberId("nobody").setProtocolType(v >= 5 ? "consumer" : null).setProtocolName(v >= 5 ? "range" : null)),
                Map.entry(ApiKeys.HEARTBEAT, (v, n) -> new HeartbeatRequestData().setGroupId("classic-v" + v).setGenerationId(1)
                        .setMemberId("nobody")),
                Map.entry(ApiKeys.LEAVE_GROUP, (v, n) -> v >= 3
                        ? new LeaveGroupRequestData().setGroupId("classic-v" + v).setMembers(List.of(
                                new LeaveGroupRequestData.MemberIdentity().setMemberId("nobody")))
                        : new LeaveGroupRequestData().setGroupId("classic-v" + v).setMemberId("nobody")),
                Map.entry(ApiKeys.CONSUMER_GROUP_HEARTBEAT, (v, n) -> new ConsumerGroupHeartbeatRequestData().setGroupId("kip848-v" + v)
                        .setMemberId(v >= 1 ? Uuid.randomUuid().toString() : "").setMemberEpoch(0).setRebalanceTimeoutMs(30_000)
                        .setSubscribedTopicNames(List.of("versions")).setTopicPartitions(List.of())),
                Map.entry(ApiKeys.ADD_PARTITIONS_TO_TXN, this::addPartitionsToTxn),
                Map.entry(ApiKeys.ADD_OFFSETS_TO_TXN, (v, n) -> new AddOffsetsToTxnRequestData().setTransactionalId("txn-v" + v).setProducerId(1)
                        .setProducerEpoch((short) 0).setGroupId("txn-group")),
                Map.entry(ApiKeys.END_TXN, (v, n) -> new EndTxnRequestData().setTransactionalId("txn-v" + v).setProducerId(1)
                        .setProducerEpoch((short) 0).setCommitted(true)),
                Map.entry(ApiKeys.DESCRIBE_TRANSACTIONS, (v, n) -> new DescribeTransactionsRequestData().setTransactionalIds(List.of("txn-v" + v))),
                Map.entry(ApiKeys.LIST_TRANSACTIONS, (v, n) -> {
                    ListTransactionsRequestData data = new ListTransactionsRequestData().setStateFilters(List.of("Ongoing"));
                    if (v >= 1) {
                        data.setDurationFilter(1_000);
                    }
                    if (v >= 2) {
                        data.setTransactionalIdPattern("txn-.*");
                    }
                    return data;
                }),
                Map.entry(ApiKeys.CONSUMER_GROUP_DESCRIBE, (v, n) -> new ConsumerGroupDescribeRequestData()
                        .setGroupIds(List.of("kip848-v0", "classic-v1"))));
    }

    /** A first join of a new member; versions 4+ are asked to come back with the member id they are given (KIP-394). */
    private ApiMessage joinGroup(short version, int unused) {
        JoinGroupRequestData data = new JoinGroupRequestData().setGroupId("classic-v" + version).setMemberId("").setSessionTimeoutMs(10_000)
                .setRebalanceTimeoutMs(version >= 1 ? 10_000 : -1).setProtocolType("consumer");
        data.protocols().add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range").setMetadata(new byte[0]));
        return data;
    }

    /** A commit from outside any group, of group "versions-group-vN", to partition 0 of "versions". */
    private ApiMessage offsetCommit(short version, int unused) {
        OffsetCommitRequestData data = new OffsetCommitRequestData().setGroupId("versions-group-v" + version)
                .setGenerationIdOrMemberEpoch(-1).setMemberId("");
        OffsetCommitRequestData.OffsetCommitRequestTopic topic = version >= 10
                ? new OffsetCommitRequestData.OffsetCommitRequestTopic().setTopicId(topicId)
                : new OffsetCommitRequestData.OffsetCommitRequestTopic().setName("versions");
        topic.partitions().add(new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(1)
                .setCommittedMetadata("m"));
        data.topics().add(topic);
        return data;
    }

    /** Offsets staged by a producer outside any group membership, for group "txn-group-vN" (the transaction is never completed). */
    private ApiMessage txnOffsetCommit(short version, int unused) {
        TxnOffsetCommitRequestData data = new TxnOffsetCommitRequestData().setTransactionalId("txn-v" + version)
                .setGroupId("txn-group-v" + version).setProducerId(1000 + version).setProducerEpoch((short) 0);
        TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic topic = new TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic()
                .setName("versions");
        topic.partitions().add(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition().setPartitionIndex(0)
                .setCommittedOffset(1).setCommittedMetadata("m"));
        data.topics().add(topic);
        return data;
    }

    private ApiMessage offsetFetch(short version, int unused) {
        if (version < 8) {
            return new OffsetFetchRequestData().setGroupId("versions-group-v" + version).setTopics(List.of(
                    new OffsetFetchRequestData.OffsetFetchRequestTopic().setName("versions").setPartitionIndexes(List.of(0))));
        }
        OffsetFetchRequestData.OffsetFetchRequestTopics topic = version >= 10
                ? new OffsetFetchRequestData.OffsetFetchRequestTopics().setTopicId(topicId).setPartitionIndexes(List.of(0))
                : new OffsetFetchRequestData.OffsetFetchRequestTopics().setName("versions").setPartitionIndexes(List.of(0));
        return new OffsetFetchRequestData().setGroups(List.of(
                new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId("versions-group-v" + version).setTopics(List.of(topic)),
                new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId("versions-group-all").setTopics(null)));
    }

    private ApiMessage metadata(short version, int unused) {
        MetadataRequestData data = new MetadataRequestData();
        MetadataRequestData.MetadataRequestTopic topic = new MetadataRequestData.MetadataRequestTopic().setName("versions");
        data.setTopics(new ArrayList<>(List.of(topic)));
        if (version >= 4) {
            data.setAllowAutoTopicCreation(true);
        }
        if (version >= 8 && version <= 10) {
            data.setIncludeClusterAuthorizedOperations(true);
        }
        if (version >= 8) {
            data.setIncludeTopicAuthorizedOperations(true);
        }
        return data;
    }

    private ApiMessage produce(short version, int unused) {
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData();
        if (version >= 13) {
            topic.setTopicId(topicId);
        } else {
            topic.setName("versions");
        }
        Compression compression = version >= 7 ? Compression.zstd().build() : Compression.lz4().build();
        topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0)
                .setRecords(MemoryRecords.withRecords(compression, new SimpleRecord(("v" + version).getBytes()))));
        data.topicData().add(topic);
        return data;
    }

    private ApiMessage fetch(short version, int unused) {
        FetchRequestData data = new FetchRequestData().setMaxWaitMs(10).setMinBytes(1).setMaxBytes(1_000_000);
        if (version <= 14) {
            data.setReplicaId(-1);
        }
        if (version >= 7) {
            data.setSessionId(0).setSessionEpoch(0);
        }
        FetchRequestData.FetchTopic topic = new FetchRequestData.FetchTopic();
        if (version >= 13) {
            topic.setTopicId(topicId);
        } else {
            topic.setTopic("versions");
        }
        FetchRequestData.FetchPartition partition = new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0)
                .setPartitionMaxBytes(1_000_000);
        if (version >= 5) {
            partition.setLogStartOffset(-1);
        }
        topic.partitions().add(partition);
        data.topics().add(topic);
        return data;
    }

    private ApiMessage listOffsets(short version, int unused) {
        ListOffsetsRequestData data = new ListOffsetsRequestData().setReplicaId(-1);
        ListOffsetsRequestData.ListOffsetsTopic topic = new ListOffsetsRequestData.ListOffsetsTopic().setName("versions");
        topic.partitions().add(new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0)
                .setTimestamp(version % 2 == 0 ? -2 : -1));
        data.topics().add(topic);
        return data;
    }
}
