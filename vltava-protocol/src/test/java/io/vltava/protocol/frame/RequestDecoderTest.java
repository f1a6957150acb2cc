package io.vltava.protocol.frame;

import static io.vltava.protocol.TestBuffers.buf;
import static io.vltava.protocol.TestBuffers.concat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.vltava.protocol.KafkaMessages;
import io.vltava.protocol.NettyLeaks;
import io.vltava.protocol.TestBuffers;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataRequestData.MetadataRequestTopic;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(NettyLeaks.class)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RequestDecoderTest {

    private static final RequestDecoder ALL = new RequestDecoder(EnumSet.allOf(ApiKeys.class));
    private static final RequestDecoder BROKER = new RequestDecoder(
            Set.of(ApiKeys.API_VERSIONS, ApiKeys.METADATA, ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.CREATE_TOPICS, ApiKeys.SASL_AUTHENTICATE));

    // ---- well-formed requests ----

    @Test
    void decodesHeaderAndTypedBody() {
        MetadataRequestData data = new MetadataRequestData().setTopics(List.of(new MetadataRequestTopic().setName("orders")));
        ByteBuf frame = buf(KafkaMessages.serialize(KafkaMessages.request(ApiKeys.METADATA, (short) 12, data), 99, "my-client"));

        DecodedRequest request = BROKER.decode(frame);
        try {
            assertThat(request.apiKey()).isEqualTo(ApiKeys.METADATA);
            assertThat(request.header().apiVersion()).isEqualTo((short) 12);
            assertThat(request.header().correlationId()).isEqualTo(99);
            assertThat(request.header().clientId()).isEqualTo("my-client");
            assertThat(request.body()).isInstanceOf(MetadataRequest.class);
            assertThat(((MetadataRequest) request.body()).topics()).containsExactly("orders");
            assertThat(request.responseVersion()).isEqualTo((short) 12);
            assertThat(frame.refCnt()).as("the request holds the frame until released").isEqualTo(1);
        } finally {
            request.release();
        }
        assertThat(frame.refCnt()).isZero();
    }

    @Test
    void decodingDoesNotMoveTheFramesReaderIndex() {
        ByteBuf frame = buf(KafkaMessages.serialize(KafkaMessages.request(ApiKeys.API_VERSIONS, (short) 3, new ApiVersionsRequestData()), 1, "c"));
        int readable = frame.readableBytes();

        DecodedRequest request = BROKER.decode(frame);

        assertThat(frame.readableBytes()).isEqualTo(readable);
        request.release();
    }

    // ---- API and version checks ----

    @ParameterizedTest
    @ValueSource(shorts = {-1, 200, Short.MAX_VALUE, Short.MIN_VALUE})
    void refusesAnUnknownApiKey(short apiKey) {
        ByteBuffer frame = ByteBuffer.allocate(20).putShort(apiKey).putShort((short) 0).putInt(1).putShort((short) -1);

        assertRefused(ALL, frame.array(), "unknown API key");
    }

    @ParameterizedTest
    @ValueSource(shorts = {4, 5, 6, 7})
    void refusesAnApiKeyKafkaRemoved(short apiKey) {
        // LeaderAndIsr, StopReplica, UpdateMetadata, ControlledShutdown: known ids without any valid version.
        ByteBuffer frame = ByteBuffer.allocate(20).putShort(apiKey).putShort((short) 0).putInt(1).putShort((short) -1);

        assertRefused(ALL, frame.array(), "outside the supported range");
    }

    @Test
    void refusesAnApiThatIsNotServed() {
        byte[] describeGroups = KafkaMessages.serialize(
                KafkaMessages.request(ApiKeys.DESCRIBE_GROUPS, (short) 5, ApiKeys.DESCRIBE_GROUPS.messageType.newRequest()), 1, "c");

        assertRefused(BROKER, describeGroups, "not served");
    }

    static List<Arguments> versionsOutOfRange() {
        return List.of(
                Arguments.of(ApiKeys.METADATA, (short) (ApiKeys.METADATA.latestVersion() + 1)),
                Arguments.of(ApiKeys.FETCH, (short) (ApiKeys.FETCH.oldestVersion() - 1)),
                Arguments.of(ApiKeys.PRODUCE, (short) 2), // Kafka 4 no longer reads Produce v0-2
                Arguments.of(ApiKeys.PRODUCE, (short) -1),
                Arguments.of(ApiKeys.CREATE_TOPICS, Short.MAX_VALUE));
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("versionsOutOfRange")
    void refusesAVersionOutsideTheSupportedRange(ApiKeys api, short version) {
        RequestHeaderData header = new RequestHeaderData()
                .setRequestApiKey(api.id).setRequestApiVersion(version).setCorrelationId(3).setClientId("c");
        byte[] frame = concat(headerBytes(header, (short) 1), new byte[16]);

        assertRefused(BROKER, frame, "outside the supported range");
    }

    static List<Short> apiVersionsAboveOurRange() {
        short latest = ApiKeys.API_VERSIONS.latestVersion();
        return List.of((short) (latest + 1), (short) (latest + 2), (short) 99, Short.MAX_VALUE);
    }

    @ParameterizedTest
    @MethodSource("apiVersionsAboveOurRange")
    void answersAnApiVersionsRequestAboveOurRangeAsAnUnsupportedV0Request(short version) {
        // A newer client sends header v2 and a body we cannot know; only the header is read.
        RequestHeaderData header = new RequestHeaderData()
                .setRequestApiKey(ApiKeys.API_VERSIONS.id).setRequestApiVersion(version).setCorrelationId(1234).setClientId("future-client");
        byte[] frame = concat(headerBytes(header, (short) 2), new byte[] {7, 7, 7, 7, 7});

        DecodedRequest request = BROKER.decode(buf(frame));
        try {
            assertThat(request.apiKey()).isEqualTo(ApiKeys.API_VERSIONS);
            assertThat(request.header().apiVersion()).isEqualTo(version);
            assertThat(request.header().correlationId()).isEqualTo(1234);
            assertThat(request.header().clientId()).isEqualTo("future-client");
            ApiVersionsRequest body = (ApiVersionsRequest) request.body();
            assertThat(body.version()).isZero();
            assertThat(body.hasUnsupportedRequestVersion()).isTrue();
            assertThat(request.responseVersion()).isZero();
        } finally {
            request.release();
        }
    }

    @Test
    void treatsANegativeApiVersionsVersionAsUnsupportedLikeKafka() {
        // Kafka answers any ApiVersions version it does not know with UNSUPPORTED_VERSION at v0.
        RequestHeaderData header = new RequestHeaderData()
                .setRequestApiKey(ApiKeys.API_VERSIONS.id).setRequestApiVersion((short) -1).setCorrelationId(5).setClientId("c");

        DecodedRequest request = BROKER.decode(buf(headerBytes(header, (short) 1)));
        try {
            assertThat(((ApiVersionsRequest) request.body()).hasUnsupportedRequestVersion()).isTrue();
            assertThat(request.responseVersion()).isZero();
        } finally {
            request.release();
        }
    }

    @Test
    void aSupportedApiVersionsVersionWithAMalformedBodyIsRefused() {
        byte[] valid = KafkaMessages.serialize(KafkaMessages.request(ApiKeys.API_VERSIONS, (short) 3,
                new ApiVersionsRequestData().setClientSoftwareName("librdkafka").setClientSoftwareVersion("2.0")), 1, "c");

        assertRefused(BROKER, Arrays.copyOf(valid, valid.length - 3), "");
    }

    // ---- frame shape ----

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4, 7})
    void refusesAFrameTooShortForAHeader(int length) {
        assertRefused(BROKER, new byte[length], "too short");
    }

    static List<Arguments> allApiVersions() {
        return KafkaMessages.allApiVersions();
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("allApiVersions")
    void refusesBytesAfterTheBody(ApiKeys api, short version) {
        byte[] valid = KafkaMessages.serialize(KafkaMessages.request(api, version, KafkaMessages.defaultRequestData(api)), 1, "c");

        assertRefused(ALL, concat(valid, new byte[] {0}), "unexpected bytes after the body");
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("allApiVersions")
    void refusesEveryTruncationOfARequest(ApiKeys api, short version) {
        byte[] valid = KafkaMessages.serialize(KafkaMessages.request(api, version, KafkaMessages.defaultRequestData(api)), 1, "c");

        for (int length = 0; length < valid.length; length++) {
            assertRefused(ALL, Arrays.copyOf(valid, length), "");
        }
    }

    @Test
    void refusesATruncatedProduceRequestWithRecords() {
        byte[] valid = KafkaMessages.serialize(KafkaMessages.produceWithOneBatch((short) 9), 1, "c");

        for (int length = 8; length < valid.length; length++) {
            assertRefused(BROKER, Arrays.copyOf(valid, length), "");
        }
    }

    // ---- lengths that lie: fail fast, allocate nothing by them ----

    @Test
    void aHugeArrayLengthFailsFastWithoutAllocatingForIt() {
        // Metadata v1: topics is an int32-counted array. 2^31-1 elements claimed in a 100-byte frame.
        byte[] frame = padTo(100, concat(header(ApiKeys.METADATA, 1), int32(Integer.MAX_VALUE)));

        assertRefusedCheaply(frame);
    }

    @Test
    void aHugeCompactArrayLengthFailsFast() {
        // Metadata v12: topics is a compact array; unsigned varint N+1.
        byte[] frame = padTo(100, concat(header(ApiKeys.METADATA, 12), uvarint(Integer.MAX_VALUE)));

        assertRefusedCheaply(frame);
    }

    @Test
    void aHugeRecordsLengthFailsFast() {
        // Produce v3: transactional id (null), acks, timeout, one topic "t" with one partition whose records claim 2^31-1 bytes.
        byte[] body = concat(int16(-1), int16(1), int32(1000), int32(1), string("t"), int32(1), int32(0), int32(Integer.MAX_VALUE));

        assertRefusedCheaply(padTo(100, concat(header(ApiKeys.PRODUCE, 3), body)));
    }

    @Test
    void aHugeBytesLengthFailsFast() {
        // SaslAuthenticate v0: AuthBytes is an int32-counted bytes field.
        assertRefusedCheaply(padTo(100, concat(header(ApiKeys.SASL_AUTHENTICATE, 0), int32(Integer.MAX_VALUE))));
        // v2 is flexible: compact bytes with an unsigned varint length.
        assertRefusedCheaply(padTo(100, concat(header(ApiKeys.SASL_AUTHENTICATE, 2), uvarint(Integer.MAX_VALUE))));
    }

    @Test
    void aHugeStringLengthFailsFast() {
        // Metadata v1, one topic whose name claims 32767 bytes.
        assertRefusedCheaply(padTo(100, concat(header(ApiKeys.METADATA, 1), int32(1), int16(Short.MAX_VALUE))));
        // CreateTopics v5 (flexible): one topic whose compact name claims 2^31-2 bytes.
        assertRefusedCheaply(padTo(100, concat(header(ApiKeys.CREATE_TOPICS, 5), uvarint(2), uvarint(Integer.MAX_VALUE))));
    }

    @Test
    void hugeTaggedFieldsFailFast() {
        byte[] valid = KafkaMessages.serialize(KafkaMessages.request(ApiKeys.METADATA, (short) 12, new MetadataRequestData()), 1, "c");
        assertThat(valid[valid.length - 1]).as("the body ends with its (empty) tagged fields").isZero();
        byte[] withoutTags = Arrays.copyOf(valid, valid.length - 1);

        // One unknown tagged field claiming 2^31-1 bytes.
        assertRefusedCheaply(padTo(100, concat(withoutTags, uvarint(1), uvarint(99), uvarint(Integer.MAX_VALUE))));
        // 2^31-1 tagged fields.
        assertRefusedCheaply(padTo(100, concat(withoutTags, uvarint(Integer.MAX_VALUE))));
        // A tagged field count that is not a valid varint at all.
        assertRefusedCheaply(padTo(100, concat(withoutTags, new byte[] {-1, -1, -1, -1, -1, -1})));
    }

    @ParameterizedTest
    @ValueSource(shorts = {-1, -2, Short.MIN_VALUE})
    void aNegativeLengthForANonNullableStringIsRefused(short length) {
        // Metadata v1: one topic, name length negative.
        assertRefused(BROKER, padTo(40, concat(header(ApiKeys.METADATA, 1), int32(1), int16(length))), "");
    }

    @Test
    void aNegativeArrayLengthForANonNullableArrayIsRefused() {
        // CreateTopics v4 (not flexible): topics is a non-nullable int32-counted array.
        assertRefused(BROKER, padTo(40, concat(header(ApiKeys.CREATE_TOPICS, 4), int32(-2))), "");
    }

    @Test
    void aNullCompactStringWhereNoneIsAllowedIsRefused() {
        // CreateTopics v5: one topic whose compact name is null (varint 0).
        assertRefused(BROKER, padTo(40, concat(header(ApiKeys.CREATE_TOPICS, 5), uvarint(2), uvarint(0))), "");
    }

    // ---- strings must be UTF-8 ----

    static List<byte[]> invalidUtf8() {
        return List.of(
                new byte[] {(byte) 0xFF},                                   // never valid
                new byte[] {'a', (byte) 0xC3, 0x28},                        // bad continuation byte
                new byte[] {(byte) 0xC0, (byte) 0x80},                      // overlong NUL
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},         // UTF-16 surrogate
                new byte[] {'o', 'k', (byte) 0xE2, (byte) 0x82});           // truncated sequence
    }

    @ParameterizedTest
    @MethodSource("invalidUtf8")
    void refusesInvalidUtf8InTheClientId(byte[] clientId) {
        byte[] header = concat(int16(ApiKeys.METADATA.id), int16(1), int32(8), int16(clientId.length), clientId);

        assertRefused(BROKER, concat(header, int32(0)), "UTF-8");
    }

    @ParameterizedTest
    @MethodSource("invalidUtf8")
    void refusesInvalidUtf8InABodyString(byte[] name) {
        // Metadata v1: one topic with this name.
        assertRefused(BROKER, concat(header(ApiKeys.METADATA, 1), int32(1), int16(name.length), name), "UTF-8");
    }

    @ParameterizedTest
    @MethodSource("invalidUtf8")
    void refusesInvalidUtf8InACompactString(byte[] name) {
        // CreateTopics v5: one topic with this compact name, then the rest of a valid topic.
        byte[] topic = concat(uvarint(name.length + 1), name, int32(1), int16(1), uvarint(1), uvarint(1), uvarint(0));
        byte[] body = concat(uvarint(2), topic, int32(1000), new byte[] {0}, uvarint(0));

        assertRefused(BROKER, concat(header(ApiKeys.CREATE_TOPICS, 5), body), "UTF-8");
    }

    @Test
    void acceptsValidMultiByteUtf8() {
        String name = "tópico-\u4e3b\u9898-\uD83D\uDE80";
        byte[] encoded = name.getBytes(StandardCharsets.UTF_8);
        byte[] frame = concat(header(ApiKeys.METADATA, 1), int32(1), int16(encoded.length), encoded);

        DecodedRequest request = BROKER.decode(buf(frame));
        try {
            assertThat(((MetadataRequest) request.body()).topics()).containsExactly(name);
        } finally {
            request.release();
        }
    }

    // ---- helpers ----

    /** Decoding fails with InvalidFrameException (never anything else) and releases the frame. */
    static void assertRefused(RequestDecoder decoder, byte[] bytes, String messagePart) {
        ByteBuf frame = buf(bytes);
        assertThatThrownBy(() -> decoder.decode(frame))
                .isExactlyInstanceOf(InvalidFrameException.class)
                .hasMessageContaining(messagePart);
        assertThat(frame.refCnt()).as("the frame is released on failure").isZero();
    }

    /** Refused, and the attempt allocates far less than any of the lying lengths would need. */
    private static void assertRefusedCheaply(byte[] bytes) {
        assertRefused(BROKER, bytes, ""); // warm up: class loading allocates too
        long allocated = allocatedBy(() -> assertRefused(BROKER, bytes, ""));
        assertThat(allocated).as("bytes allocated decoding a %d-byte frame", bytes.length).isLessThan(1 << 20);
    }

    private static long allocatedBy(Runnable action) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        action.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    /** A request header v1 (or v2 for flexible versions) with correlation id 1 and client id "c". */
    private static byte[] header(ApiKeys api, int version) {
        RequestHeader header = new RequestHeader(api, (short) version, "c", 1);
        return headerBytes(header.data(), header.headerVersion());
    }

    private static byte[] headerBytes(RequestHeaderData header, short headerVersion) {
        return TestBuffers.bytes(MessageUtil.toByteBufferAccessor(header, headerVersion).buffer());
    }

    private static byte[] padTo(int length, byte[] bytes) {
        return bytes.length >= length ? bytes : Arrays.copyOf(bytes, length);
    }

    private static byte[] int16(int value) {
        return ByteBuffer.allocate(2).putShort((short) value).array();
    }

    private static byte[] int32(int value) {
        return ByteBuffer.allocate(4).putInt(value).array();
    }

    /** Kafka's unsigned varint: 7 bits a byte, low bits first, high bit set on all but the last byte. */
    private static byte[] uvarint(int value) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int rest = value;
        while ((rest & ~0x7F) != 0) {
            out.write((rest & 0x7F) | 0x80);
            rest >>>= 7;
        }
        out.write(rest);
        return out.toByteArray();
    }

    private static byte[] string(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        return concat(int16(bytes.length), bytes);
    }
}
