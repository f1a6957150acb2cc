package io.vltava.broker.api;

import io.vltava.broker.coordinator.CoordinatorFailures;
import io.vltava.broker.producer.ProducerIdManager;
import io.vltava.coordinator.txn.TransactionCoordinator;
import io.vltava.network.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.InitProducerIdRequest;

/**
 * InitProducerId. Idempotent producers get a fresh producer id with epoch 0 (the Java producer bumps
 * its epoch itself when it must). A transactional id goes to the transaction coordinator (which must
 * be this broker: NOT_COORDINATOR otherwise).
 *
 * <p>Threading: stateless; completes at once unless a new block of ids must be allocated or the
 * transaction coordinator must write.
 */
public final class InitProducerIdHandler implements ApiHandler<InitProducerIdRequest> {

    private final ProducerIdManager producerIds;
    private final TransactionCoordinator transactions;

    /** Serves idempotent producers, and transactional ones through {@code transactions}. */
    public InitProducerIdHandler(ProducerIdManager producerIds, TransactionCoordinator transactions) {
        this.producerIds = producerIds;
        this.transactions = transactions;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.INIT_PRODUCER_ID;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, InitProducerIdRequest request) {
        InitProducerIdRequestData data = request.data();
        if ((data.producerId() == -1) != (data.producerEpoch() == -1)) {
            return CompletableFuture.completedFuture(error(Errors.INVALID_REQUEST));
        }
        if (data.transactionalId() != null) {
            if (data.transactionalId().isEmpty()) {
                return CompletableFuture.completedFuture(error(Errors.INVALID_REQUEST));
            }
            CompletableFuture<InitProducerIdResponseData> result;
            try {
                result = transactions.initProducerId(data.transactionalId(), data.transactionTimeoutMs(), data.producerId(), data.producerEpoch());
            } catch (RuntimeException e) {
                result = CompletableFuture.failedFuture(e);
            }
            return result.handle((response, failure) -> failure == null ? response : error(Errors.forException(CoordinatorFailures.cause(failure))));
        }
        return producerIds.nextProducerId().thenApply(id -> new InitProducerIdResponseData()
                .setErrorCode(Errors.NONE.code()).setProducerId(id).setProducerEpoch((short) 0));
    }

    private static InitProducerIdResponseData error(Errors error) {
        return new InitProducerIdResponseData().setErrorCode(error.code()).setProducerId(-1).setProducerEpoch((short) -1);
    }
}
