package io.vltava.storage.log;

import io.vltava.storage.record.BatchHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Walks the batch headers of a segment file forward from a position, reading each 61-byte header
 * with one positional read and skipping the records.
 *
 * <p>It stops at the end of the given range or at a header that is incomplete; it does not validate
 * batches (recovery does that).
 *
 * <p>Threading: one instance per walk, on one thread. Positional reads do not disturb other readers.
 */
final class FileBatchReader {

    private final FileChannel channel;
    private final long end;
    private final ByteBuffer header = ByteBuffer.allocate(BatchHeader.HEADER_SIZE);
    private long position;
    private long nextPosition;

    FileBatchReader(FileChannel channel, long start, long end) {
        this.channel = channel;
        this.position = start;
        this.nextPosition = start;
        this.end = end;
    }

    /**
     * Moves to the next batch.
     *
     * @return false at the end of the range or when fewer bytes than a header remain
     */
    boolean next() throws IOException {
        position = nextPosition;
        if (end - position < BatchHeader.HEADER_SIZE) {
            return false;
        }
        header.clear();
        while (header.hasRemaining()) {
            int n = channel.read(header, position + header.position());
            if (n < 0) {
                return false;
            }
        }
        int length = BatchHeader.batchLength(header, 0);
        if (length < BatchHeader.HEADER_SIZE - BatchHeader.LOG_OVERHEAD) {
            return false;
        }
        nextPosition = position + BatchHeader.LOG_OVERHEAD + length;
        return true;
    }

    /** Where the current batch starts. */
    long position() {
        return position;
    }

    /** Bytes of the current batch, header included (it may extend past the range's end). */
    int sizeInBytes() {
        return (int) (nextPosition - position);
    }

    /** The current batch's header, positioned at 0; valid until the next call to {@link #next}. */
    ByteBuffer header() {
        return header;
    }

    long baseOffset() {
        return BatchHeader.baseOffset(header, 0);
    }

    long lastOffset() {
        return BatchHeader.lastOffset(header, 0);
    }
}
