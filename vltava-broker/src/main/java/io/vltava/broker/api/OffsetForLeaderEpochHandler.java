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
                Partition partition = replicaManager.partition(new TopicPartition(topic.topic(), asked.partition()));
                if (partition == null) {
                    boolean known = current.topics().hasPartition(topic.topic(), asked.partition());
                    result.setErrorCode((known ? Errors.NOT_LEADER_OR_FOLLOWER : Errors.UNKNOWN_TOPIC_OR_PARTITION).code());
                } else {
                    try {
                        partition.checkLeader(asked.currentLeaderEpoch());
                        LeaderEpochCache.EpochEndOffset end = partition.log().endOffsetForEpoch(asked.leaderEpoch());
                        result.setLeaderEpoch(end.epoch()).setEndOffset(end.endOffset());
                    } catch (ApiException e) {
                        result.setErrorCode(Errors.forException(e).code());
                    }
                }
                topicResult.partitions().add(result);
            }
            response.topics().add(topicResult);
        }
        return CompletableFuture.completedFuture(response);
    }
}
