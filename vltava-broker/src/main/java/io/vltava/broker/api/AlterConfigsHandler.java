package io.vltava.broker.api;

import io.vltava.metadata.controller.QuorumController;
import io.vltava.network.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AlterConfigsRequest;

/**
 * AlterConfigs (the older API some clients still use): replaces a topic's whole set of overrides,
 * validated and committed by the controller.
 *
 * <p>Threading: stateless; the response completes on the controller thread.
 */
public final class AlterConfigsHandler implements ApiHandler<AlterConfigsRequest> {

    private final QuorumController controller;

    public AlterConfigsHandler(QuorumController controller) {
        this.controller = controller;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.ALTER_CONFIGS;
    }

    @Override
    public CompletableFuture<AlterConfigsResponseData> handle(RequestContext context, AlterConfigsRequest request) {
        return controller.alterConfigs(request.data());
    }
}
