package io.vltava.broker.api;

import io.vltava.metadata.controller.QuorumController;
import io.vltava.network.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.IncrementalAlterConfigsRequest;

/**
 * IncrementalAlterConfigs: SET, DELETE, APPEND and SUBTRACT on topic configurations, validated and
 * committed by the controller.
 *
 * <p>Threading: stateless; the response completes on the controller thread.
 */
public final class IncrementalAlterConfigsHandler implements ApiHandler<IncrementalAlterConfigsRequest> {

    private final QuorumController controller;

    public IncrementalAlterConfigsHandler(QuorumController controller) {
        this.controller = controller;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.INCREMENTAL_ALTER_CONFIGS;
    }

    @Override
    public CompletableFuture<IncrementalAlterConfigsResponseData> handle(RequestContext context, IncrementalAlterConfigsRequest request) {
        return controller.incrementalAlterConfigs(request.data());
    }
}
