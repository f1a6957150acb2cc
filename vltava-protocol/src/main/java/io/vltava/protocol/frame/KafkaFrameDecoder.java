package io.vltava.protocol.frame;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits a byte stream into Kafka frames: a big-endian int32 size followed by that many bytes.
 *
 * <p>The size is checked against {@code socket.request.max.bytes} as soon as its four bytes arrive,
 * before anything is buffered for the frame, and a size of zero, a negative size or one above the
 * limit fails the connection with {@link InvalidFrameException}. Each complete frame is passed on as a
 * retained slice of exactly its bytes (without the size), so nothing downstream can read past it;
 * whoever receives the slice releases it.
 *
 * <p>Threading: one instance per connection, used on that connection's event loop.
 */
public final class KafkaFrameDecoder extends ByteToMessageDecoder {

    /** Bytes of the size prefix in front of every frame. */
    public static final int SIZE_PREFIX_BYTES = 4;

    private final int maxFrameBytes;

    public KafkaFrameDecoder(int maxFrameBytes) {
        if (maxFrameBytes <= 0) {
            throw new IllegalArgumentException("maxFrameBytes must be positive: " + maxFrameBytes);
        }
        this.maxFrameBytes = maxFrameBytes;
    }

    /** Whether bytes of a frame not yet complete are buffered (the frame has begun to arrive). */
    public boolean hasPartialFrame() {
        return actualReadableBytes() > 0;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < SIZE_PREFIX_BYTES) {
            return;
        }
        int size = in.getInt(in.readerIndex());
        if (size <= 0 || size > maxFrameBytes) {
            in.skipBytes(in.readableBytes());
            throw new InvalidFrameException(size <= 0
                    ? "frame size " + size + " is not positive"
                    : "frame size " + size + " exceeds socket.request.max.bytes (" + maxFrameBytes + ")");
        }
        if (in.readableBytes() < SIZE_PREFIX_BYTES + size) {
            return;
        }
        in.skipBytes(SIZE_PREFIX_BYTES);
        out.add(in.readRetainedSlice(size));
    }
}
