package io.vltava.broker.api;

import io.vltava.broker.quota.RequestQuotaManager;
import io.vltava.common.time.Time;
import io.vltava.network.RequestContext;
import io.vltava.network.RequestHandler;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;

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
 * <p>With a {@code request_percentage} quota, the time each handler takes until it returns counts
 * against its client's quota; a client over it gets the throttle time in the response (the larger,
 * when the handler set one for a byte rate) and its connection is muted for that time.
 *
 * <p>Threading: immutable after construction; called from every event loop.
 */
public final class KafkaApis implements RequestHandler {

    private final Map<ApiKeys, ApiHandler<?>> handlers = new EnumMap<>(ApiKeys.class);
    private final RequestQuotaManager requestQuotas;
    private final Time time;

    /** Dispatches to {@code handlerList}, with no request quotas. */
    public KafkaApis(List<ApiHandler<?>> handlerList) {
        this(handlerList, null, Time.SYSTEM);
    }

    /** Dispatches to {@code handlerList}, holding clients to {@code requestQuotas} (none when null). */
    public KafkaApis(List<ApiHandler<?>> handlerList, RequestQuotaManager requestQuotas, Time time) {
        for (ApiHandler<?> handler : handlerList) {
            if (handlers.put(handler.apiKey(), handler) != null) {
                throw new IllegalArgumentException("Two handlers for " + handler.apiKey());
            }
        }
        this.requestQuotas = requestQuotas;
        this.time = time;
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
        if (requestQuotas == null || !requestQuotas.enabled()) {
            return handler.handle(context, request);
        }
        long start = time.nanoseconds();
        CompletableFuture<? extends ApiMessage> response = handler.handle(context, request);
        int throttleTimeMs = requestQuotas.recordAndGetThrottleTimeMs(context.clientId(), time.nanoseconds() - start, time.milliseconds());
        if (throttleTimeMs == 0) {
            return response;
        }
        context.muter().muteFor(throttleTimeMs);
        return response.thenApply(message -> withThrottleTime(request.apiKey(), request.version(), message, throttleTimeMs));
    }

    /**
     * {@code response} with a throttle time of at least {@code throttleTimeMs}. Produce and Fetch (which
     * may carry byte-rate throttling and record data) are set directly; any other response is rebuilt
     * through kafka-clients' response class, which knows the versions that carry the field (this costs a
     * copy, and only throttled responses pay it). No response (acks=0) stays none.
     */
    private static ApiMessage withThrottleTime(ApiKeys api, short version, ApiMessage response, int throttleTimeMs) {
        if (response == null) {
            return null;
        }
        if (response instanceof ProduceResponseData produce) {
            return produce.setThrottleTimeMs(Math.max(produce.throttleTimeMs(), throttleTimeMs));
        }
        if (response instanceof FetchResponseData fetch) {
            return fetch.setThrottleTimeMs(Math.max(fetch.throttleTimeMs(), throttleTimeMs));
        }
        ByteBufferAccessor written = MessageUtil.toByteBufferAccessor(response, version);
        AbstractResponse parsed = AbstractResponse.parseResponse(api, new ByteBufferAccessor(written.buffer()), version);
        if (parsed.throttleTimeMs() < throttleTimeMs) {
            parsed.maybeSetThrottleTimeMs(throttleTimeMs);
        }
        return parsed.data();
    }
}
