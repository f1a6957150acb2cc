package io.vltava.network;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicCollection;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataRequestData.MetadataRequestTopic;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

/** Requests and responses as a Kafka client writes and reads them, built with kafka-clients. */
final class Wire {

    static final String CLIENT_ID = "wire-test";

    private Wire() {
    }

    static AbstractRequest request(ApiKeys api, ApiMessage data) {
        return request(api, api.latestVersion(), data);
    }

    static AbstractRequest request(ApiKeys api, short version, ApiMessage data) {
        ByteBuffer bytes = MessageUtil.toByteBufferAccessor(data, version).buffer();
        return AbstractRequest.parseRequest(api, version, new ByteBufferAccessor(bytes)).request;
    }

    static AbstractRequest metadata(String... topics) {
        List<MetadataRequestTopic> list = new ArrayList<>();
        for (String topic : topics) {
            list.add(new MetadataRequestTopic().setName(topic));
        }
        return request(ApiKeys.METADATA, new MetadataRequestData().setTopics(list));
    }

    static AbstractRequest createTopics(String... names) {
        CreatableTopicCollection topics = new CreatableTopicCollection();
        for (String name : names) {
            topics.add(new CreatableTopic().setName(name).setNumPartitions(1).setReplicationFactor((short) 1));
        }
        return request(ApiKeys.CREATE_TOPICS, new CreateTopicsRequestData().setTopics(topics).setTimeoutMs(1000));
    }

    static AbstractRequest fetch() {
        return request(ApiKeys.FETCH, new FetchRequestData().setMaxWaitMs(500).setMinBytes(1).setReplicaId(-1));
    }

    static AbstractRequest produce() {
        return request(ApiKeys.PRODUCE, new ProduceRequestData().setAcks((short) 1).setTimeoutMs(1000));
    }

    static AbstractRequest apiVersions() {
        return request(ApiKeys.API_VERSIONS, ApiKeys.API_VERSIONS.messageType.newRequest());
    }

    static RequestHeader header(AbstractRequest request, int correlationId) {
        return new RequestHeader(request.apiKey(), request.version(), CLIENT_ID, correlationId);
    }

    /** The request as sent: int32 size, header, body. */
    static byte[] frame(AbstractRequest request, int correlationId) {
        ByteBuffer body = request.serializeWithHeader(header(request, correlationId));
        return ByteBuffer.allocate(4 + body.remaining()).putInt(body.remaining()).put(body).array();
    }

    /** Concatenation of frames. */
    static byte[] frames(byte[]... frames) {
        int size = 0;
        for (byte[] frame : frames) {
            size += frame.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (byte[] frame : frames) {
            out.put(frame);
        }
        return out.array();
    }

    /** The correlation id of a response frame given without its size prefix. */
    static int correlationId(byte[] response) {
        return ByteBuffer.wrap(response).getInt(0);
    }

    /** Parses a response frame (without its size prefix) to the request with {@code requestHeader}. */
    static AbstractResponse parse(byte[] response, RequestHeader requestHeader) {
        return AbstractResponse.parseResponse(ByteBuffer.wrap(response), requestHeader);
    }

    /** Splits a stream of size-prefixed frames; the stream must end at a frame boundary. */
    static List<byte[]> split(byte[] stream) {
        List<byte[]> frames = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.wrap(stream);
        while (buffer.hasRemaining()) {
            byte[] frame = new byte[buffer.getInt()];
            buffer.get(frame);
            frames.add(frame);
        }
        return frames;
    }
}
