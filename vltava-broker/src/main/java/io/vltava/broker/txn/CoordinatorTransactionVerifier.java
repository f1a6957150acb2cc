package io.vltava.broker.txn;

import io.vltava.broker.coordinator.CoordinatorFailures;
import io.vltava.broker.producer.TransactionVerifier;
import io.vltava.common.topic.TopicPartition;
import io.vltava.coordinator.txn.TransactionCoordinator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.Errors;

/**
 * Verifies transactional produce with this broker's transaction coordinator. A coordinator that
 * cannot answer now (moved, loading, busy ending the transaction) becomes NOT_ENOUGH_REPLICAS, which
 * producers retry, as Kafka answers.
 *
 * <p>Threading: any thread.
 */
public final class CoordinatorTransactionVerifier implements TransactionVerifier {

    private final TransactionCoordinator coordinator;

    public CoordinatorTransactionVerifier(TransactionCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<Errors> verify(String transactionalId, long producerId, short producerEpoch, TopicPartition partition) {
        return coordinator.verifyPartitions(transactionalId, producerId, producerEpoch, List.of(partition)).handle((errors, failure) -> {
            Errors error = failure == null ? errors.getOrDefault(partition, Errors.INVALID_TXN_STATE)
                    : Errors.forException(CoordinatorFailures.cause(failure));
            return switch (error) {
                case NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS, CONCURRENT_TRANSACTIONS -> Errors.NOT_ENOUGH_REPLICAS;
                default -> error;
            };
        });
    }
}
