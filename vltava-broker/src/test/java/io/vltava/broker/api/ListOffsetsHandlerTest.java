package io.vltava.broker.api;

import static org.apache.kafka.common.requests.ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP;
import static org.apache.kafka.common.requests.ListOffsetsRequest.EARLIEST_PENDING_UPLOAD_TIMESTAMP;
import static org.apache.kafka.common.requests.ListOffsetsRequest.EARLIEST_TIMESTAMP;
import static org.apache.kafka.common.requests.ListOffsetsRequest.LATEST_TIERED_TIMESTAMP;
import static org.apache.kafka.common.requests.ListOffsetsRequest.LATEST_TIMESTAMP;
import static org.apache.kafka.common.requests.ListOffsetsRequest.MAX_TIMESTAMP;
import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.broker.LocalBroker;
import io.vltava.broker.partition.Partition;
import io.vltava.metadata.record.PartitionRecord;
import io.vltava.metadata.record.TopicRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsTopic;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ListOffsets on "clock": offsets 0-2 at epoch 0 stamped T, T+10, T+20 (one batch each), then at epoch 2
 * one batch of offsets 3-4 stamped T+30 and T+25.
 */
class ListOffsetsHandlerTest {

    private static final long T = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private LocalBroker broker;
    private ListOffsetsHandler handler;
    private ScheduledThreadPoolExecutor eventLoop;

    @BeforeEach
    void setUp() {
        broker = LocalBroker.open(dir);
        broker.registerLocalBroker();
        UUID id = broker.createTopic("clock", 1);
        Partition partition = broker.partition("clock", 0);
        for (long ts : new long[] {T, T + 10, T + 20}) {
            partition.appendRecordsToLeader(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(ts, null, "v".getBytes())).buffer(),
                    (short) 1);
        }
        broker.apply(new PartitionRecord(id, 0, List.of(1), List.of(1), 1, 2, 1));
        partition.appendRecordsToLeader(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(T + 30, null, "a".getBytes()),
                new SimpleRecord(T + 25, null, "b".getBytes())).buffer(), (short) 1);
        handler = new ListOffsetsHandler(broker.replicaManager(), broker::image);
        eventLoop = new ScheduledThreadPoolExecutor(1);
    }

    @AfterEach
    void tearDown() {
        eventLoop.shutdownNow();
        broker.close();
    }

    private static ListOffsetsPartition at(int partition, long timestamp) {
        return new ListOffsetsPartition().setPartitionIndex(partition).setTimestamp(timestamp).setCurrentLeaderEpoch(-1);
    }

    private ListOffsetsResponseData list(int version, int replicaId, String topic, ListOffsetsPartition... partitions) {
        ListOffsetsRequestData data = new ListOffsetsRequestData().setReplicaId(replicaId).setIsolationLevel((byte) 0)
                .setTopics(List.of(new ListOffsetsTopic().setName(topic).setPartitions(List.of(partitions))));
        return list(version, data);
    }

    /** Sends the request as a client would: serialized at {@code version}, parsed by kafka-clients. */
    private ListOffsetsResponseData list(int version, ListOffsetsRequestData data) {
        short v = (short) version;
        ListOffsetsRequest request = ListOffsetsRequest.parse(MessageUtil.toByteBufferAccessor(data, v), v);
        ListOffsetsResponseData response = Requests.done(handler.handle(Requests.context(ApiKeys.LIST_OFFSETS, v, "consumer", eventLoop), request));
        assertThat(MessageUtil.toByteBufferAccessor(response, v).buffer().remaining()).as("the response fits its version").isPositive();
        return response;
    }

    private ListOffsetsPartitionResponse one(int version, long timestamp) {
        return one(list(version, ListOffsetsRequest.CONSUMER_REPLICA_ID, "clock", at(0, timestamp)));
    }

    private static ListOffsetsPartitionResponse one(ListOffsetsResponseData response) {
        assertThat(response.topics()).hasSize(1);
        assertThat(response.topics().get(0).partitions()).hasSize(1);
        return response.topics().get(0).partitions().get(0);
    }

    private static void assertFound(ListOffsetsPartitionResponse result, long offset, long timestamp, int leaderEpoch) {
        assertThat(Errors.forCode(result.errorCode())).isEqualTo(Errors.NONE);
        assertThat(result.offset()).as("offset").isEqualTo(offset);
        assertThat(result.timestamp()).as("timestamp").isEqualTo(timestamp);
        assertThat(result.leaderEpoch()).as("leader epoch").isEqualTo(leaderEpoch);
    }

    private static void assertFailed(ListOffsetsPartitionResponse result, Errors error) {
        assertThat(Errors.forCode(result.errorCode())).isEqualTo(error);
        assertThat(result.offset()).isEqualTo(-1);
        assertThat(result.timestamp()).isEqualTo(-1);
        assertThat(result.leaderEpoch()).isEqualTo(-1);
    }

    @Test
    void latestIsTheHighWatermarkWithTheCurrentLeaderEpoch() {
        assertFound(one(11, LATEST_TIMESTAMP), 5, -1, 2);
        assertFound(one(4, LATEST_TIMESTAMP), 5, -1, 2);
    }

    @Test
    void earliestIsTheLogStartWithItsEpoch() {
        assertFound(one(11, EARLIEST_TIMESTAMP), 0, -1, 0);
        assertFound(one(8, EARLIEST_LOCAL_TIMESTAMP), 0, -1, 0);
    }

    @Test
    void theLeaderEpochIsLeftOutBeforeVersion4() {
        assertFound(one(3, LATEST_TIMESTAMP), 5, -1, -1);
        assertFound(one(1, EARLIEST_TIMESTAMP), 0, -1, -1);
        assertFound(one(3, T + 5), 1, T + 10, -1);
    }

    @Test
    void findsTheFirstRecordAtOrAfterATimestamp() {
        assertFound(one(11, T), 0, T, 0);
        assertFound(one(11, T + 5), 1, T + 10, 0);
        assertFound(one(11, T + 20), 2, T + 20, 0);
        assertFound(one(11, T + 21), 3, T + 30, 2);
        assertFound(one(11, T + 26), 3, T + 30, 2);
    }

    @Test
    void findsTheRecordInsideABatchWhenItIsNotTheFirst() {
        Partition partition = broker.partition("clock", 0);
        partition.appendRecordsToLeader(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(T + 40, null, "x".getBytes()),
                new SimpleRecord(T + 50, null, "y".getBytes())).buffer(), (short) 1);
        long firstOffset = partition.log().logEndOffset() - 2;
        assertFound(one(11, T + 45), firstOffset + 1, T + 50, 2);
    }

    @Test
    void aTimestampPastEveryRecordFindsNothing() {
        assertFound(one(11, T + 1_000), -1, -1, -1);
    }

    @Test
    void maxTimestampFindsTheRecordWithTheLargestTimestamp() {
        assertFound(one(7, MAX_TIMESTAMP), 3, T + 30, 2);
    }

    @Test
    void specialTimestampsNeedTheirVersion() {
        assertFailed(one(6, MAX_TIMESTAMP), Errors.UNSUPPORTED_VERSION);
        assertFailed(one(7, EARLIEST_LOCAL_TIMESTAMP), Errors.UNSUPPORTED_VERSION);
        assertFailed(one(8, LATEST_TIERED_TIMESTAMP), Errors.UNSUPPORTED_VERSION);
        assertFailed(one(10, EARLIEST_PENDING_UPLOAD_TIMESTAMP), Errors.UNSUPPORTED_VERSION);
        assertFailed(one(11, -7), Errors.UNSUPPORTED_VERSION);
    }

    @Test
    void tieredStorageTimestampsFindNothingWithoutTieredStorage() {
        assertFound(one(9, LATEST_TIERED_TIMESTAMP), -1, -1, -1);
        assertFound(one(11, EARLIEST_PENDING_UPLOAD_TIMESTAMP), -1, -1, -1);
    }

    @Test
    void aPartitionAskedForTwiceIsAnInvalidRequest() {
        ListOffsetsResponseData response = list(11, ListOffsetsRequest.CONSUMER_REPLICA_ID, "clock", at(0, LATEST_TIMESTAMP),
                at(0, EARLIEST_TIMESTAMP));
        assertThat(response.topics().get(0).partitions()).isNotEmpty()
                .allSatisfy(result -> assertFailed(result, Errors.INVALID_REQUEST));
    }

    @Test
    void aDuplicateDoesNotSpoilTheOtherPartitions() {
        UUID id = UUID.randomUUID();
        broker.apply(new TopicRecord("pair", id), new PartitionRecord(id, 0, List.of(1), List.of(1), 1, 0, 0),
                new PartitionRecord(id, 1, List.of(1), List.of(1), 1, 0, 0));
        broker.append("pair", 1, 3);

        ListOffsetsResponseData response = list(11, ListOffsetsRequest.CONSUMER_REPLICA_ID, "pair", at(0, LATEST_TIMESTAMP),
                at(1, LATEST_TIMESTAMP), at(0, LATEST_TIMESTAMP));

        for (ListOffsetsPartitionResponse result : response.topics().get(0).partitions()) {
            if (result.partitionIndex() == 0) {
                assertFailed(result, Errors.INVALID_REQUEST);
            } else {
                assertFound(result, 3, -1, 0);
            }
        }
    }

    @Test
    void unknownAndUnhostedPartitionsFail() {
        UUID id = UUID.randomUUID();
        broker.apply(new TopicRecord("remote", id), new PartitionRecord(id, 0, List.of(2), List.of(2), 2, 0, 0));

        assertFailed(one(list(11, -1, "missing", at(0, LATEST_TIMESTAMP))), Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertFailed(one(list(11, -1, "clock", at(4, LATEST_TIMESTAMP))), Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertFailed(one(list(11, -1, "remote", at(0, LATEST_TIMESTAMP))), Errors.NOT_LEADER_OR_FOLLOWER);
    }

    @Test
    void aNegativePartitionIsUnknownAndDoesNotSpoilTheOthers() {
        ListOffsetsResponseData response = list(11, ListOffsetsRequest.CONSUMER_REPLICA_ID, "clock", at(-1, LATEST_TIMESTAMP),
                at(0, LATEST_TIMESTAMP));

        List<ListOffsetsPartitionResponse> results = response.topics().get(0).partitions();
        assertThat(results).extracting(ListOffsetsPartitionResponse::partitionIndex).containsExactly(-1, 0);
        assertFailed(results.get(0), Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertFound(results.get(1), 5, -1, 2);
    }

    @Test
    void aLogThatCannotBeReadFailsOnlyItsPartition() {
        UUID id = UUID.randomUUID();
        broker.apply(new TopicRecord("pair", id), new PartitionRecord(id, 0, List.of(1), List.of(1), 1, 0, 0),
                new PartitionRecord(id, 1, List.of(1), List.of(1), 1, 0, 0));
        broker.append("pair", 0, 3);
        broker.append("pair", 1, 3);
        // Closed under the request, as when the topic is deleted meanwhile: reading it throws UncheckedIOException.
        broker.partition("pair", 1).log().closeWithoutFlush();

        ListOffsetsResponseData response = list(11, ListOffsetsRequest.CONSUMER_REPLICA_ID, "pair", at(0, MAX_TIMESTAMP), at(1, MAX_TIMESTAMP));

        List<ListOffsetsPartitionResponse> results = response.topics().get(0).partitions();
        assertFound(results.get(0), 0, broker.time().milliseconds(), 0);
        assertFailed(results.get(1), Errors.KAFKA_STORAGE_ERROR);
    }

    @Test
    void theClientsLeaderEpochIsChecked() {
        assertFailed(one(list(11, -1, "clock", at(0, LATEST_TIMESTAMP).setCurrentLeaderEpoch(1))), Errors.FENCED_LEADER_EPOCH);
        assertFailed(one(list(11, -1, "clock", at(0, LATEST_TIMESTAMP).setCurrentLeaderEpoch(3))), Errors.UNKNOWN_LEADER_EPOCH);
        assertFound(one(list(11, -1, "clock", at(0, LATEST_TIMESTAMP).setCurrentLeaderEpoch(2))), 5, -1, 2);
    }

    @Test
    void consumersSeeNothingAtOrAboveTheHighWatermark() {
        UUID id = UUID.randomUUID();
        broker.apply(new TopicRecord("pending", id), new PartitionRecord(id, 0, List.of(1, 2), List.of(1, 2), 1, 0, 0));
        broker.partition("pending", 0).appendRecordsToLeader(
                MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(T, null, "v".getBytes())).buffer(), (short) 1);

        assertFound(one(list(11, -1, "pending", at(0, LATEST_TIMESTAMP))), 0, -1, 0);
        assertFound(one(list(11, -1, "pending", at(0, MAX_TIMESTAMP))), -1, -1, -1);
        assertFound(one(list(11, -1, "pending", at(0, T))), -1, -1, -1);
        assertFound(one(list(11, 2, "pending", at(0, LATEST_TIMESTAMP))), 1, -1, 0);
    }
}
