package io.vltava.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;

/**
 * Buffers for tests. Inputs are unpooled direct buffers: leak-tracked, so a buffer a test forgets to
 * release is reported by {@link NettyLeaks}, and never recycled, so a test can still read a released
 * buffer's reference count.
 *
 * <p>Threading: stateless; safe from any thread.
 */
public final class TestBuffers {

    private TestBuffers() {
    }

    /** A tracked direct buffer holding {@code bytes}. */
    public static ByteBuf buf(byte[] bytes) {
        ByteBuf buf = UnpooledByteBufAllocator.DEFAULT.directBuffer(Math.max(1, bytes.length));
        buf.writeBytes(bytes);
        return buf;
    }

    /** A tracked buffer holding the remaining bytes of {@code bytes} (its position is not moved). */
    public static ByteBuf buf(ByteBuffer bytes) {
        return buf(bytes(bytes));
    }

    /** The remaining bytes of {@code bytes}, without moving its position. */
    public static byte[] bytes(ByteBuffer bytes) {
        ByteBuffer copy = bytes.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }

    /** The readable bytes of {@code buf}, without moving its reader index. */
    public static byte[] bytes(ByteBuf buf) {
        byte[] out = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), out);
        return out;
    }

    /** {@code body} with a big-endian int32 size in front, as a Kafka frame travels on the wire. */
    public static byte[] sizePrefixed(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    /** {@link #sizePrefixed(byte[])} of the remaining bytes of {@code body}. */
    public static byte[] sizePrefixed(ByteBuffer body) {
        return sizePrefixed(bytes(body));
    }

    /** Concatenates arrays. */
    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /**
     * Everything written to {@code channel}'s outbound side, in order: buffers copied, file regions
     * transferred; each message is released.
     */
    public static byte[] drainOutbound(EmbeddedChannel channel) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WritableByteChannel target = Channels.newChannel(out);
        Object msg;
        while ((msg = channel.readOutbound()) != null) {
            try {
                if (msg instanceof ByteBuf buf) {
                    out.writeBytes(bytes(buf));
                } else if (msg instanceof FileRegion region) {
                    while (region.transferred() < region.count()) {
                        region.transferTo(target, region.transferred());
                    }
                } else {
                    throw new AssertionError("unexpected outbound message " + msg);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
        return out.toByteArray();
    }
}
