package io.vltava.broker.api;

import io.vltava.broker.partition.Partition;
import io.vltava.broker.partition.ReplicaManager;
import io.vltava.broker.producer.TransactionVerifier;
import io.vltava.broker.quota.ClientQuotaManager;
import io.vltava.common.time.Time;
import io.vltava.common.topic.TopicNames;
import io.vltava.common.topic.TopicPartition;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.image.TopicImage;
import io.vltava.network.CloseConnectionException;
import io.vltava.network.RequestContext;
import io.vltava.protocol.records.BatchValidationException;
import io.vltava.protocol.records.ProducedBatchValidator;
import io.vltava.storage.log.LogAppendException;
import io.vltava.storage.log.LogAppendInfo;
import io.vltava.storage.record.BatchHeader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.BatchIndexAndErrorMessage;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ProduceRequest;

/**
 * Produce: validates each partition's batch, appends it to the partition's log as leader, and answers
 * once the append is as durable as the topic's flush policy requires. Partitions fail independently.
 * With {@code acks=0} nothing is sent back, and a failure closes the connection.
 *
 * <p>With a {@code producer_byte_rate} quota, the bytes of the request's record batches count against the
 * client's rate; a client over its quota is answered at once with the throttle time, and its connection
 * is not read for that long (KIP-219).
 *
 * <p>A producer's first transactional batch on a partition waits for its transaction coordinator to
 * confirm the partition is in its transaction; everything else is appended at once.
 *
 * <p>Threading: runs on the producer's event loop; every append happens before {@link #handle}
 * returns (so pipelined requests take effect in order), except a transaction's first batch on a
 * partition: it is appended on its transaction coordinator's thread, and so is every batch of that
 * producer to that partition that arrives while one is still waiting there, in the order they arrived
 * (one transactional id is served by one thread); the response may complete on the flusher.
 */
public final class ProduceHandler implements ApiHandler<ProduceRequest> {

    /** The client id Kafka's own tools use to write to internal topics. */
    private static final String ADMIN_CLIENT_ID = "__admin_client";

    private final ReplicaManager replicaManager;
    private final Supplier<MetadataImage> image;
    private final TransactionVerifier verifier;
    /** Batches waiting for verification, by producer and partition; a batch of theirs that arrives meanwhile waits too. */
    private final ConcurrentHashMap<VerificationKey, Integer> verifying = new ConcurrentHashMap<>();
    private final Time time;
    private final BrokerTopicMetrics topicMetrics;
    private final ClientQuotaManager quotas;

    public ProduceHandler(ReplicaManager replicaManager, Supplier<MetadataImage> image, TransactionVerifier verifier, Time time,
                          BrokerTopicMetrics topicMetrics, ClientQuotaManager quotas) {
        this.replicaManager = replicaManager;
        this.image = image;
        this.verifier = verifier;
        this.time = time;
        this.topicMetrics = topicMetrics;
        this.quotas = quotas;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.PRODUCE;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ProduceRequest request) {
        ProduceRequestData data = request.data();
        short version = request.version();
        short acks = data.acks();
        long now = time.milliseconds();
        MetadataImage current = image.get();
        ProduceResponseData response = new ProduceResponseData();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        boolean failed = false;
        for (TopicProduceData topic : data.topicData()) {
            String name = version >= 13 ? nameOf(current, topic) : topic.name();
            TopicProduceResponse topicResponse = new TopicProduceResponse().setName(topic.name()).setTopicId(topic.topicId());
            for (PartitionProduceData partitionData : topic.partitionData()) {
                PartitionProduceResponse result = new PartitionProduceResponse().setIndex(partitionData.index())
                        .setBaseOffset(-1).setLogAppendTimeMs(-1).setLogStartOffset(-1);
                Errors error = produce(context, request, name, partitionData, acks, now, current, result, pending);
                failed |= error != Errors.NONE;
                if (name != null) {
                    topicMetrics.recordProduce(name, error != Errors.NONE);
                }
                topicResponse.partitionResponses().add(result);
            }
            response.responses().add(topicResponse);
        }
        if (quotas.enabled()) {
            int throttleTimeMs = quotas.recordAndGetThrottleTimeMs(ClientQuotaManager.ANONYMOUS, context.clientId(), recordBytes(data), now);
            if (throttleTimeMs > 0) {
                response.setThrottleTimeMs(throttleTimeMs);
                context.muter().muteFor(throttleTimeMs);
            }
        }
        if (acks == 0) {
            return failed ? CompletableFuture.failedFuture(new CloseConnectionException("an acks=0 produce failed"))
                    : CompletableFuture.completedFuture(null);
        }
        if (pending.isEmpty()) {
            return CompletableFuture.completedFuture(response);
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(ignored -> response);
    }

    private Errors produce(RequestContext context, ProduceRequest request, String topic, PartitionProduceData data, short acks, long now,
                           MetadataImage current, PartitionProduceResponse result, List<CompletableFuture<?>> pending) {
        Partition partition = null;
        try {
            if (topic == null) {
                return fail(result, Errors.UNKNOWN_TOPIC_ID, null);
            }
            if (!current.topics().hasPartition(topic, data.index())) {
                // As Kafka: a partition the metadata does not have is unknown, even if its topic exists.
                return fail(result, Errors.UNKNOWN_TOPIC_OR_PARTITION, null);
            }
            if (acks != -1 && acks != 0 && acks != 1) {
                return fail(result, Errors.INVALID_REQUIRED_ACKS, null);
            }
            partition = replicaManager.partition(new TopicPartition(topic, data.index()));
            if (partition == null) {
                return fail(result, Errors.NOT_LEADER_OR_FOLLOWER, null);
            }
            if (TopicNames.isInternal(topic) && !ADMIN_CLIENT_ID.equals(context.clientId())) {
                return fail(result, Errors.INVALID_TOPIC_EXCEPTION, "Cannot append to internal topic " + topic);
            }
            ByteBuffer batch = ProducedBatchValidator.validate(request.version(), data.records(), partition.settings().writeRules(), now);
            String transactionalId = request.data().transactionalId();
            if (transactionalId != null && BatchHeader.isTransactional(batch, 0)) {
                VerificationKey key = new VerificationKey(BatchHeader.producerId(batch, 0), partition.topicPartition());
                if (verifying.containsKey(key) || !partition.log().hasOngoingTransaction(key.producerId())) {
                    pending.add(appendOnceVerified(transactionalId, key, partition, batch, acks, result));
                    return Errors.NONE;
                }
            }
            return append(partition, batch, acks, result, pending);
        } catch (BatchValidationException e) {
            result.setErrorCode(e.error().code()).setErrorMessage(e.getMessage());
            if (!e.recordErrors().isEmpty()) {
                result.setLogStartOffset(partition.log().logStartOffset());
                for (BatchValidationException.RecordError recordError : e.recordErrors()) {
                    result.recordErrors().add(new BatchIndexAndErrorMessage().setBatchIndex(recordError.batchIndex())
                            .setBatchIndexErrorMessage(recordError.message()));
                }
            }
            return e.error();
        } catch (ApiException e) {
            return fail(result, Errors.forException(e), e.getMessage());
        } catch (RuntimeException e) {
            // Unexpected (an I/O error, a bug): this partition fails, the others keep their answers.
            result.setBaseOffset(-1).setLogAppendTimeMs(-1).setLogStartOffset(-1);
            return fail(result, PartitionFailures.toKafka("Produce", topic, data.index(), e), e.getMessage());
        }
    }

    /**
     * Appends a producer's first transactional batch to a partition once its transaction coordinator
     * confirms the partition was added to the transaction (KIP-890's verification); a batch it does not
     * confirm is refused, so no transaction can be left open on a partition its coordinator does not know.
     * The append then happens on the coordinator's thread, after this handler returned.
     */
    private CompletableFuture<?> appendOnceVerified(String transactionalId, VerificationKey key, Partition partition, ByteBuffer batch,
                                                    short acks, PartitionProduceResponse result) {
        verifying.merge(key, 1, Integer::sum);
        return verifier.verify(transactionalId, key.producerId(), BatchHeader.producerEpoch(batch, 0), partition.topicPartition())
                .handle((verdict, failure) -> failure == null ? verdict : Errors.NOT_ENOUGH_REPLICAS)
                .thenCompose(error -> {
                    try {
                        if (error != Errors.NONE) {
                            fail(result, error, "Partition " + partition.topicPartition() + " is not in the transaction of " + transactionalId);
                            return CompletableFuture.completedFuture(null);
                        }
                        List<CompletableFuture<?>> durable = new ArrayList<>();
                        append(partition, batch, acks, result, durable);
                        return durable.isEmpty() ? CompletableFuture.completedFuture(null) : durable.get(0);
                    } finally {
                        verifying.computeIfPresent(key, (ignored, count) -> count == 1 ? null : count - 1);
                    }
                });
    }

    /** A producer's batches to one partition, while some wait for verification: later ones must queue behind them. */
    private record VerificationKey(long producerId, TopicPartition partition) {
    }

    /** Appends a validated batch as the leader and records the outcome; a flush still to come joins {@code pending}. */
    private Errors append(Partition partition, ByteBuffer batch, short acks, PartitionProduceResponse result, List<CompletableFuture<?>> pending) {
        try {
            int bytes = batch.remaining();
            LogAppendInfo info = partition.appendRecordsToLeader(batch, acks);
            if (!info.duplicate()) {
                topicMetrics.recordAppend(partition.topicPartition().topic(), bytes, info.lastOffset() - info.firstOffset() + 1);
            }
            result.setBaseOffset(info.firstOffset()).setLogAppendTimeMs(info.logAppendTime()).setLogStartOffset(info.logStartOffset());
            if (!info.durable().isDone() || info.durable().isCompletedExceptionally()) {
                pending.add(info.durable().handle((ignored, flushFailure) -> {
                    if (flushFailure != null) {
                        result.setBaseOffset(-1).setLogAppendTimeMs(-1).setErrorCode(Errors.KAFKA_STORAGE_ERROR.code())
                                .setErrorMessage("The write could not be made durable: " + flushFailure.getMessage());
                    }
                    return null;
                }));
            }
            return Errors.NONE;
        } catch (LogAppendException e) {
            return fail(result, StorageErrors.toKafka(e.error()), e.getMessage());
        } catch (ApiException e) {
            return fail(result, Errors.forException(e), e.getMessage());
        } catch (RuntimeException e) {
            // Unexpected (an I/O error, a bug): this partition fails, the others keep their answers.
            result.setBaseOffset(-1).setLogAppendTimeMs(-1).setLogStartOffset(-1);
            TopicPartition tp = partition.topicPartition();
            return fail(result, PartitionFailures.toKafka("Produce", tp.topic(), tp.partition(), e), e.getMessage());
        }
    }

    private static Errors fail(PartitionProduceResponse result, Errors error, String message) {
        result.setErrorCode(error.code()).setErrorMessage(message);
        return error;
    }

    private static int recordBytes(ProduceRequestData data) {
        int bytes = 0;
        for (TopicProduceData topic : data.topicData()) {
            for (PartitionProduceData partition : topic.partitionData()) {
                bytes += partition.records() == null ? 0 : partition.records().sizeInBytes();
            }
        }
        return bytes;
    }

    private static String nameOf(MetadataImage current, TopicProduceData topic) {
        UUID id = TopicIds.fromKafka(topic.topicId());
        TopicImage found = id == null ? null : current.topics().get(id);
        return found == null ? null : found.name();
    }
}
