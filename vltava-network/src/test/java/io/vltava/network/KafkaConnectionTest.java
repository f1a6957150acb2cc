package io.vltava.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.vltava.network.FakeHandler.Call;
import io.vltava.protocol.NettyLeaks;
import io.vltava.protocol.frame.KafkaFrameDecoder;
import io.vltava.protocol.frame.RequestDecoder;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.Writable;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.CreateTopicsResponse;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The connection handler on an embedded channel: every step is deterministic, so ordering, barriers,
 * backpressure and buffer ownership can be checked exactly. Requests go through the real frame decoder.
 */
@ExtendWith(NettyLeaks.class)
class KafkaConnectionTest {

    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.7", 54321);

    private final FakeHandler handler = new FakeHandler();
    private final List<ByteBuf> inputs = new ArrayList<>();
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final NetworkMetrics metrics = new NetworkMetrics(registry);
    private TestChannel channel = connect(16);

    /** An embedded channel with a socket-like remote address (the connection reads it as InetSocketAddress). */
    private static final class TestChannel extends EmbeddedChannel {

        TestChannel(io.netty.channel.ChannelHandler... handlers) {
            super(handlers);
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return isActive() ? CLIENT : null;
        }
    }

    private TestChannel connect(int maxQueuedRequests) {
        return connect(maxQueuedRequests, new RequestBudget(500, -1));
    }

    private TestChannel connect(int maxQueuedRequests, RequestBudget budget) {
        return new TestChannel(new KafkaFrameDecoder(1 << 20),
                new KafkaConnection(new RequestDecoder(handler.servedApis()), handler, "PLAINTEXT", maxQueuedRequests, budget, metrics));
    }

    @AfterEach
    void tearDown() {
        handler.completeAllPending();
        channel.runPendingTasks();
        channel.finishAndReleaseAll();
        assertThat(inputs).as("every frame was released").allSatisfy(input -> assertThat(input.refCnt()).isZero());
    }

    // ---- ordering ----

    @Test
    void pipelinedRequestsAreAnsweredInRequestOrderWhateverOrderTheyComplete() throws Exception {
        AbstractRequest fetch = Wire.fetch();
        send(Wire.frame(fetch, 1), Wire.frame(Wire.produce(), 2), Wire.frame(fetch, 3));

        List<Call> calls = List.of(handler.next(), handler.next(), handler.next());
        assertThat(calls).extracting(Call::correlationId).containsExactly(1, 2, 3);
        calls.get(2).future().complete(fetchResponse(3));
        calls.get(1).future().complete(new org.apache.kafka.common.message.ProduceResponseData().setThrottleTimeMs(2));
        channel.runPendingTasks();
        assertThat(responses()).as("nothing before the first response is ready").isEmpty();
        calls.get(0).future().complete(fetchResponse(1));
        channel.runPendingTasks();

        List<byte[]> responses = responses();
        assertThat(responses).extracting(Wire::correlationId).containsExactly(1, 2, 3);
        assertThat(((FetchResponseData) Wire.parse(responses.get(2), Wire.header(fetch, 3)).data()).throttleTimeMs()).isEqualTo(3);
    }

    @Test
    void aNonPipelinedRequestHoldsBackLaterRequestsUntilItCompletes() throws Exception {
        send(Wire.frame(Wire.createTopics("a"), 1), Wire.frame(Wire.fetch(), 2), Wire.frame(Wire.metadata(), 3));

        Call create = handler.next();
        assertThat(create.api()).isEqualTo(ApiKeys.CREATE_TOPICS);
        assertThat(handler.anotherCallWithin(0)).as("later requests wait").isFalse();
        assertThat(channel.config().isAutoRead()).as("reading stops behind the barrier").isFalse();

        create.future().complete(new CreateTopicsResponseData());
        channel.runPendingTasks();

        Call fetch = handler.next();
        Call metadata = handler.next();
        assertThat(fetch.correlationId()).isEqualTo(2);
        assertThat(metadata.correlationId()).isEqualTo(3);
        assertThat(channel.config().isAutoRead()).as("the metadata request is the new barrier").isFalse();
        fetch.future().complete(fetchResponse(2));
        metadata.future().complete(new MetadataResponseData());
        channel.runPendingTasks();

        assertThat(channel.config().isAutoRead()).isTrue();
        assertThat(responses()).extracting(Wire::correlationId).containsExactly(1, 2, 3);
    }

    @Test
    void aPipelinedRequestDoesNotHoldBackTheNextOne() throws Exception {
        send(Wire.frame(Wire.produce(), 1), Wire.frame(Wire.createTopics("x"), 2));

        assertThat(handler.next().correlationId()).isEqualTo(1);
        assertThat(handler.next().correlationId()).as("dispatched before the produce completed").isEqualTo(2);
    }

    @Test
    void requestsCompletedOnTheirWayInDoNotBlockAnything() throws Exception {
        handler.behave(call -> CompletableFuture.completedFuture(new MetadataResponseData().setThrottleTimeMs(call.correlationId())));

        send(Wire.frame(Wire.metadata(), 1), Wire.frame(Wire.metadata(), 2), Wire.frame(Wire.metadata(), 3));

        assertThat(responses()).extracting(Wire::correlationId).containsExactly(1, 2, 3);
        assertThat(channel.config().isAutoRead()).isTrue();
    }

    @Test
    void futuresCompletedOnAnotherThreadAreBroughtBackToTheEventLoop() throws Exception {
        ExecutorService elsewhere = Executors.newSingleThreadExecutor();
        try {
            handler.behave(call -> CompletableFuture.supplyAsync(() -> fetchResponse(call.correlationId()), elsewhere));

            send(Wire.frame(Wire.fetch(), 1), Wire.frame(Wire.fetch(), 2));
            handler.calls().forEach(call -> call.future().complete(null));
            Thread.sleep(100);
            channel.runPendingTasks();

            assertThat(responses()).extracting(Wire::correlationId).containsExactly(1, 2);
        } finally {
            elsewhere.shutdownNow();
        }
    }

    @Test
    void aNullResponseSendsNothingAndKeepsTheOrder() throws Exception {
        send(Wire.frame(Wire.produce(), 1), Wire.frame(Wire.fetch(), 2));

        Call produce = handler.next();
        Call fetch = handler.next();
        fetch.future().complete(fetchResponse(2));
        produce.future().complete(null); // acks=0: no answer
        channel.runPendingTasks();

        assertThat(responses()).extracting(Wire::correlationId).containsExactly(2);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void theHandlerSeesWhereTheRequestCameFrom() throws Exception {
        send(Wire.frame(Wire.metadata("t"), 77));

        Call call = handler.next();
        RequestContext context = call.context();
        assertThat(context.header().correlationId()).isEqualTo(77);
        assertThat(context.clientId()).isEqualTo(Wire.CLIENT_ID);
        assertThat(context.apiVersion()).isEqualTo(ApiKeys.METADATA.latestVersion());
        assertThat(context.listenerName()).isEqualTo("PLAINTEXT");
        assertThat(context.connectionId()).startsWith("PLAINTEXT-").contains(CLIENT.toString());
        assertThat(context.eventLoop()).isSameAs(channel.eventLoop());
    }

    @Test
    void randomMixesOfRequestsKeepTheirOrderAndTheirBarriers() throws Exception {
        for (long seed = 1; seed <= 30; seed++) {
            java.util.Random random = new java.util.Random(seed);
            FakeHandler mixHandler = new FakeHandler();
            List<String> violations = new ArrayList<>();
            mixHandler.behave(call -> {
                for (Call earlier : mixHandler.calls()) {
                    if (earlier != call && !FakeHandler.PIPELINED.contains(earlier.api()) && !earlier.future().isDone()) {
                        violations.add("request " + call.correlationId() + " dispatched while " + earlier.correlationId() + " was pending");
                    }
                }
                return call.future();
            });
            TestChannel mixChannel = new TestChannel(new KafkaFrameDecoder(1 << 20),
                    new KafkaConnection(new RequestDecoder(mixHandler.servedApis()), mixHandler, "PLAINTEXT", 1000, new RequestBudget(1000, -1),
                            new NetworkMetrics(new PrometheusRegistry())));
            int requests = 60;
            byte[][] frames = new byte[requests][];
            for (int i = 0; i < requests; i++) {
                AbstractRequest request = switch (random.nextInt(4)) {
                    case 0 -> Wire.fetch();
                    case 1 -> Wire.produce();
                    case 2 -> Wire.metadata();
                    default -> Wire.createTopics("t" + i);
                };
                frames[i] = Wire.frame(request, i);
            }
            // Arrive in a few chunks, cut anywhere.
            byte[] stream = Wire.frames(frames);
            int from = 0;
            while (from < stream.length) {
                int to = Math.min(stream.length, from + 1 + random.nextInt(600));
                ByteBuf chunk = UnpooledByteBufAllocator.DEFAULT.directBuffer(to - from);
                chunk.writeBytes(stream, from, to - from);
                mixChannel.writeInbound(chunk);
                from = to;
            }
            // Complete whatever is pending, in random order, until everything is answered. The body's type
            // does not matter to the connection; only the correlation ids are checked.
            List<byte[]> responses = new ArrayList<>();
            int guard = 0;
            while (responses.size() < requests && guard++ < 10_000) {
                List<Call> pending = mixHandler.calls().stream().filter(c -> !c.future().isDone()).toList();
                if (!pending.isEmpty()) {
                    Call call = pending.get(random.nextInt(pending.size()));
                    call.future().complete(new FetchResponseData().setThrottleTimeMs(call.correlationId()));
                }
                mixChannel.runPendingTasks();
                responses.addAll(responsesOf(mixChannel));
            }

            assertThat(violations).as("seed %d", seed).isEmpty();
            assertThat(mixHandler.calls()).extracting(Call::correlationId).as("seed %d", seed)
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, requests).boxed().toList());
            assertThat(responses).extracting(Wire::correlationId).as("seed %d", seed)
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, requests).boxed().toList());
            mixChannel.finishAndReleaseAll();
        }
    }

    // ---- errors ----

    @Test
    void anExceptionFromTheFutureIsAnsweredWithKafkasErrorResponse() throws Exception {
        AbstractRequest create = Wire.createTopics("a", "b");
        send(Wire.frame(create, 5));

        handler.next().future().completeExceptionally(new PolicyViolationException("no topics today"));
        channel.runPendingTasks();

        CreateTopicsResponse response = (CreateTopicsResponse) Wire.parse(single(responses()), Wire.header(create, 5));
        assertThat(response.data().topics()).hasSize(2).allSatisfy(topic -> {
            assertThat(topic.errorCode()).isEqualTo(Errors.POLICY_VIOLATION.code());
            assertThat(topic.errorMessage()).isEqualTo("no topics today");
        });
    }

    @Test
    void requestsErrorsTimesAndConnectionsAreCounted() throws Exception {
        send(Wire.frame(Wire.createTopics("a"), 1), Wire.frame(Wire.metadata(), 2));
        handler.next().future().completeExceptionally(new PolicyViolationException("no"));
        channel.runPendingTasks();
        handler.next().future().complete(new MetadataResponseData());
        channel.runPendingTasks();
        assertThat(responses()).hasSize(2);

        CounterSnapshot requests = (CounterSnapshot) metric("kafka_network_requestmetrics_requests");
        assertThat(requests.getDataPoints()).extracting(point -> point.getLabels().get("request"), CounterSnapshot.CounterDataPointSnapshot::getValue)
                .containsExactlyInAnyOrder(tuple("CreateTopics", 1.0), tuple("Metadata", 1.0));
        CounterSnapshot errors = (CounterSnapshot) metric("kafka_network_requestmetrics_errors");
        assertThat(errors.getDataPoints()).singleElement()
                .satisfies(point -> assertThat(point.getLabels().equals(Labels.of("error", "POLICY_VIOLATION", "request", "CreateTopics"))).isTrue());
        HistogramSnapshot totalTime = (HistogramSnapshot) metric("kafka_network_requestmetrics_totaltime_seconds");
        assertThat(totalTime.getDataPoints()).extracting(HistogramSnapshot.HistogramDataPointSnapshot::getCount).containsExactly(1L, 1L);
        HistogramSnapshot queueTime = (HistogramSnapshot) metric("kafka_network_requestmetrics_requestqueuetime_seconds");
        assertThat(queueTime.getDataPoints()).extracting(HistogramSnapshot.HistogramDataPointSnapshot::getCount).containsExactly(1L, 1L);
        GaugeSnapshot connections = (GaugeSnapshot) metric("kafka_server_socketservermetrics_connection_count");
        assertThat(connections.getDataPoints()).singleElement().satisfies(point -> assertThat(point.getValue()).isEqualTo(1.0));

        channel.close();
        assertThat(((GaugeSnapshot) metric("kafka_server_socketservermetrics_connection_count")).getDataPoints().get(0).getValue()).isZero();
        assertThat(((CounterSnapshot) metric("kafka_server_socketservermetrics_connection_close")).getDataPoints().get(0).getValue()).isEqualTo(1.0);
    }

    private MetricSnapshot metric(String name) {
        return registry.scrape().stream().filter(snapshot -> snapshot.getMetadata().getName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void anExceptionThrownByTheHandlerIsAnsweredToo() throws Exception {
        handler.behave(call -> {
            throw new IllegalStateException("bug in the handler");
        });
        AbstractRequest metadata = Wire.metadata("t");

        send(Wire.frame(metadata, 6));

        MetadataResponse response = (MetadataResponse) Wire.parse(single(responses()), Wire.header(metadata, 6));
        assertThat(response.errors()).containsEntry("t", Errors.UNKNOWN_SERVER_ERROR);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void aRetriableErrorKeepsItsCode() throws Exception {
        AbstractRequest metadata = Wire.metadata("t");
        send(Wire.frame(metadata, 7));

        handler.next().future().completeExceptionally(new CorruptRecordException("bad"));
        channel.runPendingTasks();

        MetadataResponse response = (MetadataResponse) Wire.parse(single(responses()), Wire.header(metadata, 7));
        assertThat(response.errors()).containsEntry("t", Errors.CORRUPT_MESSAGE);
    }

    @Test
    void aResponseThatCannotBeEncodedIsAnsweredWithAnError() throws Exception {
        AbstractRequest metadata = Wire.metadata("t");
        send(Wire.frame(metadata, 8));

        handler.next().future().complete(new MetadataResponseData() {
            @Override
            public void write(Writable writable, ObjectSerializationCache cache, short version) {
                throw new IllegalStateException("cannot write");
            }
        });
        channel.runPendingTasks();

        MetadataResponse response = (MetadataResponse) Wire.parse(single(responses()), Wire.header(metadata, 8));
        assertThat(response.errors()).containsEntry("t", Errors.UNKNOWN_SERVER_ERROR);
    }

    @Test
    void closeConnectionExceptionClosesAfterTheResponsesBeforeIt() throws Exception {
        send(Wire.frame(Wire.fetch(), 1), Wire.frame(Wire.produce(), 2), Wire.frame(Wire.fetch(), 3));
        Call first = handler.next();
        Call produce = handler.next();
        Call third = handler.next();

        third.future().complete(fetchResponse(3));
        produce.future().completeExceptionally(new CloseConnectionException("acks=0 produce failed"));
        first.future().complete(fetchResponse(1));
        channel.runPendingTasks();

        assertThat(responses()).extracting(Wire::correlationId).containsExactly(1);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void closeConnectionExceptionWrappedInACompletionExceptionClosesToo() throws Exception {
        handler.behave(call -> call.future().thenApply(body -> {
            throw new CloseConnectionException("later");
        }));
        send(Wire.frame(Wire.metadata(), 1));

        handler.next().future().complete(new MetadataResponseData());
        channel.runPendingTasks();

        assertThat(responses()).isEmpty();
        assertThat(channel.isOpen()).isFalse();
    }

    // ---- frames the connection cannot serve ----

    @Test
    void aGarbageFrameClosesTheConnectionWhenItsTurnComes() throws Exception {
        byte[] garbage = ByteBuffer.allocate(16).putInt(12).putShort((short) 0x7fff).putShort((short) 0).putInt(1).putInt(0).array();
        send(Wire.frame(Wire.createTopics("a"), 1), Wire.frame(Wire.metadata(), 2), garbage);
        Call create = handler.next();
        assertThat(channel.isOpen()).as("the garbage waits behind the barrier").isTrue();

        create.future().complete(new CreateTopicsResponseData());
        channel.runPendingTasks();
        handler.next().future().complete(new MetadataResponseData());
        channel.runPendingTasks();

        assertThat(handler.calls()).extracting(Call::correlationId).containsExactly(1, 2);
        assertThat(channel.isOpen()).isFalse();
        assertThat(responses()).as("the requests before the garbage were answered").extracting(Wire::correlationId).containsExactly(1, 2);
    }

    @Test
    void aGarbageFrameAfterPipelinedRequestsClosesAtOnce() throws Exception {
        byte[] garbage = ByteBuffer.allocate(16).putInt(12).putShort((short) 0x7fff).putShort((short) 0).putInt(1).putInt(0).array();
        send(Wire.frame(Wire.fetch(), 1), garbage);

        assertThat(handler.calls()).extracting(Call::correlationId).containsExactly(1);
        assertThat(channel.isOpen()).isFalse();
        handler.next().future().complete(fetchResponse(1));
        channel.runPendingTasks();
        assertThat(responses()).isEmpty();
    }

    @Test
    void anApiThatIsNotServedClosesTheConnection() {
        AbstractRequest describeGroups = Wire.request(ApiKeys.DESCRIBE_GROUPS, ApiKeys.DESCRIBE_GROUPS.messageType.newRequest());

        send(Wire.frame(describeGroups, 1));

        assertThat(handler.calls()).isEmpty();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aFrameAboveTheLimitClosesTheConnection() {
        send(ByteBuffer.allocate(8).putInt(2 << 20).putInt(0).array());

        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void framesHeldBehindABarrierAreReleasedWhenTheConnectionCloses() throws Exception {
        send(Wire.frame(Wire.createTopics("a"), 1), Wire.frame(Wire.fetch(), 2), Wire.frame(Wire.fetch(), 3));
        Call create = handler.next();

        channel.close();
        create.future().complete(new CreateTopicsResponseData());
        channel.runPendingTasks();

        assertThat(handler.calls()).hasSize(1);
        assertThat(inputs.get(0).refCnt()).isZero();
    }

    @Test
    void aRequestCompletingAfterTheConnectionClosedIsReleased() throws Exception {
        send(Wire.frame(Wire.fetch(), 1), Wire.frame(Wire.fetch(), 2));
        Call first = handler.next();
        Call second = handler.next();
        second.future().complete(fetchResponse(2)); // ready, but waits for the first

        channel.close();
        assertThat(inputs.get(0).refCnt()).as("the first request still holds its frame").isPositive();
        first.future().complete(fetchResponse(1));
        channel.runPendingTasks();

        assertThat(inputs.get(0).refCnt()).isZero();
    }

    @Test
    void anIdleConnectionIsClosed() {
        channel.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);

        assertThat(channel.isOpen()).isFalse();
    }

    // ---- backpressure ----

    @Test
    void readingStopsWhileTooManyRequestsAreOutstanding() throws Exception {
        channel.finishAndReleaseAll();
        channel = connect(2);

        send(Wire.frame(Wire.fetch(), 1));
        assertThat(channel.config().isAutoRead()).isTrue();
        send(Wire.frame(Wire.fetch(), 2));
        assertThat(channel.config().isAutoRead()).as("two requests outstanding").isFalse();

        handler.next().future().complete(fetchResponse(1));
        channel.runPendingTasks();
        assertThat(channel.config().isAutoRead()).isTrue();
        handler.next().future().complete(fetchResponse(2));
        channel.runPendingTasks();
        assertThat(responses()).extracting(Wire::correlationId).containsExactly(1, 2);
    }

    @Test
    void readingStopsOnEveryConnectionWhileTheBrokerIsAtItsRequestLimit() throws Exception {
        RequestBudget shared = new RequestBudget(1, -1);
        channel.finishAndReleaseAll();
        channel = connect(16, shared);
        send(Wire.frame(Wire.fetch(), 1));
        assertThat(channel.config().isAutoRead()).as("the broker is at its limit").isFalse();
        TestChannel late = connect(16, shared);
        try {
            assertThat(late.config().isAutoRead()).as("a connection opened at the limit starts paused").isFalse();

            handler.next().future().complete(fetchResponse(1));
            channel.runPendingTasks();
            late.runPendingTasks();

            assertThat(responses()).extracting(Wire::correlationId).containsExactly(1);
            assertThat(shared.requests()).isZero();
            assertThat(channel.config().isAutoRead()).isTrue();
            assertThat(late.config().isAutoRead()).as("woken when the answer was sent").isTrue();
        } finally {
            late.finishAndReleaseAll();
        }
    }

    @Test
    void aClosedConnectionGivesBackWhatItHeld() throws Exception {
        RequestBudget shared = new RequestBudget(2, 1);
        channel.finishAndReleaseAll();
        channel = connect(16, shared);
        send(Wire.frame(Wire.createTopics("a"), 1), Wire.frame(Wire.fetch(), 2));
        assertThat(shared.requests()).as("the one dispatched and the one behind it").isEqualTo(2);
        assertThat(shared.hasRoom()).isFalse();

        channel.close();
        channel.runPendingTasks();

        assertThat(shared.requests()).isZero();
        assertThat(shared.bytes()).isZero();
    }

    @Test
    void aMutedConnectionAnswersAtOnceThenNeitherReadsNorDispatchesUntilTheThrottleTimeIsUp() throws Exception {
        handler.behave(call -> {
            if (call.correlationId() == 1) {
                call.context().muter().muteFor(30_000);
            }
            return CompletableFuture.completedFuture(new ProduceResponseData().setThrottleTimeMs(call.correlationId()));
        });

        send(Wire.frame(Wire.produce(), 1), Wire.frame(Wire.produce(), 2));

        assertThat(responses()).extracting(Wire::correlationId).containsExactly(1);
        assertThat(handler.calls()).as("the second request waits for the mute to end").hasSize(1);
        assertThat(channel.config().isAutoRead()).isFalse();

        channel.advanceTimeBy(29, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(handler.calls()).hasSize(1);

        channel.advanceTimeBy(1, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(handler.calls()).hasSize(2);
        assertThat(responses()).extracting(Wire::correlationId).containsExactly(2);
        assertThat(channel.config().isAutoRead()).isTrue();
    }

    @Test
    void readingStopsWhileTheSocketCannotTakeMoreOutput() {
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        channel.runPendingTasks(); // Netty announces this writability change from a task
        assertThat(channel.isWritable()).isFalse();
        assertThat(channel.config().isAutoRead()).isFalse();

        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        channel.runPendingTasks();
        assertThat(channel.config().isAutoRead()).isTrue();
    }

    // ---- ApiVersions ----

    @Test
    void anApiVersionsRequestAboveOurRangeIsHandedOnAsV0AndAnsweredAtV0() throws Exception {
        short future = (short) (ApiKeys.API_VERSIONS.latestVersion() + 1);
        RequestHeader header = new RequestHeader(ApiKeys.API_VERSIONS, future, "new-client", 9);
        byte[] headerBytes = headerBytes(header);
        send(ByteBuffer.allocate(4 + headerBytes.length + 3).putInt(headerBytes.length + 3).put(headerBytes).put(new byte[] {1, 2, 3}).array());

        Call call = handler.next();
        ApiVersionsRequest request = (ApiVersionsRequest) call.request();
        assertThat(request.version()).isZero();
        assertThat(request.hasUnsupportedRequestVersion()).isTrue();
        ApiVersionsResponseData body = new ApiVersionsResponseData().setErrorCode(Errors.UNSUPPORTED_VERSION.code());
        body.apiKeys().add(new ApiVersionsResponseData.ApiVersion().setApiKey(ApiKeys.API_VERSIONS.id).setMaxVersion(ApiKeys.API_VERSIONS.latestVersion()));
        call.future().complete(body);
        channel.runPendingTasks();

        ByteBufferAccessor reader = new ByteBufferAccessor(ByteBuffer.wrap(single(responses())));
        assertThat(new ResponseHeaderData(reader, (short) 0).correlationId()).isEqualTo(9);
        assertThat(new ApiVersionsResponseData(reader, (short) 0)).isEqualTo(body);
        assertThat(reader.remaining()).isZero();
    }

    // ---- helpers ----

    private void send(byte[]... frames) {
        // Unpooled (never recycled) and tracked: its reference count tells whether the frames cut from it were released.
        ByteBuf input = UnpooledByteBufAllocator.DEFAULT.directBuffer();
        input.writeBytes(Wire.frames(frames));
        inputs.add(input);
        try {
            channel.writeInbound(input);
        } catch (RuntimeException e) {
            // a refused frame: the connection closes; the test checks that
        }
    }

    /** Response frames written so far (without size prefixes). */
    private List<byte[]> responses() {
        return responsesOf(channel);
    }

    private static List<byte[]> responsesOf(EmbeddedChannel channel) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Object msg;
        while ((msg = channel.readOutbound()) != null) {
            ByteBuf buf = (ByteBuf) msg;
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            buf.release();
            out.writeBytes(bytes);
        }
        return Wire.split(out.toByteArray());
    }

    private static byte[] single(List<byte[]> responses) {
        assertThat(responses).hasSize(1);
        return responses.get(0);
    }

    private static ApiMessage fetchResponse(int marker) {
        return new FetchResponseData().setThrottleTimeMs(marker);
    }

    private static byte[] headerBytes(RequestHeader header) {
        ByteBuffer buffer = org.apache.kafka.common.protocol.MessageUtil.toByteBufferAccessor(header.data(), header.headerVersion()).buffer();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
