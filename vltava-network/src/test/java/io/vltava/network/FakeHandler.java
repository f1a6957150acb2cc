package io.vltava.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;

/**
 * A request handler for tests: records every call and, unless told otherwise, returns a future the
 * test completes. Serves ApiVersions, Metadata, Produce, Fetch and CreateTopics; Produce and Fetch are
 * pipelined.
 */
final class FakeHandler implements RequestHandler {

    static final Set<ApiKeys> SERVED = Set.of(ApiKeys.API_VERSIONS, ApiKeys.METADATA, ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.CREATE_TOPICS);
    static final Set<ApiKeys> PIPELINED = Set.of(ApiKeys.PRODUCE, ApiKeys.FETCH);

    /** One call of {@link #handle}. */
    record Call(RequestContext context, AbstractRequest request, CompletableFuture<ApiMessage> future) {

        int correlationId() {
            return context.header().correlationId();
        }

        ApiKeys api() {
            return request.apiKey();
        }
    }

    private final BlockingQueue<Call> unclaimed = new LinkedBlockingQueue<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private volatile Function<Call, CompletableFuture<ApiMessage>> behaviour = Call::future;

    @Override
    public Set<ApiKeys> servedApis() {
        return SERVED;
    }

    @Override
    public boolean isPipelined(ApiKeys api) {
        return PIPELINED.contains(api);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        Call call = new Call(context, request, new CompletableFuture<>());
        calls.add(call);
        unclaimed.add(call);
        return behaviour.apply(call);
    }

    /** What {@link #handle} returns for each call (it may also throw); by default the call's own future. */
    void behave(Function<Call, CompletableFuture<ApiMessage>> behaviour) {
        this.behaviour = behaviour;
    }

    /** The next call not yet returned by this method, waiting up to 5 seconds for it. */
    Call next() throws InterruptedException {
        Call call = unclaimed.poll(5, TimeUnit.SECONDS);
        assertThat(call).as("a request reached the handler").isNotNull();
        return call;
    }

    /** Whether another call arrives within {@code millis}. */
    boolean anotherCallWithin(long millis) throws InterruptedException {
        Call call = unclaimed.poll(millis, TimeUnit.MILLISECONDS);
        if (call != null) {
            unclaimed.add(call);
            return true;
        }
        return false;
    }

    /** Every call so far, in order. */
    List<Call> calls() {
        return calls;
    }

    /** Completes every call still pending with "no response", so that the connection releases its frames. */
    void completeAllPending() {
        for (Call call : calls) {
            call.future().complete(null);
        }
    }
}
