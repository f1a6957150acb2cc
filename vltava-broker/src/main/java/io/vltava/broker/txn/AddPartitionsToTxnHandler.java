package io.vltava.broker.txn;

import io.vltava.broker.api.ApiHandler;
import io.vltava.broker.coordinator.CoordinatorFailures;
import io.vltava.coordinator.txn.TransactionCoordinator;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.image.TopicImage;
import io.vltava.network.RequestContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;

/**
 * AddPartitionsToTxn: versions 0-3 are the producer's (one transaction, partitions added), 4+ the
 * batched broker form, where a transaction may be {@code verifyOnly} (which of its partitions are in
 * the ongoing transaction). Partitions that do not exist get UNKNOWN_TOPIC_OR_PARTITION and the others
 * of that transaction OPERATION_NOT_ATTEMPTED, as Kafka answers.
 *
 * <p>Threading: stateless; the response completes on a transaction shard's thread.
 */
public final class AddPartitionsToTxnHandler implements ApiHandler<AddPartitionsToTxnRequest> {

    private final TransactionCoordinator coordinator;
    private final Supplier<MetadataImage> image;

    public AddPartitionsToTxnHandler(TransactionCoordinator coordinator, Supplier<MetadataImage> image) {
        this.coordinator = coordinator;
        this.image = image;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.ADD_PARTITIONS_TO_TXN;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AddPartitionsToTxnRequest request) {
        AddPartitionsToTxnRequestData data = request.data();
        if (request.version() < 4) {
            List<TopicPartition> partitions = AddPartitionsToTxnRequest.getPartitions(data.v3AndBelowTopics());
            return transaction(data.v3AndBelowTransactionalId(), data.v3AndBelowProducerId(), data.v3AndBelowProducerEpoch(), false, partitions)
                    .thenApply(errors -> new AddPartitionsToTxnResponseData().setResultsByTopicV3AndBelow(
                            AddPartitionsToTxnResponse.resultForTransaction(AddPartitionsToTxnResponse.V3_AND_BELOW_TXN_ID, errors).topicResults()));
        }
        List<CompletableFuture<AddPartitionsToTxnResponseData.AddPartitionsToTxnResult>> results = new ArrayList<>();
        for (AddPartitionsToTxnTransaction txn : data.transactions()) {
            List<TopicPartition> partitions = AddPartitionsToTxnRequest.getPartitions(txn.topics());
            results.add(transaction(txn.transactionalId(), txn.producerId(), txn.producerEpoch(), txn.verifyOnly(), partitions)
                    .thenApply(errors -> AddPartitionsToTxnResponse.resultForTransaction(txn.transactionalId(), errors)));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            AddPartitionsToTxnResponseData response = new AddPartitionsToTxnResponseData().setErrorCode(Errors.NONE.code());
            results.forEach(result -> response.resultsByTransaction().add(result.join()));
            return response;
        });
    }

    /** The error of each partition of one transaction; never fails. */
    private CompletableFuture<Map<TopicPartition, Errors>> transaction(String transactionalId, long producerId, short producerEpoch,
                                                                       boolean verifyOnly, List<TopicPartition> partitions) {
        MetadataImage current = image.get();
        List<TopicPartition> unknown = partitions.stream().filter(partition -> !exists(current, partition)).toList();
        if (!unknown.isEmpty()) {
            Map<TopicPartition, Errors> errors = new LinkedHashMap<>();
            partitions.forEach(partition -> errors.put(partition, unknown.contains(partition) ? Errors.UNKNOWN_TOPIC_OR_PARTITION
                    : Errors.OPERATION_NOT_ATTEMPTED));
            return CompletableFuture.completedFuture(errors);
        }
        List<io.vltava.common.topic.TopicPartition> ours = partitions.stream()
                .map(partition -> new io.vltava.common.topic.TopicPartition(partition.topic(), partition.partition())).toList();
        CompletableFuture<Map<TopicPartition, Errors>> result;
        try {
            result = verifyOnly
                    ? coordinator.verifyPartitions(transactionalId, producerId, producerEpoch, ours).thenApply(AddPartitionsToTxnHandler::theirs)
                    : coordinator.addPartitions(transactionalId, producerId, producerEpoch, ours).thenApply(ignored -> allWith(partitions, Errors.NONE));
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.exceptionally(failure -> allWith(partitions, Errors.forException(CoordinatorFailures.cause(failure))));
    }

    private static boolean exists(MetadataImage image, TopicPartition partition) {
        TopicImage topic = image.topics().get(partition.topic());
        return topic != null && topic.partitions().containsKey(partition.partition());
    }

    private static Map<TopicPartition, Errors> theirs(Map<io.vltava.common.topic.TopicPartition, Errors> errors) {
        Map<TopicPartition, Errors> converted = new LinkedHashMap<>();
        errors.forEach((partition, error) -> converted.put(new TopicPartition(partition.topic(), partition.partition()), error));
        return converted;
    }

    private static Map<TopicPartition, Errors> allWith(List<TopicPartition> partitions, Errors error) {
        Map<TopicPartition, Errors> errors = new LinkedHashMap<>();
        partitions.forEach(partition -> errors.put(partition, error));
        return errors;
    }
}
