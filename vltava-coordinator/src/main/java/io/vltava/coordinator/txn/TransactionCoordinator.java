package io.vltava.coordinator.txn;

import io.vltava.common.time.Time;
import io.vltava.common.topic.TopicPartition;
import io.vltava.coordinator.runtime.CoordinatorRuntime;
import io.vltava.coordinator.runtime.PartitionedCoordinator;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * The transaction coordinator: each transactional id belongs to the partition of __transaction_state
 * its id hashes to, and the broker that leads that partition serves it from the {@link TransactionShard}
 * loaded from the partition's log. Failures come back as Kafka's exceptions (NOT_COORDINATOR,
 * CONCURRENT_TRANSACTIONS, PRODUCER_FENCED, ...).
 *
 * <p>Threading: any thread; each call runs on its shard's thread and completes there.
 */
public final class TransactionCoordinator implements AutoCloseable {

    private final TransactionCoordinatorConfig config;
    private final CoordinatorRuntime<TransactionShard> runtime;
    private final Supplier<CompletableFuture<Long>> producerIds;

    /**
     * @param markers     where decided transactions' markers go
     * @param producerIds hands out unused producer ids (the broker's producer id manager)
     */
    public TransactionCoordinator(TransactionCoordinatorConfig config, int threads, Time time, TransactionMarkerWriter markers,
                                  Supplier<CompletableFuture<Long>> producerIds) {
        this.config = config;
        this.producerIds = producerIds;
        this.runtime = new CoordinatorRuntime<>("transaction-coordinator", threads, time, context -> new TransactionShard(context, config, markers));
    }

    public TransactionCoordinatorConfig config() {
        return config;
    }

    /** The partition of __transaction_state that owns {@code transactionalId}, as Kafka computes it. */
    public int partitionFor(String transactionalId) {
        return CoordinatorRuntime.partitionFor(transactionalId, config.stateLogPartitions());
    }

    /** Where the broker reports which partitions of the coordinator's topic it leads. */
    public PartitionedCoordinator partitions() {
        return runtime;
    }

    /** InitProducerId with a transactional id; a new producer id is allocated only when the shard needs one. */
    public CompletableFuture<InitProducerIdResponseData> initProducerId(String transactionalId, int timeoutMs, long expectedProducerId,
                                                                        short expectedEpoch) {
        return run(transactionalId, shard -> shard.initProducerId(transactionalId, timeoutMs, expectedProducerId, expectedEpoch, -1))
                .exceptionallyCompose(failure -> unwrap(failure) instanceof TransactionShard.NeedsProducerId
                        ? producerIds.get().thenCompose(id -> run(transactionalId,
                                shard -> shard.initProducerId(transactionalId, timeoutMs, expectedProducerId, expectedEpoch, id)))
                        : CompletableFuture.failedFuture(failure));
    }

    public CompletableFuture<Void> addPartitions(String transactionalId, long producerId, short producerEpoch, Collection<TopicPartition> partitions) {
        return run(transactionalId, shard -> shard.addPartitions(transactionalId, producerId, producerEpoch, partitions));
    }

    /** AddPartitionsToTxn with verifyOnly: which partitions are in the ongoing transaction. */
    public CompletableFuture<Map<TopicPartition, Errors>> verifyPartitions(String transactionalId, long producerId, short producerEpoch,
                                                                           Collection<TopicPartition> partitions) {
        return run(transactionalId, shard -> CompletableFuture.completedFuture(
                shard.verifyPartitions(transactionalId, producerId, producerEpoch, partitions)));
    }

    public CompletableFuture<Void> addOffsets(String transactionalId, long producerId, short producerEpoch, String groupId) {
        return run(transactionalId, shard -> shard.addOffsets(transactionalId, producerId, producerEpoch, groupId));
    }

    public CompletableFuture<Void> endTransaction(String transactionalId, long producerId, short producerEpoch, boolean commit) {
        return run(transactionalId, shard -> shard.endTransaction(transactionalId, producerId, producerEpoch, commit));
    }

    public CompletableFuture<DescribeTransactionsResponseData.TransactionState> describe(String transactionalId) {
        return run(transactionalId, shard -> CompletableFuture.completedFuture(shard.describe(transactionalId)));
    }

    /** ListTransactions on every shard this broker holds; a shard still loading fails its future. */
    public List<CompletableFuture<List<ListTransactionsResponseData.TransactionState>>> list(Set<TransactionState> states, Set<Long> producerIdFilter,
                                                                                            long minDurationMs, Pattern transactionalIdPattern) {
        return runtime.runOnAll(shard -> shard.list(states, producerIdFilter, minDurationMs, transactionalIdPattern));
    }

    /** Runs an operation on the shard of {@code transactionalId}; INVALID_REQUEST for a null or empty id, as Kafka answers. */
    private <T> CompletableFuture<T> run(String transactionalId, Function<TransactionShard, CompletableFuture<T>> operation) {
        if (transactionalId == null || transactionalId.isEmpty()) {
            return CompletableFuture.failedFuture(new InvalidRequestException("The transactional id is empty"));
        }
        return runtime.run(partitionFor(transactionalId), operation);
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    @Override
    public void close() {
        runtime.close();
    }
}
