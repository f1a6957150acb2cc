package io.vltava.protocol.records;

import java.nio.channels.FileChannel;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.RecordsSend;

/**
 * Record batches that stay in a log segment file: a byte range of an open {@link FileChannel}. Put in a
 * fetch response, they are sent from the file to the socket without passing through the heap
 * ({@code sendfile} under native epoll).
 *
 * <p>The channel belongs to the log segment; nothing here closes it. It is null only for {@link #EMPTY}.
 *
 * <p>Threading: immutable.
 */
public final class LogSliceRecords implements BaseRecords {

    /** No records: an empty (not null) records field. */
    public static final LogSliceRecords EMPTY = new LogSliceRecords(null, 0, 0);

    private final FileChannel channel;
    private final long position;
    private final int size;

    public LogSliceRecords(FileChannel channel, long position, int size) {
        if (position < 0 || size < 0) {
            throw new IllegalArgumentException("bad slice: position " + position + ", size " + size);
        }
        this.channel = channel;
        this.position = position;
        this.size = size;
    }

    public FileChannel channel() {
        return channel;
    }

    public long position() {
        return position;
    }

    @Override
    public int sizeInBytes() {
        return size;
    }

    /** Not used: Vltava's {@code ResponseEncoder} sends these bytes as a Netty file region. */
    @Override
    public RecordsSend<? extends BaseRecords> toSend() {
        throw new UnsupportedOperationException("log slices are sent by the response encoder as file regions");
    }

    @Override
    public String toString() {
        return "LogSliceRecords(position=" + position + ", size=" + size + ")";
    }
}
