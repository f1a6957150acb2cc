package io.vltava.protocol.frame;

import static io.vltava.protocol.TestBuffers.buf;
import static io.vltava.protocol.TestBuffers.sizePrefixed;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vltava.protocol.KafkaMessages;
import io.vltava.protocol.NettyLeaks;
import io.vltava.protocol.TestBuffers;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicCollection;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfigCollection;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataRequestData.MetadataRequestTopic;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceDataCollection;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every API kafka-clients 4.4 defines, at every version it defines: a request a client serializes
 * comes out of {@link KafkaFrameDecoder} and {@link RequestDecoder} with the same header and body, and
 * a response {@link ResponseEncoder} writes is read back by kafka-clients as the same response.
 */
@ExtendWith(NettyLeaks.class)
class AllApisRoundTripTest {

    private static final RequestDecoder DECODER = new RequestDecoder(EnumSet.allOf(ApiKeys.class));

    static List<Arguments> allApiVersions() {
        return KafkaMessages.allApiVersions();
    }

    @Test
    void coversEveryApiThatHasVersions() {
        long apis = EnumSet.allOf(ApiKeys.class).stream().filter(ApiKeys::hasValidVersion).count();
        long covered = allApiVersions().stream().map(a -> a.get()[0]).distinct().count();

        assertThat(covered).isEqualTo(apis).isGreaterThan(80);
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("allApiVersions")
    void requestRoundTrip(ApiKeys api, short version) {
        AbstractRequest sent = KafkaMessages.request(api, version, KafkaMessages.defaultRequestData(api));

        assertDecodesAs(sent, 1000 + version, "client-" + api.id);
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("allApiVersions")
    void responseRoundTrip(ApiKeys api, short version) {
        ApiMessage body = api.messageType.newResponse();
        RequestHeader requestHeader = new RequestHeader(api, version, "client", 4242);

        byte[] wire = encode(requestHeader, version, body);

        ByteBuffer buffer = ByteBuffer.wrap(wire);
        assertThat(buffer.getInt()).as("size prefix").isEqualTo(wire.length - 4);
        short headerVersion = expectedResponseHeaderVersion(api, version);
        assertThat(api.responseHeaderVersion(version)).isEqualTo(headerVersion);
        ByteBufferAccessor reader = new ByteBufferAccessor(buffer);
        ResponseHeaderData header = new ResponseHeaderData(reader, headerVersion);
        assertThat(header.correlationId()).isEqualTo(4242);
        ApiMessage read = api.messageType.newResponse();
        read.read(reader, version);
        assertThat(read).isEqualTo(body);
        assertThat(buffer.remaining()).as("bytes after the body").isZero();

        // Through kafka-clients' own entry point, which reads the header itself. Some response classes
        // normalise their data when parsed (JoinGroup v7+ turns an empty protocol name into null), so
        // compare with what kafka-clients makes of its own serialization of the same body.
        AbstractResponse viaClient = AbstractResponse.parseResponse(ByteBuffer.wrap(wire, 4, wire.length - 4), requestHeader);
        AbstractResponse reference = AbstractResponse.parseResponse(api, MessageUtil.toByteBufferAccessor(body, version), version);
        assertThat(viaClient.data()).isEqualTo(reference.data());
    }

    @Test
    void apiVersionsResponsesUseHeaderVersionZeroEvenWhenFlexible() {
        for (short version = ApiKeys.API_VERSIONS.oldestVersion(); version <= ApiKeys.API_VERSIONS.latestVersion(); version++) {
            byte[] wire = encode(new RequestHeader(ApiKeys.API_VERSIONS, version, "c", 7), version, ApiKeys.API_VERSIONS.messageType.newResponse());
            ByteBuffer buffer = ByteBuffer.wrap(wire);
            buffer.getInt();
            assertThat(buffer.getInt()).isEqualTo(7);
            // Header v0 ends with the correlation id: the error code (0) of the body follows directly.
            assertThat(buffer.getShort()).as("error code right after the correlation id, v%d", version).isZero();
        }
    }

    @Test
    void flexibleResponsesCarryTaggedFieldsInTheirHeader() {
        MetadataResponseData body = new MetadataResponseData().setThrottleTimeMs(0x01020304);
        ByteBuffer v8 = ByteBuffer.wrap(encode(new RequestHeader(ApiKeys.METADATA, (short) 8, "c", 7), (short) 8, body));
        ByteBuffer v9 = ByteBuffer.wrap(encode(new RequestHeader(ApiKeys.METADATA, (short) 9, "c", 7), (short) 9, body));

        // v8 (header v0): size, correlation id, throttle time.
        assertThat(v8.getInt(4)).isEqualTo(7);
        assertThat(v8.getInt(8)).isEqualTo(0x01020304);
        // v9 (header v1): size, correlation id, empty tagged fields, throttle time.
        assertThat(v9.getInt(4)).isEqualTo(7);
        assertThat(v9.get(8)).isZero();
        assertThat(v9.getInt(9)).isEqualTo(0x01020304);
    }

    @ParameterizedTest(name = "Produce v{0}")
    @MethodSource("produceVersions")
    void produceRequestWithRecordsRoundTrip(short version) {
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(1_000L, "k1".getBytes(), "v1".getBytes()), new SimpleRecord(1_001L, null, "v2".getBytes()));
        TopicProduceData topic = new TopicProduceData()
                .setPartitionData(List.of(new PartitionProduceData().setIndex(3).setRecords(records)));
        if (version >= 13) {
            topic.setTopicId(Uuid.randomUuid());
        } else {
            topic.setName("orders");
        }
        ProduceRequestData data = new ProduceRequestData()
                .setAcks((short) -1)
                .setTimeoutMs(30_000)
                .setTopicData(new TopicProduceDataCollection(List.of(topic).iterator()));

        assertDecodesAs(KafkaMessages.request(ApiKeys.PRODUCE, version, data), 77, "producer-1");
    }

    static List<Short> produceVersions() {
        return ApiKeys.PRODUCE.allVersions();
    }

    @ParameterizedTest(name = "Metadata v{0}")
    @MethodSource("metadataVersions")
    void metadataRequestWithTopicsRoundTrip(short version) {
        MetadataRequestData data = new MetadataRequestData()
                .setTopics(List.of(new MetadataRequestTopic().setName("a"), new MetadataRequestTopic().setName("b.ü")))
                .setAllowAutoTopicCreation(version < 4);

        assertDecodesAs(KafkaMessages.request(ApiKeys.METADATA, version, data), Integer.MAX_VALUE, "");
    }

    static List<Short> metadataVersions() {
        return ApiKeys.METADATA.allVersions();
    }

    @ParameterizedTest(name = "CreateTopics v{0}")
    @MethodSource("createTopicsVersions")
    void createTopicsRequestWithConfigsRoundTrip(short version) {
        CreatableTopicConfigCollection configs = new CreatableTopicConfigCollection();
        configs.add(new CreatableTopicConfig().setName("cleanup.policy").setValue("compact"));
        CreatableTopicCollection topics = new CreatableTopicCollection();
        topics.add(new CreatableTopic().setName("t").setNumPartitions(3).setReplicationFactor((short) 1).setConfigs(configs));
        CreateTopicsRequestData data = new CreateTopicsRequestData().setTopics(topics).setTimeoutMs(5_000).setValidateOnly(version >= 1);

        assertDecodesAs(KafkaMessages.request(ApiKeys.CREATE_TOPICS, version, data), -5, null);
    }

    static List<Short> createTopicsVersions() {
        return ApiKeys.CREATE_TOPICS.allVersions();
    }

    /** Serializes {@code sent} as a client does and checks what the frame decoder and request decoder make of it. */
    private static void assertDecodesAs(AbstractRequest sent, int correlationId, String clientId) {
        RequestHeader header = new RequestHeader(sent.apiKey(), sent.version(), clientId, correlationId);
        byte[] wire = sizePrefixed(sent.serializeWithHeader(header));

        EmbeddedChannel channel = new EmbeddedChannel(new KafkaFrameDecoder(1 << 20));
        ByteBuf frame;
        try {
            channel.writeInbound(buf(wire));
            frame = channel.readInbound();
            Object more = channel.readInbound();
            assertThat(more).isNull();
        } finally {
            channel.finishAndReleaseAll();
        }
        assertThat(frame.readableBytes()).isEqualTo(wire.length - 4);

        DecodedRequest decoded = DECODER.decode(frame);
        try {
            RequestHeader expectedHeader = clientId == null
                    ? new RequestHeader(sent.apiKey(), sent.version(), "", correlationId) // kafka-clients reads a null client id as ""
                    : header;
            assertThat(decoded.header()).isEqualTo(expectedHeader);
            assertThat(decoded.apiKey()).isEqualTo(sent.apiKey());
            assertThat(decoded.body().apiKey()).isEqualTo(sent.apiKey());
            assertThat(decoded.body().version()).isEqualTo(sent.version());
            assertThat(decoded.responseVersion()).isEqualTo(sent.version());
            assertThat(decoded.body().data()).isEqualTo(sent.data());
        } finally {
            decoded.release();
        }
        assertThat(frame.refCnt()).isZero();
    }

    private static byte[] encode(RequestHeader requestHeader, short version, ApiMessage body) {
        EncodedResponse encoded = ResponseEncoder.encode(ByteBufAllocator.DEFAULT, requestHeader, version, body);
        EmbeddedChannel channel = new EmbeddedChannel();
        try {
            encoded.writeTo(channel);
            channel.flush();
            byte[] wire = TestBuffers.drainOutbound(channel);
            assertThat(ByteBuffer.wrap(wire).getInt()).as("the size prefix counts every byte after it").isEqualTo(wire.length - 4);
            return wire;
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /** ApiVersions always answers with header v0 (so old clients can read it); otherwise flexible versions use v1. */
    private static short expectedResponseHeaderVersion(ApiKeys api, short version) {
        if (api == ApiKeys.API_VERSIONS) {
            return 0;
        }
        boolean flexible = api.requestHeaderVersion(version) >= 2;
        return (short) (flexible ? 1 : 0);
    }
}
