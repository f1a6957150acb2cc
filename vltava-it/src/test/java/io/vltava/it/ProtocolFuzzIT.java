package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.vltava.testing.EmbeddedBroker;
import io.vltava.testing.KafkaClients;
import io.vltava.testing.RawKafkaClient;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Protocol fuzzing over TCP: valid requests of every API at every version, and produce requests carrying real record
 * batches of every codec, are mutated by {@link FrameMutator} and pipelined to an in-process broker, many frames per
 * connection. After each connection the broker must not have logged an unexpected error; every few seconds it must
 * still answer ApiVersions and Metadata on a fresh connection; every connection must be answered or closed in time.
 * At the end a real producer and consumer still work, every stored batch reads back valid (through a consumer and
 * straight from the segment files), the heap is back near where it started and Netty reported no leaked buffer.
 *
 * <p>{@code -Dvltava.fuzz.seconds=N} fuzzes longer (45 s by default); {@code -Dvltava.fuzz.seed=S} replays a run.
 *
 * <p>Threading: the test thread drives everything; one short-lived thread per connection writes its frames.
 */
class ProtocolFuzzIT {

    private static final Duration IDLE = Duration.ofMillis(500);
    private static final Duration HANG = Duration.ofSeconds(15);
    private static final int MAX_FRAMES_PER_CONNECTION = 16;
    private static final long HEAP_GROWTH_BOUND = 256L * 1024 * 1024;

    private static EmbeddedBroker broker;
    private static BrokerLogWatch watch;
    private static Level connectionLogLevel;
    private static List<byte[]> seeds;
    private static List<ProduceRequest> produceSeeds;
    /** The requests {@link #seeds} are the frames of, in the same order. */
    private static List<AbstractRequest> requestSeeds;

    private final Map<String, AtomicLong> counters = new TreeMap<>();
    private final Map<String, AtomicLong> errorCodes = new TreeMap<>();
    private final List<String> findings = new ArrayList<>();
    private final List<String> oddities = new ArrayList<>();
    private long seed;
    private int nextCorrelationId = 1;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.start(Map.of("group.initial.rebalance.delay.ms", "0"));
        Uuid fuzzId;
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("versions", 1, (short) 1), new NewTopic("fuzz", 4, (short) 1))).all().get();
            Map<String, TopicDescription> topics = admin.describeTopics(List.of("versions", "fuzz")).allTopicNames().get();
            ApiRequests requests = new ApiRequests(topics.get("versions").topicId(), name -> createTopic(admin, name));
            fuzzId = topics.get("fuzz").topicId();
            admin.listConsumerGroupOffsets("versions-group").partitionsToOffsetAndMetadata().get();
            requestSeeds = new ArrayList<>();
            for (ApiKeys api : requests.apis()) {
                for (short version = api.oldestVersion(); version <= api.latestVersion(); version++) {
                    requestSeeds.add(requests.request(api, version));
                }
            }
        }
        produceSeeds = produceSeeds(fuzzId);
        requestSeeds.addAll(produceSeeds);
        seeds = requestSeeds.stream().map(request -> RawKafkaClient.frame(request, 0).array()).toList();
        watch = BrokerLogWatch.install();
        Logger connectionLog = (Logger) LoggerFactory.getLogger("io.vltava.network.KafkaConnection");
        connectionLogLevel = connectionLog.getLevel();
        connectionLog.setLevel(Level.WARN); // one INFO line per refused frame would drown the output
    }

    @AfterAll
    static void stop() {
        ((Logger) LoggerFactory.getLogger("io.vltava.network.KafkaConnection")).setLevel(connectionLogLevel);
        if (watch != null) {
            watch.close();
        }
        broker.close();
    }

    @Test
    void brokerSurvivesMutatedRequests() throws Exception {
        seed = Long.getLong("vltava.fuzz.seed", System.nanoTime());
        long seconds = Long.getLong("vltava.fuzz.seconds", 45);
        System.out.printf("ProtocolFuzzIT: seed %d (replay with -Dvltava.fuzz.seed=%d), %d s, %d seeds%n", seed, seed, seconds, seeds.size());
        Random random = new Random(seed);
        FrameMutator mutator = new FrameMutator(random);
        FieldMutator fields = new FieldMutator(random);
        long heapBefore = usedHeapAfterGc();
        watch.drain();

        long started = System.nanoTime();
        long deadline = started + Duration.ofSeconds(seconds).toNanos();
        long nextLivenessCheck = 0;
        int connection = 0;
        while (System.nanoTime() < deadline && findings.size() < 10) {
            List<byte[]> frames = batch(random, mutator, fields);
            runConnection(frames, connection, true);
            List<String> reports = watch.drain();
            if (!reports.isEmpty()) {
                findings.add(describe("unexpected error logged", connection, frames, reports));
            }
            if (System.nanoTime() >= nextLivenessCheck) {
                assertServes(connection, frames);
                nextLivenessCheck = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            }
            connection++;
        }
        double elapsed = (System.nanoTime() - started) / 1e9;

        assertRoundTrip();
        assertStoredBatchesValid();
        long heapAfter = usedHeapAfterGc();
        forceLeakReports();
        List<String> late = watch.drain();
        if (!late.isEmpty()) {
            findings.add("after fuzzing: " + String.join("\n", late));
        }

        long inputs = counter("inputs").get();
        System.out.printf("ProtocolFuzzIT: seed %d: %d inputs on %d connections in %.1f s (%.0f inputs/s); %d connections closed by the broker; "
                + "heap %d MB -> %d MB%n", seed, inputs, connection, elapsed, inputs / elapsed, counter("closed by broker").get(),
                heapBefore >> 20, heapAfter >> 20);
        System.out.println("ProtocolFuzzIT: counters " + counters);
        System.out.println("ProtocolFuzzIT: error codes in responses " + errorCodes);
        oddities.forEach(oddity -> System.out.println("ProtocolFuzzIT: " + oddity));
        assertThat(findings).as("findings of seed %d", seed).isEmpty();
        assertThat(heapAfter).as("heap after fuzzing, against %d MB before", heapBefore >> 20).isLessThan(heapBefore + HEAP_GROWTH_BOUND);
    }

    /** Up to 16 frames for one connection: mostly mutants, some valid requests between them. */
    private List<byte[]> batch(Random random, FrameMutator mutator, FieldMutator fields) {
        int count = 1 + random.nextInt(MAX_FRAMES_PER_CONNECTION);
        List<byte[]> frames = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int choice = random.nextInt(10);
            String kind;
            byte[] frame = null;
            if (choice >= 3 && choice <= 5) {
                frame = withField(fields, requestSeeds.get(random.nextInt(requestSeeds.size())));
            }
            if (frame != null) {
                kind = "FIELD_VALUE";
            } else if (choice == 0) {
                frame = withCorrelationId(seeds.get(random.nextInt(seeds.size())));
                kind = FrameMutator.Kind.NONE.name();
            } else if (choice <= 2) {
                ProduceRequest request = produceSeeds.get(random.nextInt(produceSeeds.size()));
                ProduceRequestData data = request.data().duplicate();
                ProduceRequestData.PartitionProduceData partition = data.topicData().iterator().next().partitionData().get(0);
                FrameMutator.BatchMutant mutant = mutator.mutateBatch((MemoryRecords) partition.records());
                partition.setRecords(mutant.records());
                frame = RawKafkaClient.frame(new ProduceRequest(data, request.version()), nextCorrelationId++).array();
                kind = mutant.kind().name();
            } else {
                byte[] valid = withCorrelationId(seeds.get(random.nextInt(seeds.size())));
                FrameMutator.Mutant mutant = mutator.mutate(valid, seeds.get(random.nextInt(seeds.size())));
                frame = mutant.frame();
                kind = mutant.kind().name();
            }
            counter("mutation " + kind).incrementAndGet();
            frames.add(frame);
        }
        counter("inputs").addAndGet(count);
        // Frames kafka-clients parses go first, so that most reach a handler before a broken one closes the connection.
        frames.sort(Comparator.comparing(frame -> !parses(frame)));
        return frames;
    }

    /** The frame of {@code request} with one field set to an edge value, or null if that makes no request kafka-clients can write. */
    private byte[] withField(FieldMutator fields, AbstractRequest request) {
        ApiMessage data = fields.mutate(request.data());
        if (data == null) {
            return null;
        }
        try {
            ByteBufferAccessor body = MessageUtil.toByteBufferAccessor(data, request.version());
            AbstractRequest mutated = AbstractRequest.parseRequest(request.apiKey(), request.version(), new ByteBufferAccessor(body.buffer())).request;
            return RawKafkaClient.frame(mutated, nextCorrelationId++).array();
        } catch (RuntimeException e) {
            return null; // a value this version cannot carry, or a null where none may be
        }
    }

    private byte[] withCorrelationId(byte[] frame) {
        byte[] copy = frame.clone();
        ByteBuffer.wrap(copy).putInt(8, nextCorrelationId++);
        return copy;
    }

    /**
     * Writes the frames on one connection and reads until every response we can predict has come or the broker closed
     * the connection. Requests that may legitimately wait (long polls, group joins) are given up on by half-closing.
     */
    private void runConnection(List<byte[]> frames, int connection, boolean count) {
        Expectation expected = expect(frames);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", broker.port()), 10_000);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    for (byte[] frame : frames) {
                        out.write(frame);
                    }
                    out.flush();
                } catch (IOException e) {
                    // the broker closed the connection before reading everything: expected for bad input
                }
            });
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int responses = 0;
            boolean halfClosed = false;
            while (true) {
                if (!halfClosed && expected.definite() && responses >= expected.responses()) {
                    break;
                }
                boolean mustAnswer = !halfClosed && expected.definite() && !expected.mayWait();
                socket.setSoTimeout((int) (halfClosed || mustAnswer ? HANG : IDLE).toMillis());
                try {
                    int size = in.readInt();
                    byte[] response = new byte[size];
                    in.readFully(response);
                    if (count) {
                        tally(responses < expected.headers().size() ? expected.headers().get(responses) : null, response);
                    }
                    responses++;
                } catch (EOFException e) {
                    if (count) {
                        counter("closed by broker").incrementAndGet();
                    }
                    break;
                } catch (SocketTimeoutException e) {
                    if (mustAnswer || halfClosed) {
                        findings.add(describe(halfClosed ? "connection neither answered nor closed after the client half-closed"
                                : "no response within " + HANG.toSeconds() + " s (" + responses + " of " + expected.responses() + ")",
                                connection, frames, List.of()));
                        break;
                    }
                    writer.join();
                    socket.shutdownOutput();
                    halfClosed = true;
                } catch (IOException e) {
                    if (count) {
                        counter("closed by broker").incrementAndGet(); // reset
                    }
                    break;
                }
            }
            writer.join();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What the broker should answer: frames cut as it cuts them, each parsed by kafka-clients. */
    private record Expectation(int responses, boolean definite, boolean mayWait, List<RequestHeader> headers) {
    }

    private static Expectation expect(List<byte[]> frames) {
        int total = frames.stream().mapToInt(frame -> frame.length).sum();
        ByteBuffer stream = ByteBuffer.allocate(total);
        frames.forEach(stream::put);
        stream.flip();
        int responses = 0;
        boolean mayWait = false;
        List<RequestHeader> headers = new ArrayList<>();
        while (stream.remaining() >= 4) {
            int size = stream.getInt();
            if (size <= 0 || size > stream.remaining()) {
                return new Expectation(responses, false, mayWait, headers);
            }
            ByteBuffer frame = stream.slice(stream.position(), size);
            stream.position(stream.position() + size);
            try {
                RequestHeader header = RequestHeader.parse(frame);
                AbstractRequest request = AbstractRequest.parseRequest(header.apiKey(), header.apiVersion(), new ByteBufferAccessor(frame)).request;
                if (frame.hasRemaining()) {
                    return new Expectation(responses, false, mayWait, headers);
                }
                if (request instanceof ProduceRequest produce && produce.acks() == 0) {
                    continue;
                }
                mayWait |= mayWait(request);
                headers.add(header);
                responses++;
            } catch (RuntimeException e) {
                return new Expectation(responses, false, mayWait, headers);
            }
        }
        return new Expectation(responses, !stream.hasRemaining(), mayWait, headers);
    }

    private static boolean parses(byte[] frame) {
        return expect(List.of(frame)).definite();
    }

    /** Requests a broker may rightly hold for long: fetches that wait, group joins and syncs, anything with a long timeout. */
    private static boolean mayWait(AbstractRequest request) {
        return switch (request.apiKey()) {
            case FETCH -> ((FetchRequestData) request.data()).maxWaitMs() > 100;
            case JOIN_GROUP, SYNC_GROUP, CREATE_TOPICS, DELETE_TOPICS, CREATE_PARTITIONS, PRODUCE, DELETE_RECORDS -> true;
            default -> false;
        };
    }

    /** Counts the error codes of a response to {@code header}, the request it answers if it was one kafka-clients parses. */
    private void tally(RequestHeader header, byte[] response) {
        ByteBuffer buffer = ByteBuffer.wrap(response);
        if (header == null) {
            counter("responses to requests kafka-clients cannot parse").incrementAndGet();
            return;
        }
        if (buffer.getInt(0) != header.correlationId()) {
            oddities.add("response out of order: correlation id " + buffer.getInt(0) + " where " + header + " was due");
            return;
        }
        try {
            AbstractResponse parsed = AbstractResponse.parseResponse(buffer, header);
            parsed.errorCounts().forEach((error, n) -> errorCodes.computeIfAbsent(error.name(), k -> new AtomicLong()).addAndGet(n));
        } catch (RuntimeException e) {
            if (counter("responses kafka-clients cannot parse").incrementAndGet() <= 5) {
                oddities.add("kafka-clients cannot parse the response " + HexFormat.of().formatHex(response) + " to " + header + ": " + e);
            }
        }
    }

    /** ApiVersions and Metadata answered on a fresh connection. */
    private void assertServes(int connection, List<byte[]> lastFrames) {
        try (RawKafkaClient client = new RawKafkaClient("127.0.0.1", broker.port())) {
            AbstractResponse versions = client.send(new ApiVersionsRequest(new ApiVersionsRequestData()
                    .setClientSoftwareName("fuzz-check").setClientSoftwareVersion("1"), ApiKeys.API_VERSIONS.latestVersion()));
            assertThat(versions.errorCounts()).containsOnlyKeys(Errors.NONE);
            MetadataRequest metadata = new MetadataRequest(new MetadataRequestData().setTopics(List.of(
                    new MetadataRequestData.MetadataRequestTopic().setName("fuzz"))), ApiKeys.METADATA.latestVersion());
            assertThat(client.send(metadata).errorCounts()).containsOnlyKeys(Errors.NONE);
        } catch (RuntimeException | AssertionError e) {
            throw new AssertionError(describe("broker stopped serving", connection, lastFrames, List.of(e.toString())), e);
        }
    }

    private void assertRoundTrip() throws Exception {
        try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers())) {
            producer.send(new ProducerRecord<>("fuzz-after", "still here")).get();
        }
        assertThat(PartitionReader.readExactly(broker.bootstrapServers(), new TopicPartition("fuzz-after", 0), 1).get(0).value())
                .isEqualTo("still here");
    }

    /** Every partition of every topic reads back from offset 0 through a consumer that checks CRCs, and every segment file holds valid batches. */
    private void assertStoredBatchesValid() throws Exception {
        List<TopicPartition> partitions = new ArrayList<>();
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            Set<String> names = admin.listTopics().names().get();
            for (TopicDescription topic : admin.describeTopics(names).allTopicNames().get().values()) {
                topic.partitions().forEach(p -> partitions.add(new TopicPartition(topic.name(), p.partition())));
            }
        }
        Properties props = new Properties();
        props.put("check.crcs", "true");
        long read = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.bytesConsumer(broker.bootstrapServers(), props)) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                assertThat(System.nanoTime()).as("read back every partition").isLessThan(deadline);
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                read += records.count();
            }
        }
        long batches = 0;
        try (Stream<Path> files = Files.walk(broker.dataDir())) {
            for (Path log : files.filter(f -> f.toString().endsWith(".log")).collect(Collectors.toList())) {
                for (RecordBatch batch : MemoryRecords.readableRecords(ByteBuffer.wrap(Files.readAllBytes(log))).batches()) {
                    batch.ensureValid();
                    batches++;
                }
            }
        }
        System.out.printf("ProtocolFuzzIT: read back %d records from %d partitions; %d batches in the segment files are valid%n",
                read, partitions.size(), batches);
        counter("stored batches").addAndGet(batches);
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /** At paranoid level Netty reports a leaked buffer at an allocation after the buffer was collected. */
    private static void forceLeakReports() {
        for (int i = 0; i < 8; i++) {
            System.gc();
            ByteBuf pooled = PooledByteBufAllocator.DEFAULT.buffer(1);
            pooled.release();
            ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.buffer(1);
            unpooled.release();
        }
    }

    /** A finding, with what reproduces it: the seed, and the frames of the connection (alone, each frame that reproduces it). */
    private String describe(String what, int connection, List<byte[]> frames, List<String> reports) {
        StringBuilder text = new StringBuilder(what).append(" at connection ").append(connection).append(" of seed ").append(seed).append('\n');
        reports.forEach(report -> text.append(report).append('\n'));
        List<byte[]> culprits = new ArrayList<>();
        if (!reports.isEmpty()) {
            for (byte[] frame : frames) {
                runConnection(List.of(frame), connection, false);
                if (!watch.drain().isEmpty()) {
                    culprits.add(frame);
                }
            }
        }
        for (byte[] frame : culprits.isEmpty() ? frames : culprits) {
            text.append(culprits.isEmpty() ? "frame " : "reproducing frame ").append(HexFormat.of().formatHex(frame)).append('\n');
        }
        return text.toString();
    }

    private AtomicLong counter(String name) {
        return counters.computeIfAbsent(name, k -> new AtomicLong());
    }

    /** Produce requests of every version from 3 on, with one real batch of each codec, plain, idempotent and transactional. */
    private static List<ProduceRequest> produceSeeds(Uuid fuzzId) {
        List<ProduceRequest> requests = new ArrayList<>();
        SimpleRecord[] records = {new SimpleRecord(1L, "k1".getBytes(), "value one".getBytes()),
            new SimpleRecord(2L, null, "value two, a little longer".getBytes()), new SimpleRecord(3L, "k3".getBytes(), null)};
        List<MemoryRecords> batches = new ArrayList<>();
        for (CompressionType type : CompressionType.values()) {
            Compression compression = Compression.of(type).build();
            batches.add(MemoryRecords.withRecords(compression, records));
            batches.add(MemoryRecords.withIdempotentRecords(compression, 4000L + type.id, (short) 0, 0, records));
            batches.add(MemoryRecords.withTransactionalRecords(compression, 5000L + type.id, (short) 0, 0, records));
        }
        // A decompression bomb: a few kilobytes that inflate to 32 MB, above message.max.bytes.
        batches.add(MemoryRecords.withRecords(Compression.gzip().build(), new SimpleRecord(new byte[32 * 1024 * 1024])));
        int partition = 0;
        for (short version = 3; version <= ApiKeys.PRODUCE.latestVersion(); version++) {
            for (MemoryRecords batch : batches) {
                ProduceRequestData.TopicProduceData topic = version >= 13
                        ? new ProduceRequestData.TopicProduceData().setTopicId(fuzzId) : new ProduceRequestData.TopicProduceData().setName("fuzz");
                topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(partition++ % 4).setRecords(batch));
                ProduceRequestData data = new ProduceRequestData().setAcks((short) (version % 2 == 0 ? -1 : 1)).setTimeoutMs(5_000);
                if (batch.batches().iterator().next().isTransactional()) {
                    data.setTransactionalId("fuzz-txn");
                }
                data.topicData().add(topic);
                requests.add(new ProduceRequest(data, version));
            }
        }
        return requests;
    }

    private static void createTopic(Admin admin, String name) {
        try {
            admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
