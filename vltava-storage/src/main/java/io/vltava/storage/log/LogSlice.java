package io.vltava.storage.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A byte range of a segment file holding whole record batches (the last one may be cut short when a
 * read stops at its size limit, as Kafka's reads do; clients drop such a partial batch).
 *
 * @param channel  the segment's open file (null for {@link #EMPTY}); owned by the segment, never closed through this slice
 * @param position where the range starts
 * @param size     its length in bytes
 */
public record LogSlice(FileChannel channel, long position, int size) {

    /** Nothing to send. */
    public static final LogSlice EMPTY = new LogSlice(null, 0, 0);

    public boolean isEmpty() {
        return size == 0;
    }

    /** Copies the range into a new heap buffer, for the rare reads that must look inside batches. */
    public ByteBuffer readFully() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(size);
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new IOException("Segment ended before position " + (position + buffer.position()));
            }
        }
        return buffer.flip();
    }
}
