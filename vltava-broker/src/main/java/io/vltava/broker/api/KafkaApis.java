package io.vltava.broker.api;

import io.vltava.network.RequestContext;
import io.vltava.network.RequestHandler;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;

/**
 * The broker's {@link RequestHandler}: dispatches each request to the {@link ApiHandler} of its API.
 * The set of handlers is the set of APIs served and advertised.
 *
 * <p>Produce and Fetch are pipelined. A produce appends every batch before its handler returns; its
 * future only waits for flushes (and, later, replication). A fetch checks and advances its session's
 * epoch before its handler returns; one that waits for data reads, creates the session of a full
 * fetch, and records in its session what it sends only when it answers, all of which its client
 * learns from that answer alone. Every other API holds back later requests on its connection until
 * it completes.
 *
 * <p>Threading: immutable after construction; called from every event loop.
 */
public final class KafkaApis implements RequestHandler {

    private final Map<ApiKeys, ApiHandler<?>> handlers = new EnumMap<>(ApiKeys.class);

    public KafkaApis(List<ApiHandler<?>> handlerList) {
        for (ApiHandler<?> handler : handlerList) {
            if (handlers.put(handler.apiKey(), handler) != null) {
                throw new IllegalArgumentException("Two handlers for " + handler.apiKey());
            }
        }
    }

    @Override
    public Set<ApiKeys> servedApis() {
        return Collections.unmodifiableSet(handlers.keySet());
    }

    @Override
    public boolean isPipelined(ApiKeys api) {
        return api == ApiKeys.PRODUCE || api == ApiKeys.FETCH;
    }

    @Override
    @SuppressWarnings("unchecked")
    public CompletableFuture<? extends ApiMessage> handle(RequestContext context, AbstractRequest request) {
        ApiHandler<AbstractRequest> handler = (ApiHandler<AbstractRequest>) handlers.get(request.apiKey());
        return handler.handle(context, request);
    }
}
