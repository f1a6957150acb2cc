package io.vltava.broker.api;

import io.vltava.broker.partition.Partition;
import io.vltava.broker.partition.ReplicaManager;
import io.vltava.common.topic.TopicPartition;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.network.RequestContext;
import io.vltava.protocol.records.TimestampLookup;
import io.vltava.storage.log.LogSlice;
import io.vltava.storage.log.PartitionLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsTopic;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsTopicResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ListOffsetsRequest;

/**
 * ListOffsets: the earliest and latest offsets of partitions, the offset of the record with the
 * largest timestamp, and the first offset at or after a timestamp (the log finds the batch by its
 * header, then the record is found inside it). Consumers never see offsets at or above the high
 * watermark.
 *
 * <p>Threading: runs on the requesting event loop; reads are positional.
 */
public final class ListOffsetsHandler implements ApiHandler<ListOffsetsRequest> {

    /** The oldest ListOffsets version that may ask for each special timestamp. */
    private static final Map<Long, Short> MIN_VERSIONS = Map.of(
            ListOffsetsRequest.LATEST_TIMESTAMP, (short) 1,
            ListOffsetsRequest.EARLIEST_TIMESTAMP, (short) 1,
            ListOffsetsRequest.MAX_TIMESTAMP, (short) 7,
            ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP, (short) 8,
            ListOffsetsRequest.LATEST_TIERED_TIMESTAMP, (short) 9,
            ListOffsetsRequest.EARLIEST_PENDING_UPLOAD_TIMESTAMP, (short) 11);

    /** The first version whose response carries the leader epoch. */
    private static final short LEADER_EPOCH_VERSION = 4;

    private final ReplicaManager replicaManager;
    private final Supplier<MetadataImage> image;

    public ListOffsetsHandler(ReplicaManager replicaManager, Supplier<MetadataImage> image) {
        this.replicaManager = replicaManager;
        this.image = image;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LIST_OFFSETS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ListOffsetsRequest request) {
        Set<org.apache.kafka.common.TopicPartition> duplicates = request.duplicatePartitions();
        MetadataImage current = image.get();
        ListOffsetsResponseData response = new ListOffsetsResponseData();
        for (ListOffsetsTopic topic : request.topics()) {
            ListOffsetsTopicResponse topicResponse = new ListOffsetsTopicResponse().setName(topic.name());
            for (ListOffsetsPartition partition : topic.partitions()) {
                ListOffsetsPartitionResponse result = new ListOffsetsPartitionResponse().setPartitionIndex(partition.partitionIndex())
                        .setTimestamp(-1).setOffset(-1).setLeaderEpoch(-1);
                if (duplicates.contains(new org.apache.kafka.common.TopicPartition(topic.name(), partition.partitionIndex()))) {
                    result.setErrorCode(Errors.INVALID_REQUEST.code());
                } else {
                    try {
                        lookup(request, current, topic.name(), partition, result);
                    } catch (RuntimeException e) {
                        // Unexpected (an I/O error, a bug): this partition fails, the others keep their answers.
                        result.setTimestamp(-1).setOffset(-1).setLeaderEpoch(-1)
                                .setErrorCode(PartitionFailures.toKafka("ListOffsets", topic.name(), partition.partitionIndex(), e).code());
                    }
                }
                if (request.version() < LEADER_EPOCH_VERSION) {
                    result.setLeaderEpoch(-1);
                }
                topicResponse.partitions().add(result);
            }
            response.topics().add(topicResponse);
        }
        return CompletableFuture.completedFuture(response);
    }

    private void lookup(ListOffsetsRequest request, MetadataImage current, String topic, ListOffsetsPartition asked,
                        ListOffsetsPartitionResponse result) {
        long timestamp = asked.timestamp();
        if (timestamp < 0 && (!MIN_VERSIONS.containsKey(timestamp) || request.version() < MIN_VERSIONS.get(timestamp))) {
            result.setErrorCode(Errors.UNSUPPORTED_VERSION.code());
            return;
        }
        // As Produce and Fetch: a partition the metadata does not have (a negative index included) is unknown.
        if (!current.topics().hasPartition(topic, asked.partitionIndex())) {
            result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
            return;
        }
        Partition partition = replicaManager.partition(new TopicPartition(topic, asked.partitionIndex()));
        if (partition == null) {
            result.setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code());
            return;
        }
        try {
            partition.checkLeader(asked.currentLeaderEpoch());
        } catch (ApiException e) {
            result.setErrorCode(Errors.forException(e).code());
            return;
        }
        PartitionLog log = partition.log();
        boolean consumer = request.replicaId() == ListOffsetsRequest.CONSUMER_REPLICA_ID;
        // A read_committed client can only read below the last stable offset, so offsets stop there for it, as in Kafka.
        boolean readCommitted = request.data().isolationLevel() == IsolationLevel.READ_COMMITTED.id();
        long highWatermark = readCommitted ? log.lastStableOffset() : log.highWatermark();
        if (timestamp == ListOffsetsRequest.LATEST_TIMESTAMP) {
            result.setOffset(request.replicaId() >= 0 ? log.logEndOffset() : highWatermark).setLeaderEpoch(partition.leaderEpoch());
        } else if (timestamp == ListOffsetsRequest.EARLIEST_TIMESTAMP || timestamp == ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP) {
            result.setOffset(log.logStartOffset()).setLeaderEpoch(log.logStartEpoch());
        } else if (timestamp == ListOffsetsRequest.MAX_TIMESTAMP) {
            found(result, find(log.batchWithMaxTimestamp(), -1, 0), consumer, highWatermark);
        } else if (timestamp >= 0) {
            found(result, find(log.firstBatchWithTimestampAtLeast(timestamp), timestamp, log.logStartOffset()), consumer, highWatermark);
        }
    }

    private static void found(ListOffsetsPartitionResponse result, TimestampLookup.Found found, boolean consumer, long highWatermark) {
        if (found == null || consumer && found.offset() >= highWatermark) {
            return;
        }
        result.setOffset(found.offset()).setTimestamp(found.timestamp()).setLeaderEpoch(Math.max(-1, found.leaderEpoch()));
    }

    /**
     * The record in {@code batch} at or after {@code timestamp} and at or above {@code minOffset}, or with
     * the largest timestamp when {@code timestamp} is -1.
     */
    private static TimestampLookup.Found find(LogSlice batch, long timestamp, long minOffset) {
        if (batch == null) {
            return null;
        }
        try {
            return timestamp < 0 ? TimestampLookup.maxTimestamp(batch.readFully()) : TimestampLookup.firstAtOrAfter(batch.readFully(), timestamp, minOffset);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read a batch of the log", e);
        }
    }
}
