package io.vltava.broker.api;

import io.vltava.broker.partition.Partition;
import io.vltava.broker.partition.ReplicaManager;
import io.vltava.common.topic.TopicPartition;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.network.RequestContext;
import io.vltava.storage.epoch.LeaderEpochCache;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;

/**
 * OffsetForLeaderEpoch: where the log of a leader epoch ended, from the partition's leader epoch
 * cache. Consumers use it to detect a log truncated under them (KIP-320).
 *
 * <p>Threading: stateless; runs on the requesting event loop.
 */
public final class OffsetForLeaderEpochHandler implements ApiHandler<OffsetsForLeaderEpochRequest> {

    private final ReplicaManager replicaManager;
    private final Supplier<MetadataImage> image;

    public OffsetForLeaderEpochHandler(ReplicaManager replicaManager, Supplier<MetadataImage> image) {
        this.replicaManager = replicaManager;
        this.image = image;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_FOR_LEADER_EPOCH;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, OffsetsForLeaderEpochRequest request) {
        MetadataImage current = image.get();
        OffsetForLeaderEpochResponseData response = new OffsetForLeaderEpochResponseData();
        for (OffsetForLeaderTopic topic : request.data().topics()) {
            OffsetForLeaderTopicResult topicResult = new OffsetForLeaderTopicResult().setTopic(topic.topic());
            for (OffsetForLeaderPartition asked : topic.partitions()) {
                EpochEndOffset result = new EpochEndOffset().setPartition(asked.partition())
                        .setLeaderEpoch(LeaderEpochCache.UNDEFINED_EPOCH).setEndOffset(LeaderEpochCache.UNDEFINED_EPOCH_OFFSET);
                try {
                    result.setErrorCode(endOffset(current, topic.topic(), asked, result).code());
                } catch (RuntimeException e) {
                    // Unexpected (an I/O error, a bug): this partition fails, the others keep their answers.
                    result.setLeaderEpoch(LeaderEpochCache.UNDEFINED_EPOCH).setEndOffset(LeaderEpochCache.UNDEFINED_EPOCH_OFFSET)
                            .setErrorCode(PartitionFailures.toKafka("OffsetForLeaderEpoch", topic.topic(), asked.partition(), e).code());
                }
                topicResult.partitions().add(result);
            }
            response.topics().add(topicResult);
        }
        return CompletableFuture.completedFuture(response);
    }

    /** Fills in where the asked epoch ended, and returns the partition's error. */
    private Errors endOffset(MetadataImage current, String topic, OffsetForLeaderPartition asked, EpochEndOffset result) {
        // As Produce and Fetch: a partition the metadata does not have (a negative index included) is unknown.
        if (!current.topics().hasPartition(topic, asked.partition())) {
            return Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        Partition partition = replicaManager.partition(new TopicPartition(topic, asked.partition()));
        if (partition == null) {
            return Errors.NOT_LEADER_OR_FOLLOWER;
        }
        try {
            partition.checkLeader(asked.currentLeaderEpoch());
        } catch (ApiException e) {
            return Errors.forException(e);
        }
        LeaderEpochCache.EpochEndOffset end = partition.log().endOffsetForEpoch(asked.leaderEpoch());
        result.setLeaderEpoch(end.epoch()).setEndOffset(end.endOffset());
        return Errors.NONE;
    }
}
