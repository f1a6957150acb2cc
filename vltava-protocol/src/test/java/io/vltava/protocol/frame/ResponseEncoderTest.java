package io.vltava.protocol.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.vltava.protocol.NettyLeaks;
import io.vltava.protocol.RecordingAllocator;
import io.vltava.protocol.TestBuffers;
import io.vltava.protocol.records.LogSliceRecords;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageSizeAccumulator;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.Writable;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(NettyLeaks.class)
class ResponseEncoderTest {

    private static final Uuid TOPIC_ID = Uuid.fromString("b2lF6tVnQ3GKd-sbxgSF3g");
    /** Bytes in front of the batches in the log file, so that slices start at a non-zero position. */
    private static final int FILE_PREFIX = 17;

    @TempDir
    Path dir;

    private FileChannel file;
    private byte[] fileBytes;
    private int firstTwoBatches;
    private int thirdBatch;

    @BeforeEach
    void writeLogFile() throws IOException {
        byte[] a = bytes(MemoryRecords.withRecords(0L, Compression.NONE,
                record(1, "a"), record(2, "b"), record(3, "c")));
        byte[] b = bytes(MemoryRecords.withRecords(3L, Compression.gzip().build(), record(4, "d"), record(5, "e")));
        byte[] c = bytes(MemoryRecords.withRecords(5L, Compression.NONE, record(6, "f")));
        byte[] prefix = new byte[FILE_PREFIX];
        Arrays.fill(prefix, (byte) 0xEE);
        fileBytes = TestBuffers.concat(prefix, a, b, c);
        firstTwoBatches = a.length + b.length;
        thirdBatch = c.length;
        Path path = dir.resolve("00000000000000000000.log");
        Files.write(path, fileBytes);
        file = FileChannel.open(path, StandardOpenOption.READ);
    }

    @AfterEach
    void closeFile() throws IOException {
        file.close();
    }

    static List<Short> fetchVersions() {
        return ApiKeys.FETCH.allVersions();
    }

    @ParameterizedTest(name = "Fetch v{0}")
    @MethodSource("fetchVersions")
    void logSlicesAreSentAsFileRegionsAndReadBackAsTheFilesBytes(short version) {
        MemoryRecords inline = MemoryRecords.withRecords(0L, Compression.lz4().build(), record(7, "inline"), record(8, "too"));
        IntFunction<BaseRecords> sent = partition -> switch (partition) {
            case 0 -> new LogSliceRecords(file, FILE_PREFIX, firstTwoBatches);
            case 1 -> inline;
            case 2 -> LogSliceRecords.EMPTY;
            case 3 -> null;
            case 4 -> new LogSliceRecords(file, FILE_PREFIX + firstTwoBatches, thirdBatch);
            default -> new LogSliceRecords(file, FILE_PREFIX, firstTwoBatches + 10); // ends inside a batch, as fetches may
        };
        IntFunction<BaseRecords> received = partition -> switch (partition) {
            case 0 -> fileRecords(FILE_PREFIX, firstTwoBatches);
            case 1 -> inline;
            case 2 -> MemoryRecords.EMPTY;
            case 3 -> null;
            case 4 -> fileRecords(FILE_PREFIX + firstTwoBatches, thirdBatch);
            default -> fileRecords(FILE_PREFIX, firstTwoBatches + 10);
        };
        RequestHeader requestHeader = new RequestHeader(ApiKeys.FETCH, version, "consumer", 31);

        EncodedResponse encoded = ResponseEncoder.encode(ByteBufAllocator.DEFAULT, requestHeader, version, fetchResponse(version, sent));
        Outbound out = writeAndCollect(encoded);

        assertThat(out.regions).as("one file region per non-empty slice").isEqualTo(3);
        int sliceBytes = firstTwoBatches + thirdBatch + firstTwoBatches + 10;
        byte[] wire = out.bytes;
        assertThat(ByteBuffer.wrap(wire).getInt()).as("the size prefix counts every byte after it").isEqualTo(wire.length - 4);
        assertThat(out.bufferBytes).as("file bytes are not copied into buffers").isEqualTo(wire.length - sliceBytes);

        FetchResponseData expected = fetchResponse(version, received);
        FetchResponse parsed = (FetchResponse) AbstractResponse.parseResponse(ByteBuffer.wrap(wire, 4, wire.length - 4), requestHeader);
        assertThat(parsed.data()).isEqualTo(expected);

        // Byte-exact as well: the generated reader consumes the frame to its last byte.
        ByteBufferAccessor reader = new ByteBufferAccessor(ByteBuffer.wrap(wire, 4, wire.length - 4));
        new ResponseHeaderData(reader, ApiKeys.FETCH.responseHeaderVersion(version));
        FetchResponseData raw = new FetchResponseData(reader, version);
        assertThat(raw).isEqualTo(expected);
        assertThat(reader.remaining()).isZero();
    }

    @Test
    void aFetchResponseEndingWithALogSliceHasNoTrailingBuffer() {
        short version = 11; // not flexible: the records are the last bytes of the frame
        EncodedResponse encoded = ResponseEncoder.encode(ByteBufAllocator.DEFAULT, new RequestHeader(ApiKeys.FETCH, version, "c", 1), version,
                fetchResponse(version, p -> p == 0 ? new LogSliceRecords(file, FILE_PREFIX, thirdBatch) : null, 1));
        EmbeddedChannel channel = new EmbeddedChannel();
        encoded.writeTo(channel);
        channel.flush();

        Object first = channel.readOutbound();
        Object second = channel.readOutbound();
        try {
            assertThat(first).isInstanceOf(ByteBuf.class);
            assertThat(second).isInstanceOf(FileRegion.class);
            Object third = channel.readOutbound();
            assertThat(third).isNull();
        } finally {
            ReferenceCountUtil.release(first);
            ReferenceCountUtil.release(second);
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void inMemoryRecordsAreCopiedAtEncodeTime() {
        // kafka-clients counts every records field as zero-copy bytes; in-memory records must still be sent.
        short version = ApiKeys.FETCH.latestVersion();
        MemoryRecords records = MemoryRecords.withRecords(0L, Compression.NONE, record(1, "x"));
        byte[] original = bytes(records);
        RequestHeader requestHeader = new RequestHeader(ApiKeys.FETCH, version, "c", 1);
        FetchResponseData body = fetchResponse(version, p -> records, 2);

        EncodedResponse encoded = ResponseEncoder.encode(ByteBufAllocator.DEFAULT, requestHeader, version, body);
        records.buffer().put(0, (byte) 0x55); // the caller may reuse its memory once encode returns
        Outbound out = writeAndCollect(encoded);

        assertThat(out.regions).isZero();
        assertThat(ByteBuffer.wrap(out.bytes).getInt()).isEqualTo(out.bytes.length - 4);
        FetchResponse parsed = (FetchResponse) AbstractResponse.parseResponse(ByteBuffer.wrap(out.bytes, 4, out.bytes.length - 4), requestHeader);
        MemoryRecords expected = MemoryRecords.readableRecords(ByteBuffer.wrap(original));
        assertThat(parsed.data()).isEqualTo(fetchResponse(version, p -> expected, 2));
    }

    @Test
    void allocatesOneBufferOfExactlyTheFrameSize() {
        RecordingAllocator alloc = new RecordingAllocator();
        MetadataResponseData body = new MetadataResponseData().setClusterId("cluster").setControllerId(1);

        EncodedResponse encoded = ResponseEncoder.encode(alloc, new RequestHeader(ApiKeys.METADATA, (short) 12, "c", 1), (short) 12, body);

        assertThat(alloc.allocated()).hasSize(1);
        ByteBuf buffer = alloc.allocated().get(0);
        int frameSize = 4 + buffer.getInt(0);
        assertThat(buffer.readableBytes()).isEqualTo(frameSize);
        assertThat(buffer.capacity()).isEqualTo(frameSize);
        encoded.release();
        assertThat(buffer.refCnt()).isZero();
    }

    @Test
    void copiesTheCorrelationIdAndUsesTheResponseHeaderOfTheVersion() {
        ApiVersionsResponseData body = new ApiVersionsResponseData().setErrorCode(Errors.UNSUPPORTED_VERSION.code());

        byte[] wire = writeAndCollect(ResponseEncoder.encode(ByteBufAllocator.DEFAULT,
                new RequestHeader(ApiKeys.API_VERSIONS, (short) 4, "c", -77), (short) 4, body)).bytes;

        ByteBuffer buffer = ByteBuffer.wrap(wire);
        assertThat(buffer.getInt()).isEqualTo(wire.length - 4);
        assertThat(buffer.getInt()).isEqualTo(-77);
        assertThat(buffer.getShort()).as("header v0: the error code follows the correlation id").isEqualTo(Errors.UNSUPPORTED_VERSION.code());
    }

    @Test
    void encodesAtTheGivenVersionNotTheRequestVersion() {
        // An ApiVersions request above our range is answered at v0 while its header says v99.
        ApiVersionsResponseData body = new ApiVersionsResponseData().setErrorCode(Errors.UNSUPPORTED_VERSION.code());
        body.apiKeys().add(new ApiVersionsResponseData.ApiVersion().setApiKey(ApiKeys.API_VERSIONS.id).setMinVersion((short) 0).setMaxVersion((short) 4));

        byte[] wire = writeAndCollect(ResponseEncoder.encode(ByteBufAllocator.DEFAULT,
                new RequestHeader(ApiKeys.API_VERSIONS, (short) 99, "c", 5), (short) 0, body)).bytes;

        ByteBufferAccessor reader = new ByteBufferAccessor(ByteBuffer.wrap(wire, 4, wire.length - 4));
        assertThat(new ResponseHeaderData(reader, (short) 0).correlationId()).isEqualTo(5);
        assertThat(new ApiVersionsResponseData(reader, (short) 0)).isEqualTo(body);
        assertThat(reader.remaining()).isZero();
    }

    @Test
    void releasesItsBufferWhenTheBodyCannotBeWritten() {
        RecordingAllocator alloc = new RecordingAllocator();
        MetadataResponseData failing = new MetadataResponseData() {
            @Override
            public void write(Writable writable, ObjectSerializationCache cache, short version) {
                throw new IllegalStateException("boom");
            }
        };

        assertThatThrownBy(() -> ResponseEncoder.encode(alloc, new RequestHeader(ApiKeys.METADATA, (short) 12, "c", 1), (short) 12, failing))
                .hasMessage("boom");
        assertThat(alloc.allocated()).hasSize(1);
        assertThat(alloc.allocated().get(0).refCnt()).isZero();
    }

    @Test
    void refusesABodyWhoseSizeDoesNotMatchWhatItWrites() {
        RecordingAllocator alloc = new RecordingAllocator();
        MetadataResponseData oversized = new MetadataResponseData() {
            @Override
            public void addSize(MessageSizeAccumulator size, ObjectSerializationCache cache, short version) {
                super.addSize(size, cache, version);
                size.addBytes(3);
            }
        };

        assertThatThrownBy(() -> ResponseEncoder.encode(alloc, new RequestHeader(ApiKeys.METADATA, (short) 12, "c", 1), (short) 12, oversized))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("sized");
        assertThat(alloc.allocated().get(0).refCnt()).isZero();
    }

    // ---- helpers ----

    private FetchResponseData fetchResponse(short version, IntFunction<BaseRecords> records) {
        return fetchResponse(version, records, 6);
    }

    private static FetchResponseData fetchResponse(short version, IntFunction<BaseRecords> records, int partitions) {
        List<PartitionData> partitionData = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            partitionData.add(new PartitionData()
                    .setPartitionIndex(p)
                    .setHighWatermark(6)
                    .setLastStableOffset(6)
                    .setLogStartOffset(version >= 5 ? 0 : -1)
                    .setRecords(records.apply(p)));
        }
        FetchableTopicResponse topic = new FetchableTopicResponse().setPartitions(partitionData);
        if (version >= 13) {
            topic.setTopicId(TOPIC_ID);
        } else {
            topic.setTopic("orders");
        }
        return new FetchResponseData()
                .setThrottleTimeMs(3)
                .setSessionId(version >= 7 ? 42 : 0)
                .setResponses(List.of(topic));
    }

    private MemoryRecords fileRecords(int position, int size) {
        return MemoryRecords.readableRecords(ByteBuffer.wrap(Arrays.copyOfRange(fileBytes, position, position + size)));
    }

    private static SimpleRecord record(long timestamp, String value) {
        return new SimpleRecord(timestamp, ("key-" + value).getBytes(), value.getBytes());
    }

    private static byte[] bytes(MemoryRecords records) {
        return TestBuffers.bytes(records.buffer());
    }

    /** What a channel received: the bytes in order and how many buffers and file regions carried them. */
    record Outbound(byte[] bytes, int buffers, int regions, int bufferBytes) {
    }

    private static Outbound writeAndCollect(EncodedResponse encoded) {
        EmbeddedChannel channel = new EmbeddedChannel();
        try {
            encoded.writeTo(channel);
            channel.flush();
            int buffers = 0;
            int regions = 0;
            int bufferBytes = 0;
            for (Object msg : channel.outboundMessages()) {
                if (msg instanceof ByteBuf buf) {
                    buffers++;
                    bufferBytes += buf.readableBytes();
                } else if (msg instanceof FileRegion) {
                    regions++;
                }
            }
            return new Outbound(TestBuffers.drainOutbound(channel), buffers, regions, bufferBytes);
        } finally {
            channel.finishAndReleaseAll();
        }
    }
}
