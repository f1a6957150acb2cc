package io.vltava.broker.txn;

import io.vltava.broker.api.ApiHandler;
import io.vltava.broker.coordinator.CoordinatorFailures;
import io.vltava.network.RequestContext;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;

/**
 * Serves a transaction API whose request names one transactional id by passing it to the transaction
 * coordinator; a failure becomes the API's own error response (kafka-clients' {@code getErrorResponse}).
 *
 * <p>Threading: stateless; the response completes on the transactional id's shard thread.
 *
 * @param <R> the request type
 */
public final class TransactionApiHandler<R extends AbstractRequest> implements ApiHandler<R> {

    private final ApiKeys apiKey;
    private final Function<R, CompletableFuture<? extends ApiMessage>> operation;

    public TransactionApiHandler(ApiKeys apiKey, Function<R, CompletableFuture<? extends ApiMessage>> operation) {
        this.apiKey = apiKey;
        this.operation = operation;
    }

    @Override
    public ApiKeys apiKey() {
        return apiKey;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, R request) {
        CompletableFuture<? extends ApiMessage> result;
        try {
            result = operation.apply(request);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.handle((response, failure) -> failure == null ? response
                : request.getErrorResponse(CoordinatorFailures.cause(failure)).data());
    }
}
