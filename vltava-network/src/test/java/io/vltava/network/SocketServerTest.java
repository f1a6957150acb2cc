package io.vltava.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.PooledByteBufAllocator;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.vltava.common.config.Endpoint;
import io.vltava.network.FakeHandler.Call;
import io.vltava.protocol.NettyLeaks;
import io.vltava.protocol.records.LogSliceRecords;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.CreateTopicsResponse;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.MetadataResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A real server on a loopback port with a fake handler, driven by plain sockets. */
@ExtendWith(NettyLeaks.class)
@Timeout(60)
class SocketServerTest {

    private final FakeHandler handler = new FakeHandler();
    private final List<TestClient> clients = new ArrayList<>();
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private SocketServer server;
    private InetSocketAddress address;

    private void start(long connectionsMaxIdleMs, int maxQueuedRequests) throws InterruptedException {
        start(connectionsMaxIdleMs, maxQueuedRequests, SocketServerConfig.Limits.DEFAULT);
    }

    private void start(SocketServerConfig.Limits limits) throws InterruptedException {
        start(60_000, 16, limits);
    }

    private void start(long connectionsMaxIdleMs, int maxQueuedRequests, SocketServerConfig.Limits limits) throws InterruptedException {
        SocketServerConfig config = new SocketServerConfig(List.of(new Endpoint("PLAINTEXT", "127.0.0.1", 0)), 1 << 20, 2, -1, -1,
                connectionsMaxIdleMs, maxQueuedRequests, limits);
        server = new SocketServer(config, handler, new NetworkMetrics(registry));
        List<Endpoint> bound = server.start();
        assertThat(bound).hasSize(1);
        assertThat(bound.get(0).port()).isPositive();
        assertThat(bound.get(0).listenerName()).isEqualTo("PLAINTEXT");
        address = new InetSocketAddress("127.0.0.1", bound.get(0).port());
    }

    private void start() throws InterruptedException {
        start(60_000, 16);
    }

    private TestClient connect() throws IOException {
        TestClient client = new TestClient(address);
        clients.add(client);
        return client;
    }

    @AfterEach
    void stop() throws Exception {
        // Requests still with the handler hold their frames: complete them while the event loops run.
        handler.completeAllPending();
        for (TestClient client : clients) {
            client.close();
        }
        if (server != null) {
            Thread.sleep(100);
            server.close();
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInRequestOrderWhenCompletedInReverse() throws Exception {
        start();
        TestClient client = connect();
        client.send(Wire.fetch(), 1, Wire.produce(), 2, Wire.fetch(), 3, Wire.produce(), 4);

        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            calls.add(handler.next());
        }
        assertThat(calls).extracting(Call::correlationId).containsExactly(1, 2, 3, 4);
        for (int i = calls.size() - 1; i >= 0; i--) {
            Call call = calls.get(i);
            call.future().complete(call.api() == ApiKeys.FETCH
                    ? new FetchResponseData().setThrottleTimeMs(call.correlationId())
                    : new ProduceResponseData().setThrottleTimeMs(call.correlationId()));
        }

        for (int expected = 1; expected <= 4; expected++) {
            var response = client.receiveParsed();
            assertThat(response.throttleTimeMs()).as("response %d", expected).isEqualTo(expected);
        }
    }

    @Test
    void closingTheServerClosesEveryConnection() throws Exception {
        start();
        List<TestClient> open = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            TestClient client = connect();
            client.send(Wire.fetch(), i);
            handler.next().future().complete(new FetchResponseData().setThrottleTimeMs(i));
            assertThat(client.receiveParsed().throttleTimeMs()).isEqualTo(i);
            open.add(client);
        }
        TestClient halfway = connect();
        halfway.sendRaw(new byte[] {0, 0, 0, 40, 0, 1});
        open.add(halfway);

        server.close();
        server = null;

        for (TestClient client : open) {
            client.assertClosedByServer();
        }
    }

    @Test
    void aNonPipelinedRequestHoldsBackLaterRequestsUntilItCompletes() throws Exception {
        start();
        TestClient client = connect();
        client.send(Wire.createTopics("a"), 1, Wire.metadata(), 2, Wire.fetch(), 3);

        Call create = handler.next();
        assertThat(create.api()).isEqualTo(ApiKeys.CREATE_TOPICS);
        assertThat(handler.anotherCallWithin(300)).as("the handler sees nothing behind CreateTopics").isFalse();

        create.future().complete(new CreateTopicsResponseData().setThrottleTimeMs(1));
        assertThat(client.receiveParsed().throttleTimeMs()).isEqualTo(1);
        Call metadata = handler.next();
        assertThat(metadata.correlationId()).isEqualTo(2);
        assertThat(handler.anotherCallWithin(300)).as("Metadata is a barrier too").isFalse();

        metadata.future().complete(new MetadataResponseData().setThrottleTimeMs(2));
        Call fetch = handler.next();
        fetch.future().complete(new FetchResponseData().setThrottleTimeMs(3));
        assertThat(client.receiveParsed().throttleTimeMs()).isEqualTo(2);
        assertThat(client.receiveParsed().throttleTimeMs()).isEqualTo(3);
    }

    @Test
    void closeConnectionExceptionClosesTheConnection() throws Exception {
        start();
        TestClient client = connect();
        client.send(Wire.fetch(), 1, Wire.produce(), 2);
        Call fetch = handler.next();
        Call produce = handler.next();

        produce.future().completeExceptionally(new CloseConnectionException("acks=0 produce failed"));
        fetch.future().complete(new FetchResponseData().setThrottleTimeMs(1));

        assertThat(client.receiveParsed().throttleTimeMs()).as("the response before it is still sent").isEqualTo(1);
        client.assertClosedByServer();
    }

    @Test
    void anExceptionFromTheHandlerIsAnsweredWithTheMatchingErrorCode() throws Exception {
        start();
        TestClient client = connect();
        handler.behave(call -> switch (call.correlationId()) {
            case 1 -> CompletableFuture.failedFuture(new PolicyViolationException("not allowed here"));
            case 2 -> throw new IllegalStateException("handler bug");
            default -> call.future();
        });

        client.send(Wire.createTopics("a", "b"), 1, Wire.metadata("t"), 2);

        CreateTopicsResponse create = (CreateTopicsResponse) client.receiveParsed();
        assertThat(create.data().topics()).hasSize(2).allSatisfy(topic -> {
            assertThat(topic.errorCode()).isEqualTo(Errors.POLICY_VIOLATION.code());
            assertThat(topic.errorMessage()).isEqualTo("not allowed here");
        });
        MetadataResponse metadata = (MetadataResponse) client.receiveParsed();
        assertThat(metadata.errors()).containsEntry("t", Errors.UNKNOWN_SERVER_ERROR);
        assertThat(client.stillOpenAfter(100)).isTrue();
    }

    @Test
    void aGarbageFrameClosesOnlyItsOwnConnection() throws Exception {
        start();
        handler.behave(call -> CompletableFuture.completedFuture(new MetadataResponseData().setThrottleTimeMs(call.correlationId())));
        TestClient good = connect();
        TestClient bad = connect();
        good.send(Wire.metadata(), 1);
        assertThat(good.receiveParsed().throttleTimeMs()).isEqualTo(1);

        bad.sendRaw(ByteBuffer.allocate(14).putInt(10).putShort((short) 0x7abc).putShort((short) 0).putInt(9).putShort((short) 0).array());

        bad.assertClosedByServer();
        good.send(Wire.metadata(), 2);
        assertThat(good.receiveParsed().throttleTimeMs()).isEqualTo(2);
    }

    @Test
    void aNegativeOrOversizedFrameClosesTheConnection() throws Exception {
        start();
        TestClient negative = connect();
        TestClient oversized = connect();

        negative.sendRaw(ByteBuffer.allocate(4).putInt(-1).array());
        oversized.sendRaw(ByteBuffer.allocate(8).putInt((1 << 20) + 1).putInt(0).array());

        negative.assertClosedByServer();
        oversized.assertClosedByServer();
        assertThat(handler.calls()).isEmpty();
    }

    @Test
    void aRequestForAnApiNotServedClosesTheConnection() throws Exception {
        start();
        TestClient client = connect();
        AbstractRequest describeGroups = Wire.request(ApiKeys.DESCRIBE_GROUPS, ApiKeys.DESCRIBE_GROUPS.messageType.newRequest());

        client.send(describeGroups, 1);

        client.assertClosedByServer();
        assertThat(handler.calls()).isEmpty();
    }

    @Test
    void idleConnectionsAreClosed() throws Exception {
        start(300, 16);
        handler.behave(call -> CompletableFuture.completedFuture(new MetadataResponseData()));
        TestClient client = connect();
        client.send(Wire.metadata(), 1);
        client.receive();

        long idleSince = System.nanoTime();
        client.assertClosedByServer();

        assertThat(Duration.ofNanos(System.nanoTime() - idleSince)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
    }

    @Test
    void aClientThatKeepsTalkingIsNotIdle() throws Exception {
        start(1_000, 16);
        handler.behave(call -> CompletableFuture.completedFuture(new MetadataResponseData()));
        TestClient client = connect();

        for (int i = 0; i < 8; i++) { // 1.6 s in all, never more than 0.2 s quiet
            client.send(Wire.metadata(), i);
            client.receive();
            Thread.sleep(200);
        }

        assertThat(client.stillOpenAfter(50)).isTrue();
    }

    @Test
    void anApiVersionsRequestFromTheFutureGetsAV0Answer() throws Exception {
        start();
        handler.behave(call -> {
            ApiVersionsResponseData body = new ApiVersionsResponseData().setErrorCode(Errors.UNSUPPORTED_VERSION.code());
            body.apiKeys().add(new ApiVersionsResponseData.ApiVersion()
                    .setApiKey(ApiKeys.API_VERSIONS.id).setMinVersion((short) 0).setMaxVersion(ApiKeys.API_VERSIONS.latestVersion()));
            return CompletableFuture.completedFuture(body);
        });
        TestClient client = connect();
        short future = (short) (ApiKeys.API_VERSIONS.latestVersion() + 1);
        byte[] header = new byte[] {0, 18, (byte) (future >> 8), (byte) future, 0, 0, 0, 42, 0, 1, 'c', 0};
        client.sendRaw(ByteBuffer.allocate(4 + header.length + 4).putInt(header.length + 4).put(header).putInt(0x01020304).array());

        TestClient.Response response = client.receive();

        assertThat(response.correlationId()).isEqualTo(42);
        // Header v0 (no tagged fields), body v0: kafka-clients reads it as a client does after sending v0.
        ApiVersionsResponse parsed = ApiVersionsResponse.parse(
                new org.apache.kafka.common.protocol.ByteBufferAccessor(ByteBuffer.wrap(response.frame(), 4, response.frame().length - 4)), (short) 0);
        assertThat(parsed.data().errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
        assertThat(parsed.data().apiKeys().find(ApiKeys.API_VERSIONS.id).maxVersion()).isEqualTo(ApiKeys.API_VERSIONS.latestVersion());
    }

    @Test
    void logSlicesAreSentFromTheirFile(@TempDir Path dir) throws Exception {
        start();
        MemoryRecords records = MemoryRecords.withRecords(0L, Compression.NONE,
                new SimpleRecord(1L, "k".getBytes(), "v".repeat(100_000).getBytes()),
                new SimpleRecord(2L, "k".getBytes(), "w".getBytes()));
        byte[] recordBytes = new byte[records.sizeInBytes()];
        records.buffer().get(recordBytes);
        Path file = dir.resolve("00000000000000000000.log");
        Files.write(file, io.vltava.network.Wire.frames(new byte[100], recordBytes));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            handler.behave(call -> CompletableFuture.completedFuture(new FetchResponseData().setResponses(List.of(
                    new FetchableTopicResponse().setTopicId(org.apache.kafka.common.Uuid.ONE_UUID).setPartitions(List.of(
                            new PartitionData().setPartitionIndex(0).setHighWatermark(2)
                                    .setRecords(new LogSliceRecords(channel, 100, recordBytes.length))))))));
            TestClient client = connect();
            client.send(Wire.fetch(), 5);

            FetchResponse response = (FetchResponse) client.receiveParsed();

            MemoryRecords received = (MemoryRecords) response.data().responses().get(0).partitions().get(0).records();
            assertThat(received).isEqualTo(MemoryRecords.readableRecords(ByteBuffer.wrap(recordBytes)));
            assertThat(channel.isOpen()).as("the segment's channel stays open").isTrue();
        }
    }

    @Test
    void readingStopsWhileTooManyRequestsAreOutstanding() throws Exception {
        start(60_000, 2);
        TestClient client = connect();
        client.send(Wire.fetch(), 1);
        Call first = handler.next();
        client.send(Wire.fetch(), 2);
        Call second = handler.next();

        // Two requests outstanding: the server has stopped reading, so these stay in the socket.
        client.send(Wire.fetch(), 3, Wire.fetch(), 4, Wire.fetch(), 5);
        assertThat(handler.anotherCallWithin(300)).as("the server reads nothing more").isFalse();

        first.future().complete(new FetchResponseData().setThrottleTimeMs(1));
        second.future().complete(new FetchResponseData().setThrottleTimeMs(2));
        for (int i = 3; i <= 5; i++) {
            Call next = handler.next();
            assertThat(next.correlationId()).isEqualTo(i);
            next.future().complete(new FetchResponseData().setThrottleTimeMs(i));
        }
        for (int i = 1; i <= 5; i++) {
            assertThat(client.receiveParsed().throttleTimeMs()).isEqualTo(i);
        }
    }

    @Test
    void aConnectionAboveItsAddressLimitIsClosedAtOnce() throws Exception {
        start(new SocketServerConfig.Limits(Integer.MAX_VALUE, 0, Map.of("127.0.0.1", 2), 500, -1, 30_000));
        TestClient first = connectAndAnswer(1);
        connectAndAnswer(2);

        connect().assertClosedByServer();

        first.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> server.connections() == 1);
        connectAndAnswer(3);
        assertThat(rejected("max.connections.per.ip")).isEqualTo(1.0);
    }

    @Test
    void atMaxConnectionsTheServerStopsAcceptingUntilOneCloses() throws Exception {
        start(new SocketServerConfig.Limits(2, Integer.MAX_VALUE, Map.of(), 500, -1, 30_000));
        TestClient first = connectAndAnswer(1);
        connectAndAnswer(2);

        handler.behave(call -> CompletableFuture.completedFuture(new MetadataResponseData().setThrottleTimeMs(call.correlationId())));
        TestClient waiting = connect(); // completed by the kernel's backlog, not yet accepted
        waiting.send(Wire.metadata(), 3);
        assertThat(waiting.stillOpenAfter(300)).as("no answer while the broker is full").isTrue();
        assertThat(server.connections()).isEqualTo(2);

        first.close();
        assertThat(waiting.receiveParsed().throttleTimeMs()).as("accepted once a connection closed").isEqualTo(3);
        assertThat(server.connections()).isEqualTo(2);
    }

    @Test
    void atQueuedMaxRequestsEveryConnectionWaitsUntilResponsesAreSent() throws Exception {
        start(new SocketServerConfig.Limits(Integer.MAX_VALUE, Integer.MAX_VALUE, Map.of(), 2, -1, 30_000));
        TestClient a = connect();
        TestClient b = connect();
        a.send(Wire.fetch(), 1);
        Call first = handler.next();
        b.send(Wire.fetch(), 2);
        Call second = handler.next();
        assertThat(server.queuedRequests()).isEqualTo(2);

        TestClient c = connect();
        c.send(Wire.fetch(), 3);
        b.send(Wire.fetch(), 4);
        assertThat(handler.anotherCallWithin(300)).as("no connection is read while two requests are outstanding").isFalse();

        first.future().complete(new FetchResponseData().setThrottleTimeMs(1));
        assertThat(a.receiveParsed().throttleTimeMs()).isEqualTo(1);
        Call third = handler.next(); // the waiting connections resume; one may fill the room again before the other reads
        third.future().complete(new FetchResponseData().setThrottleTimeMs(third.correlationId()));
        second.future().complete(new FetchResponseData().setThrottleTimeMs(2));
        Call fourth = handler.next();
        fourth.future().complete(new FetchResponseData().setThrottleTimeMs(fourth.correlationId()));
        assertThat(List.of(third.correlationId(), fourth.correlationId())).containsExactlyInAnyOrder(3, 4);
        assertThat(b.receiveParsed().throttleTimeMs()).isEqualTo(2);
        assertThat(b.receiveParsed().throttleTimeMs()).isEqualTo(4);
        assertThat(c.receiveParsed().throttleTimeMs()).isEqualTo(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.queuedRequests() == 0);
    }

    @Test
    void atQueuedMaxRequestBytesReadingWaitsButALargerRequestStillGoesThroughAlone() throws Exception {
        int fetchBytes = Wire.frame(Wire.fetch(), 1).length - 4;
        start(new SocketServerConfig.Limits(Integer.MAX_VALUE, Integer.MAX_VALUE, Map.of(), 500, fetchBytes / 2, 30_000));
        TestClient a = connect();
        a.send(Wire.fetch(), 1);
        Call oversized = handler.next();
        TestClient b = connect();
        b.send(Wire.fetch(), 2);
        assertThat(handler.anotherCallWithin(300)).as("nothing more is read while the bytes are over the bound").isFalse();

        oversized.future().complete(new FetchResponseData().setThrottleTimeMs(1));
        assertThat(a.receiveParsed().throttleTimeMs()).isEqualTo(1);
        Call next = handler.next();
        assertThat(next.correlationId()).isEqualTo(2);
        next.future().complete(new FetchResponseData().setThrottleTimeMs(2));
        assertThat(b.receiveParsed().throttleTimeMs()).isEqualTo(2);
    }

    @Test
    void aRequestTrickledInSlowerThanTheArrivalTimeoutClosesItsConnection() throws Exception {
        start(new SocketServerConfig.Limits(Integer.MAX_VALUE, Integer.MAX_VALUE, Map.of(), 500, -1, 500));
        handler.behave(call -> CompletableFuture.completedFuture(new MetadataResponseData().setThrottleTimeMs(call.correlationId())));
        TestClient prompt = connect();
        TestClient slow = connect();
        byte[] frame = Wire.frame(Wire.metadata(), 1);

        long started = System.nanoTime();
        slow.sendRaw(Arrays.copyOf(frame, 6));
        prompt.send(Wire.metadata(), 2);
        assertThat(prompt.receiveParsed().throttleTimeMs()).isEqualTo(2);

        slow.assertClosedByServer();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        assertThat(prompt.stillOpenAfter(100)).as("a connection with whole requests is not affected").isTrue();
    }

    @Test
    void aClientThatNeverReadsItsResponsesStopsBeingRead() throws Exception {
        start(60_000, 16);
        byte[] value = new byte[128 * 1024];
        MemoryRecords records = MemoryRecords.withRecords(0L, Compression.NONE, new SimpleRecord(value));
        handler.behave(call -> CompletableFuture.completedFuture(new FetchResponseData().setResponses(List.of(
                new FetchableTopicResponse().setTopicId(org.apache.kafka.common.Uuid.ONE_UUID).setPartitions(List.of(
                        new PartitionData().setPartitionIndex(0).setRecords(MemoryRecords.readableRecords(records.buffer()))))))));
        TestClient reader = connect();
        int requests = 2_000;
        Object[] fetches = new Object[2 * requests];
        for (int i = 0; i < requests; i++) {
            fetches[2 * i] = Wire.fetch();
            fetches[2 * i + 1] = i;
        }
        // The writes may block once the server stops reading; closing the client at the end ends them.
        CompletableFuture.runAsync(() -> {
            try {
                reader.send(fetches);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });

        int[] seen = {-1};
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    int now = handler.calls().size();
                    boolean settled = now > 0 && now == seen[0];
                    seen[0] = now;
                    return settled;
                });
        long answered = handler.calls().size();
        System.out.printf("slow reader: %d of %d fetches read, %d MiB of responses at most held; pooled direct memory in use %d MiB%n",
                answered, requests, answered * value.length >> 20, PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory() >> 20);
        assertThat(answered).as("the server stopped handling the connection's requests").isLessThan(requests / 10);
    }

    /** A new connection that has had a Metadata request answered, so the server has surely accepted it. */
    private TestClient connectAndAnswer(int correlationId) throws Exception {
        handler.behave(call -> CompletableFuture.completedFuture(new MetadataResponseData().setThrottleTimeMs(call.correlationId())));
        TestClient client = connect();
        client.send(Wire.metadata(), correlationId);
        assertThat(client.receiveParsed().throttleTimeMs()).isEqualTo(correlationId);
        return client;
    }

    private double rejected(String reason) {
        return registry.scrape().stream().filter(m -> m.getMetadata().getName().equals("kafka_server_socketservermetrics_connection_rejected"))
                .flatMap(m -> ((CounterSnapshot) m).getDataPoints().stream())
                .filter(p -> p.getLabels().get("reason").equals(reason))
                .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue).sum();
    }

    @Test
    void closingTheServerClosesItsConnectionsAndPort() throws Exception {
        start();
        TestClient client = connect();
        handler.behave(call -> CompletableFuture.completedFuture(new MetadataResponseData()));
        client.send(Wire.metadata(), 1);
        client.receive();

        server.close();
        server = null;

        client.assertClosedByServer();
        assertThat(canConnect(address)).isFalse();
    }

    @Test
    void aRequestStillWithTheHandlerAtShutdownIsReleasedWhenItCompletes() throws Exception {
        start();
        TestClient client = connect();
        client.send(Wire.fetch(), 1);
        Call fetch = handler.next();

        server.close(Duration.ZERO);
        server = null;
        fetch.future().complete(new FetchResponseData());

        NettyLeaks.assertNoLeaks();
    }

    @Test
    void closingTheServerAnswersTheRequestsItHasStartedThenClosesTheirConnections() throws Exception {
        start();
        TestClient busy = connect();
        busy.send(Wire.fetch(), 1);
        Call fetch = handler.next();
        TestClient idle = connect();
        idle.send(Wire.fetch(), 2);
        handler.next().future().complete(new FetchResponseData().setThrottleTimeMs(2));
        assertThat(idle.receiveParsed().throttleTimeMs()).isEqualTo(2);

        CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> server.close());
        idle.assertClosedByServer();
        assertThat(canConnect(address)).isFalse();
        assertThat(closed).isNotDone();

        fetch.future().complete(new FetchResponseData().setThrottleTimeMs(1));
        assertThat(busy.receiveParsed().throttleTimeMs()).isEqualTo(1);
        busy.assertClosedByServer();
        closed.get(10, TimeUnit.SECONDS);
        server = null;
    }

    private static boolean canConnect(InetSocketAddress address) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(address, 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
