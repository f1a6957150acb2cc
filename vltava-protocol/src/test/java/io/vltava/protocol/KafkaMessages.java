package io.vltava.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.DescribeAclsRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceDataCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Kafka requests built the way a client builds them, with kafka-clients' own classes.
 *
 * <p>Threading: stateless; safe from any thread.
 */
public final class KafkaMessages {

    private KafkaMessages() {
    }

    /** Every API that has valid versions, at every version from oldest to latest, as (ApiKeys, short). */
    public static List<Arguments> allApiVersions() {
        List<Arguments> all = new ArrayList<>();
        for (ApiKeys api : ApiKeys.values()) {
            if (!api.hasValidVersion()) {
                continue;
            }
            for (short version = api.oldestVersion(); version <= api.latestVersion(); version++) {
                all.add(Arguments.of(api, version));
            }
        }
        return all;
    }

    /**
     * The generated request data with its defaults, except where kafka-clients refuses the defaults:
     * DescribeAcls' filter fields default to UNKNOWN (0), which {@code DescribeAclsRequest} rejects, so
     * they are set to ANY.
     */
    public static ApiMessage defaultRequestData(ApiKeys api) {
        if (api == ApiKeys.DESCRIBE_ACLS) {
            return new DescribeAclsRequestData()
                    .setResourceTypeFilter(ResourceType.ANY.code())
                    .setOperation(AclOperation.ANY.code())
                    .setPermissionType(AclPermissionType.ANY.code());
        }
        return api.messageType.newRequest();
    }

    /** A typed request holding {@code data} at {@code version}, as kafka-clients parses it. */
    public static AbstractRequest request(ApiKeys api, short version, ApiMessage data) {
        ByteBuffer bytes = MessageUtil.toByteBufferAccessor(data, version).buffer();
        return AbstractRequest.parseRequest(api, version, new ByteBufferAccessor(bytes)).request;
    }

    /** Header and body as a client sends them, without the size prefix. */
    public static byte[] serialize(AbstractRequest request, int correlationId, String clientId) {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), clientId, correlationId);
        return TestBuffers.bytes(request.serializeWithHeader(header));
    }

    /** A Produce request with one partition holding one uncompressed batch of two records. */
    public static AbstractRequest produceWithOneBatch(short version) {
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(1_000L, "k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8)),
                new SimpleRecord(1_001L, null, "w".getBytes(StandardCharsets.UTF_8)));
        TopicProduceData topic = new TopicProduceData()
                .setPartitionData(List.of(new PartitionProduceData().setIndex(0).setRecords(records)));
        if (version >= 13) {
            topic.setTopicId(Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAQ"));
        } else {
            topic.setName("t");
        }
        ProduceRequestData data = new ProduceRequestData()
                .setAcks((short) -1)
                .setTimeoutMs(30_000)
                .setTopicData(new TopicProduceDataCollection(List.of(topic).iterator()));
        return request(ApiKeys.PRODUCE, version, data);
    }
}
