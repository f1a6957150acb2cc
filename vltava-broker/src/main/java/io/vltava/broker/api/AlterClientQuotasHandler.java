package io.vltava.broker.api;

import io.vltava.metadata.controller.QuorumController;
import io.vltava.network.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.AlterClientQuotasResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AlterClientQuotasRequest;

/**
 * AlterClientQuotas: sets and removes client quotas, each entity validated and committed by the
 * controller on its own.
 *
 * <p>Threading: stateless; the response completes on the controller thread.
 */
public final class AlterClientQuotasHandler implements ApiHandler<AlterClientQuotasRequest> {

    private final QuorumController controller;

    public AlterClientQuotasHandler(QuorumController controller) {
        this.controller = controller;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.ALTER_CLIENT_QUOTAS;
    }

    @Override
    public CompletableFuture<AlterClientQuotasResponseData> handle(RequestContext context, AlterClientQuotasRequest request) {
        return controller.alterClientQuotas(request.data());
    }
}
