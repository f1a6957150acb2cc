package io.vltava.broker.txn;

import io.vltava.broker.api.ApiHandler;
import io.vltava.broker.coordinator.CoordinatorFailures;
import io.vltava.coordinator.txn.TransactionCoordinator;
import io.vltava.network.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData.TransactionState;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeTransactionsRequest;

/**
 * DescribeTransactions: each transactional id is described by its shard; an id this broker does not
 * coordinate gets NOT_COORDINATOR, an unknown one TRANSACTIONAL_ID_NOT_FOUND.
 *
 * <p>Threading: stateless; the response completes on a transaction shard's thread.
 */
public final class DescribeTransactionsHandler implements ApiHandler<DescribeTransactionsRequest> {

    private final TransactionCoordinator coordinator;

    public DescribeTransactionsHandler(TransactionCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_TRANSACTIONS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, DescribeTransactionsRequest request) {
        List<CompletableFuture<TransactionState>> described = new ArrayList<>();
        for (String transactionalId : request.data().transactionalIds()) {
            described.add(coordinator.describe(transactionalId).exceptionally(failure -> new TransactionState().setTransactionalId(transactionalId)
                    .setErrorCode(Errors.forException(CoordinatorFailures.cause(failure)).code()).setTransactionState("").setProducerId(-1)
                    .setProducerEpoch((short) -1).setTransactionStartTimeMs(-1)));
        }
        return CompletableFuture.allOf(described.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            DescribeTransactionsResponseData response = new DescribeTransactionsResponseData();
            described.forEach(state -> response.transactionStates().add(state.join()));
            return response;
        });
    }
}
