package io.vltava.protocol.frame;

import io.netty.buffer.ByteBuf;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * One request as read off a connection: its header, its typed body and the frame it came in.
 *
 * <p>The body may share memory with the frame (produce records are slices of it, never copies), so
 * the frame stays retained until {@link #release()} is called once the response has been built.
 *
 * <p>Threading: owned by the connection that read it; hand it to one thread at a time.
 */
public final class DecodedRequest {

    private final RequestHeader header;
    private final AbstractRequest body;
    private final ByteBuf frame;

    DecodedRequest(RequestHeader header, AbstractRequest body, ByteBuf frame) {
        this.header = header;
        this.body = body;
        this.frame = frame;
    }

    public RequestHeader header() {
        return header;
    }

    public AbstractRequest body() {
        return body;
    }

    public ApiKeys apiKey() {
        return header.apiKey();
    }

    /** The version the response must be encoded with (0 for an ApiVersions request we cannot read). */
    public short responseVersion() {
        return body.version();
    }

    /** Releases the frame; the body must not be used afterwards. */
    public void release() {
        frame.release();
    }
}
