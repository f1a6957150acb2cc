package io.vltava.protocol.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOutboundInvoker;
import io.vltava.protocol.records.LogSliceRecords;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A response frame ready to send: one buffer holding every byte that was encoded except record data,
 * cut at the points where records go: records that stay in log files are sent as file regions, records
 * that were in memory from a copy of their own.
 *
 * <p>Threading: owned by one connection's event loop; {@link #writeTo} or {@link #release} exactly
 * once.
 */
public final class EncodedResponse {

    /** A place in {@code bytes} where records go: a file slice, or a copy of records that were in memory. */
    record Splice(int at, LogSliceRecords file, ByteBuffer copy) {

        static Splice ofFile(int at, LogSliceRecords file) {
            return new Splice(at, file, null);
        }

        static Splice ofCopy(int at, ByteBuffer copy) {
            return new Splice(at, null, copy);
        }

        int sizeInBytes() {
            return file != null ? file.sizeInBytes() : copy.remaining();
        }

        /** What to write to the channel for these records. */
        Object message() {
            return file != null ? new LogSliceFileRegion(file) : Unpooled.wrappedBuffer(copy);
        }
    }

    private final ByteBuf bytes;
    private final List<Splice> splices;

    EncodedResponse(ByteBuf bytes, List<Splice> splices) {
        this.bytes = bytes;
        this.splices = splices;
    }

    /** Writes the frame (without flushing) and gives up ownership of its buffer. */
    public void writeTo(ChannelOutboundInvoker out) {
        if (splices.isEmpty()) {
            out.write(bytes, out.voidPromise());
            return;
        }
        int from = 0;
        for (Splice splice : splices) {
            if (splice.at() > from) {
                out.write(bytes.retainedSlice(from, splice.at() - from), out.voidPromise());
            }
            if (splice.sizeInBytes() > 0) {
                out.write(splice.message(), out.voidPromise());
            }
            from = splice.at();
        }
        if (bytes.writerIndex() > from) {
            out.write(bytes.retainedSlice(from, bytes.writerIndex() - from), out.voidPromise());
        }
        bytes.release();
    }

    /** Drops the frame unsent. */
    public void release() {
        bytes.release();
    }
}
