package io.vltava.broker.api;

import io.vltava.broker.producer.ProducerIdManager;
import io.vltava.network.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.InitProducerIdRequest;

/**
 * InitProducerId for idempotent producers: a fresh producer id with epoch 0 (the Java producer bumps
 * its epoch itself when it must). Transactional ids are refused at once, with an error the clients
 * treat as final, until the transaction coordinator exists.
 *
 * <p>Threading: stateless; completes at once unless a new block of ids must be allocated.
 */
public final class InitProducerIdHandler implements ApiHandler<InitProducerIdRequest> {

    private final ProducerIdManager producerIds;

    public InitProducerIdHandler(ProducerIdManager producerIds) {
        this.producerIds = producerIds;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.INIT_PRODUCER_ID;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, InitProducerIdRequest request) {
        InitProducerIdRequestData data = request.data();
        if (data.transactionalId() != null) {
            return CompletableFuture.completedFuture(error(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED));
        }
        if ((data.producerId() == -1) != (data.producerEpoch() == -1)) {
            return CompletableFuture.completedFuture(error(Errors.INVALID_REQUEST));
        }
        return producerIds.nextProducerId().thenApply(id -> new InitProducerIdResponseData()
                .setErrorCode(Errors.NONE.code()).setProducerId(id).setProducerEpoch((short) 0));
    }

    private static InitProducerIdResponseData error(Errors error) {
        return new InitProducerIdResponseData().setErrorCode(error.code()).setProducerId(-1).setProducerEpoch((short) -1);
    }
}
