package io.vltava.broker.api;

import io.vltava.network.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;

/**
 * Serves one Kafka API. Adding an API to the broker is adding one implementation to the list
 * {@link KafkaApis} is built from.
 *
 * <p>Threading: called on the requesting connection's event loop; must not block (see
 * {@link io.vltava.network.RequestHandler} for the full contract).
 *
 * @param <R> the typed request kafka-clients decodes for the API
 */
public interface ApiHandler<R extends AbstractRequest> {

    /** The API served. */
    ApiKeys apiKey();

    /** Handles one request; the future completes with the response body, or null for none. */
    CompletableFuture<? extends ApiMessage> handle(RequestContext context, R request);
}
