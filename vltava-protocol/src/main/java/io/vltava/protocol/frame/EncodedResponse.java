package io.vltava.protocol.frame;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOutboundInvoker;
import io.vltava.protocol.records.LogSliceRecords;
import java.util.List;

/**
 * A response frame ready to send: one buffer holding every byte that was encoded, cut at the points
 * where record data stays in log files and is sent as file regions instead.
 *
 * <p>Threading: owned by one connection's event loop; {@link #writeTo} or {@link #release} exactly
 * once.
 */
public final class EncodedResponse {

    /** A place in {@code bytes} where a file slice goes. */
    record Splice(int at, LogSliceRecords records) {
    }

    private final ByteBuf bytes;
    private final List<Splice> splices;
    private final int frameSize;

    EncodedResponse(ByteBuf bytes, List<Splice> splices, int frameSize) {
        this.bytes = bytes;
        this.splices = splices;
        this.frameSize = frameSize;
    }

    /** Bytes on the wire, including the size prefix. */
    public int frameSize() {
        return frameSize;
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
            if (splice.records().sizeInBytes() > 0) {
                out.write(new LogSliceFileRegion(splice.records()), out.voidPromise());
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
