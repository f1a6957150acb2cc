package io.vltava.protocol.frame;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Turns a frame into a {@link DecodedRequest} with kafka-clients' generated classes.
 *
 * <p>A frame is refused with {@link InvalidFrameException} when its API is not one this broker
 * serves, its version is outside the range kafka-clients defines, its header or body does not parse
 * (including a string that is not valid UTF-8), or bytes are left over after the body. The one
 * exception is ApiVersions above our range: it becomes a version-0 request flagged as unsupported, so
 * that the answer can tell the client which versions to retry with (KIP-511).
 *
 * <p>Threading: stateless after construction; safe from any thread.
 */
public final class RequestDecoder {

    /** Bytes every request header starts with: api key, api version, correlation id. */
    private static final int MIN_HEADER_BYTES = 8;

    private final Set<ApiKeys> servedApis;

    public RequestDecoder(Set<ApiKeys> servedApis) {
        this.servedApis = Set.copyOf(servedApis);
    }

    /**
     * Decodes {@code frame}, taking over its reference: on success the returned request owns it, on
     * failure it has been released.
     */
    public DecodedRequest decode(ByteBuf frame) {
        try {
            return parse(frame);
        } catch (RuntimeException e) {
            frame.release();
            if (e instanceof InvalidFrameException invalid) {
                throw invalid;
            }
            throw new InvalidFrameException("malformed request: " + e.getMessage(), e);
        }
    }

    private DecodedRequest parse(ByteBuf frame) {
        ByteBuffer buffer = frame.nioBuffer().slice();
        if (buffer.remaining() < MIN_HEADER_BYTES) {
            throw new InvalidFrameException("frame of " + buffer.remaining() + " bytes is too short for a request header");
        }
        short apiKeyId = buffer.getShort(0);
        short version = buffer.getShort(2);
        if (!ApiKeys.hasId(apiKeyId)) {
            throw new InvalidFrameException("unknown API key " + apiKeyId);
        }
        ApiKeys apiKey = ApiKeys.forId(apiKeyId);
        if (!servedApis.contains(apiKey)) {
            throw new InvalidFrameException("API " + apiKey.name + " is not served by this broker");
        }
        boolean versionSupported = apiKey.isVersionSupported(version);
        if (!versionSupported && apiKey != ApiKeys.API_VERSIONS) {
            throw new InvalidFrameException("API " + apiKey.name + " version " + version + " is outside the supported range "
                    + apiKey.oldestVersion() + "-" + apiKey.latestVersion());
        }
        StrictUtf8Accessor readable = new StrictUtf8Accessor(buffer);
        RequestHeader header = readHeader(apiKey, version, readable);
        if (!versionSupported) {
            AbstractRequest fallback = new ApiVersionsRequest(new ApiVersionsRequestData(), (short) 0, version);
            return new DecodedRequest(header, fallback, frame);
        }
        AbstractRequest body = AbstractRequest.parseRequest(apiKey, version, readable).request;
        if (buffer.hasRemaining()) {
            throw new InvalidFrameException(buffer.remaining() + " unexpected bytes after the body of "
                    + apiKey.name + " v" + version);
        }
        return new DecodedRequest(header, body, frame);
    }

    /** What {@link RequestHeader#parse} does, but through {@code readable}: a null client id reads as "". */
    private static RequestHeader readHeader(ApiKeys apiKey, short version, StrictUtf8Accessor readable) {
        short headerVersion = apiKey.requestHeaderVersion(version);
        RequestHeaderData data = new RequestHeaderData(readable, headerVersion);
        if (data.clientId() == null) {
            data.setClientId("");
        }
        return new RequestHeader(data, headerVersion);
    }

    /**
     * kafka-clients' accessor, except that strings must be valid UTF-8: kafka-clients would silently
     * replace malformed bytes with U+FFFD, so that different names sent by a client could read as the
     * same string.
     */
    private static final class StrictUtf8Accessor extends ByteBufferAccessor {

        private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);

        StrictUtf8Accessor(ByteBuffer buffer) {
            super(buffer);
        }

        @Override
        public String readString(int length) {
            if (length < 0 || length > remaining()) {
                throw new InvalidFrameException("string of " + length + " bytes, but only " + remaining() + " bytes are left");
            }
            try {
                return utf8.decode(readByteBuffer(length)).toString();
            } catch (CharacterCodingException e) {
                throw new InvalidFrameException("a string of " + length + " bytes is not valid UTF-8", e);
            }
        }
    }
}
