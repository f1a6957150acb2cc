package io.vltava.broker.api;

import io.vltava.broker.partition.Partition;
import io.vltava.broker.partition.ReplicaManager;
import io.vltava.common.topic.TopicPartition;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.network.RequestContext;
import io.vltava.storage.LogManager;
import io.vltava.storage.log.LogAppendException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsTopic;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteRecordsRequest;
import org.apache.kafka.common.requests.DeleteRecordsResponse;

/**
 * DeleteRecords: moves the log start offset (the low watermark) of partitions up to the offsets asked
 * for, -1 meaning the high watermark. Records below it are no longer served and their segments are
 * deleted by the next retention check. The answer waits until the new log start offsets are
 * checkpointed, so a crash cannot bring deleted records back.
 *
 * <p>Threading: runs on the requesting event loop; completes on the log scheduler thread.
 */
public final class DeleteRecordsHandler implements ApiHandler<DeleteRecordsRequest> {

    private final ReplicaManager replicaManager;
    private final LogManager logManager;
    private final Supplier<MetadataImage> image;

    public DeleteRecordsHandler(ReplicaManager replicaManager, LogManager logManager, Supplier<MetadataImage> image) {
        this.replicaManager = replicaManager;
        this.logManager = logManager;
        this.image = image;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_RECORDS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, DeleteRecordsRequest request) {
        MetadataImage current = image.get();
        DeleteRecordsResponseData response = new DeleteRecordsResponseData();
        boolean moved = false;
        for (DeleteRecordsTopic topic : request.data().topics()) {
            DeleteRecordsTopicResult topicResult = new DeleteRecordsTopicResult().setName(topic.name());
            for (DeleteRecordsPartition asked : topic.partitions()) {
                DeleteRecordsPartitionResult result = new DeleteRecordsPartitionResult().setPartitionIndex(asked.partitionIndex())
                        .setLowWatermark(DeleteRecordsResponse.INVALID_LOW_WATERMARK);
                moved |= deleteRecords(current, topic.name(), asked, result);
                topicResult.partitions().add(result);
            }
            response.topics().add(topicResult);
        }
        if (!moved) {
            return CompletableFuture.completedFuture(response);
        }
        return logManager.checkpointSoon().handle((written, failure) -> {
            if (failure != null) {
                failUnchanged(response, Errors.KAFKA_STORAGE_ERROR);
            }
            return response;
        });
    }

    /** @return whether the partition's log start offset may have moved */
    private boolean deleteRecords(MetadataImage current, String topic, DeleteRecordsPartition asked, DeleteRecordsPartitionResult result) {
        if (!current.topics().hasPartition(topic, asked.partitionIndex())) {
            result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
            return false;
        }
        Partition partition = replicaManager.partition(new TopicPartition(topic, asked.partitionIndex()));
        if (partition == null) {
            result.setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code());
            return false;
        }
        try {
            result.setLowWatermark(partition.deleteRecordsOnLeader(asked.offset()));
            return true;
        } catch (ApiException e) {
            result.setErrorCode(Errors.forException(e).code());
        } catch (LogAppendException e) {
            result.setErrorCode(StorageErrors.toKafka(e.error()).code());
        } catch (RuntimeException e) {
            result.setErrorCode(PartitionFailures.toKafka("DeleteRecords", topic, asked.partitionIndex(), e).code());
        }
        return false;
    }

    /** Marks every partition that succeeded as failed with {@code error}: its new start offset was not made durable. */
    private static void failUnchanged(DeleteRecordsResponseData response, Errors error) {
        for (DeleteRecordsTopicResult topic : response.topics()) {
            for (DeleteRecordsPartitionResult partition : topic.partitions()) {
                if (partition.errorCode() == Errors.NONE.code()) {
                    partition.setErrorCode(error.code()).setLowWatermark(DeleteRecordsResponse.INVALID_LOW_WATERMARK);
                }
            }
        }
    }
}
