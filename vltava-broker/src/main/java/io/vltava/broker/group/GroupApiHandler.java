package io.vltava.broker.group;

import io.vltava.broker.api.ApiHandler;
import io.vltava.broker.coordinator.CoordinatorFailures;
import io.vltava.coordinator.group.GroupRequestContext;
import io.vltava.network.RequestContext;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;

/**
 * Serves a coordinator API whose request names one group (or one transactional id: AddOffsetsToTxn,
 * EndTxn) by passing it to the coordinator; a failure becomes the API's own error response
 * (kafka-clients' {@code getErrorResponse}).
 *
 * <p>Threading: stateless; the response completes on the shard thread of the group or transactional id.
 *
 * @param <R> the request type
 */
public final class GroupApiHandler<R extends AbstractRequest> implements ApiHandler<R> {

    private final ApiKeys apiKey;
    private final BiFunction<GroupRequestContext, R, CompletableFuture<? extends ApiMessage>> operation;

    public GroupApiHandler(ApiKeys apiKey, BiFunction<GroupRequestContext, R, CompletableFuture<? extends ApiMessage>> operation) {
        this.apiKey = apiKey;
        this.operation = operation;
    }

    @Override
    public ApiKeys apiKey() {
        return apiKey;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, R request) {
        GroupRequestContext groupContext = groupContext(context);
        return operation.apply(groupContext, request).handle((response, failure) -> failure == null ? response
                : request.getErrorResponse(CoordinatorFailures.cause(failure)).data());
    }

    static GroupRequestContext groupContext(RequestContext context) {
        return new GroupRequestContext(context.clientId(), context.clientHost(), context.apiVersion());
    }
}
