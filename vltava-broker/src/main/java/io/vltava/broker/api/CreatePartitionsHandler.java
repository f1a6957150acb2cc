package io.vltava.broker.api;

import io.vltava.metadata.controller.QuorumController;
import io.vltava.network.RequestContext;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.CreatePartitionsRequest;

/**
 * CreatePartitions: passed to the controller, which adds partitions to existing topics.
 *
 * <p>Threading: stateless; the response completes on the controller thread.
 */
public final class CreatePartitionsHandler implements ApiHandler<CreatePartitionsRequest> {

    private final QuorumController controller;

    public CreatePartitionsHandler(QuorumController controller) {
        this.controller = controller;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CREATE_PARTITIONS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, CreatePartitionsRequest request) {
        return controller.createPartitions(new ArrayList<>(request.data().topics()), request.data().validateOnly())
                .thenApply(results -> new CreatePartitionsResponseData().setResults(results));
    }
}
