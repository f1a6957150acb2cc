package io.vltava.storage.log;

import io.vltava.common.io.AtomicFile;
import io.vltava.storage.index.OffsetIndex;
import io.vltava.storage.record.BatchHeader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * One segment of a partition's log: a {@code .log} file of record batches exactly as they are served,
 * starting at {@link #baseOffset()}, and its sparse {@link OffsetIndex}. Files are named by the base
 * offset padded to 20 digits, as Kafka names them.
 *
 * <p>Invariants: batches are stored back to back in increasing offset order; {@link #size()} covers
 * only complete batches; an index entry (lastOffset of a batch, position of that batch) is added once
 * more than {@code index.interval.bytes} were appended since the previous entry.
 *
 * <p>Crash behaviour: bytes past the last fsync may be missing or torn after a crash; {@link #recover}
 * validates every batch, truncates at the first bad one and rebuilds the index.
 *
 * <p>Threading: appends and recovery under the owning log's lock (or on the cleaner thread that
 * writes a {@code .cleaned} segment no log holds yet); reads from any thread (positional reads, a
 * volatile size, an index whose entry count is published after its bytes).
 */
public final class LogSegment {

    public static final String LOG_SUFFIX = ".log";
    public static final String INDEX_SUFFIX = ".index";
    /** Added to the names of a segment's files once it is removed from its log and waits to be deleted. */
    public static final String DELETED_SUFFIX = ".deleted";
    /** Added to the names of a segment the cleaner is writing; a crash leaves it incomplete, so loading deletes it. */
    public static final String CLEANED_SUFFIX = ".cleaned";
    /** Added to the names of a complete cleaned segment while it replaces the segments it was cleaned from. */
    public static final String SWAP_SUFFIX = ".swap";

    private final long baseOffset;
    private volatile Path logFile;
    private final FileChannel channel;
    private final OffsetIndex index;
    private final int indexIntervalBytes;
    private volatile int size;
    private int bytesSinceLastIndexEntry;
    /** Whether the log file existed when opened but its index file did not. */
    private boolean indexLost;
    /** Guarded by this; only meaningful while {@code timestampsKnown}. */
    private boolean timestampsKnown;
    private long maxTimestamp = BatchHeader.NO_TIMESTAMP;
    private int maxTimestampPosition = -1;

    private LogSegment(long baseOffset, Path logFile, FileChannel channel, OffsetIndex index, int indexIntervalBytes) throws IOException {
        this.baseOffset = baseOffset;
        this.logFile = logFile;
        this.channel = channel;
        this.index = index;
        this.indexIntervalBytes = indexIntervalBytes;
        this.size = (int) Math.min(channel.size(), Integer.MAX_VALUE);
    }

    /** Opens the segment with this base offset in {@code dir}, creating empty files if there are none. */
    public static LogSegment open(Path dir, long baseOffset, LogConfig config) {
        return open(dir, baseOffset, config, "");
    }

    /**
     * Creates an empty segment whose files end in {@code .cleaned} (replacing any left from an earlier
     * attempt), for the cleaner to write; {@link PartitionLog#replaceSegments} swaps it into the log.
     */
    public static LogSegment openCleaned(Path dir, long baseOffset, LogConfig config) throws IOException {
        Files.deleteIfExists(dir.resolve(fileName(baseOffset, LOG_SUFFIX + CLEANED_SUFFIX)));
        Files.deleteIfExists(dir.resolve(fileName(baseOffset, INDEX_SUFFIX + CLEANED_SUFFIX)));
        return open(dir, baseOffset, config, CLEANED_SUFFIX);
    }

    /** Opens the segment whose file names end in {@code fileSuffix} after the usual suffixes ("" for a live segment). */
    static LogSegment open(Path dir, long baseOffset, LogConfig config, String fileSuffix) {
        Path logFile = dir.resolve(fileName(baseOffset, LOG_SUFFIX + fileSuffix));
        try {
            boolean created = !Files.exists(logFile);
            FileChannel channel = FileChannel.open(logFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            OffsetIndex index = new OffsetIndex(dir.resolve(fileName(baseOffset, INDEX_SUFFIX + fileSuffix)), baseOffset,
                    config.segmentIndexBytes());
            LogSegment segment = new LogSegment(baseOffset, logFile, channel, index, config.indexIntervalBytes());
            if (created) {
                segment.resetTimestamps();
                AtomicFile.fsyncDirectory(dir);
            } else {
                segment.indexLost = index.createdEmpty();
            }
            return segment;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open segment " + logFile, e);
        }
    }

    /** {@code 00000000000000000042.log} for base offset 42 and suffix {@code .log}. */
    public static String fileName(long offset, String suffix) {
        return String.format("%020d", offset) + suffix;
    }

    public long baseOffset() {
        return baseOffset;
    }

    /** Bytes of complete batches in the segment. */
    public int size() {
        return size;
    }

    public Path logFile() {
        return logFile;
    }

    public OffsetIndex index() {
        return index;
    }

    /** Whether a batch set of {@code bytes} ending at {@code lastOffset} must go into a new segment. */
    boolean shouldRoll(int bytes, long lastOffset, int maxSegmentBytes) {
        return (long) size + bytes > maxSegmentBytes && size > 0
                || index.isFull()
                || lastOffset - baseOffset > Integer.MAX_VALUE;
    }

    /**
     * Appends batches whose offsets are already assigned; {@code batches} is read from its position to
     * its limit and left unchanged. A failed write is cut off again, so no partial batch stays behind
     * (if even that fails, the caller fails the log and the next start recovers it).
     */
    public void append(ByteBuffer batches) throws IOException {
        int start = batches.position();
        int end = batches.limit();
        int filePosition = size;
        ByteBuffer source = batches.duplicate();
        try {
            while (source.hasRemaining()) {
                channel.write(source, filePosition + (source.position() - start));
            }
        } catch (IOException e) {
            channel.truncate(filePosition);
            throw e;
        }
        for (int batch = start; batch < end; batch += BatchHeader.sizeInBytes(batches, batch)) {
            int batchSize = BatchHeader.sizeInBytes(batches, batch);
            int batchPosition = filePosition + (batch - start);
            if (bytesSinceLastIndexEntry > indexIntervalBytes) {
                index.append(BatchHeader.lastOffset(batches, batch), batchPosition);
                bytesSinceLastIndexEntry = 0;
            }
            bytesSinceLastIndexEntry += batchSize;
            noteTimestamp(BatchHeader.maxTimestamp(batches, batch), batchPosition);
        }
        size = filePosition + (end - start);
    }

    /**
     * Finds the first batch whose last offset is at least {@code offset}, searching from the index entry
     * below it.
     *
     * @return its position and size, or null if every batch in the segment ends before {@code offset}
     */
    BatchLocation locate(long offset) throws IOException {
        OffsetIndex.OffsetPosition start = index.lookup(offset);
        FileBatchReader reader = new FileBatchReader(channel, start.position(), size);
        while (reader.next()) {
            if (reader.lastOffset() >= offset) {
                return new BatchLocation(reader.baseOffset(), (int) reader.position(), reader.sizeInBytes());
            }
        }
        return null;
    }

    /**
     * Reads batches from the one holding {@code startOffset}, up to {@code maxSize} bytes and never past
     * {@code maxPosition}. With {@code minOneBatch} the whole first batch is returned even when it is
     * larger than {@code maxSize}; without it, a first batch larger than {@code maxSize} gives an empty
     * read. The last batch may be cut short, as in Kafka.
     *
     * @return the slice (possibly empty), or null if no batch in this segment reaches {@code startOffset}
     */
    SegmentRead read(long startOffset, int maxSize, long maxPosition, boolean minOneBatch) throws IOException {
        BatchLocation first = locate(startOffset);
        if (first == null) {
            return null;
        }
        LogOffsetMetadata fetchOffset = new LogOffsetMetadata(startOffset, baseOffset, first.position());
        long limit = Math.min(maxPosition, size);
        if (first.position() >= limit) {
            return new SegmentRead(fetchOffset, new LogSlice(channel, first.position(), 0));
        }
        if (!minOneBatch && maxSize < first.size()) {
            return new SegmentRead(fetchOffset, new LogSlice(channel, first.position(), 0));
        }
        int wanted = minOneBatch ? Math.max(maxSize, first.size()) : maxSize;
        int length = (int) Math.min(limit - first.position(), wanted);
        return new SegmentRead(fetchOffset, new LogSlice(channel, first.position(), length));
    }

    /** The offset after the last batch, or the base offset when the segment is empty. */
    public long readNextOffset() throws IOException {
        OffsetIndex.OffsetPosition start = index.lookup(Long.MAX_VALUE);
        FileBatchReader reader = new FileBatchReader(channel, start.position(), size);
        long next = baseOffset;
        while (reader.next()) {
            next = reader.lastOffset() + 1;
        }
        return next;
    }

    /**
     * Validates every batch from the start, rebuilds the index and truncates the file at the first
     * batch that is incomplete, has a bad CRC, is not magic v2 or goes back in offsets.
     *
     * @param visitor told of each valid batch, in order
     * @return the number of bytes truncated
     */
    int recover(BatchVisitor visitor) throws IOException {
        index.clear();
        bytesSinceLastIndexEntry = 0;
        resetTimestamps();
        long fileSize = channel.size();
        long position = 0;
        long nextOffset = baseOffset;
        ByteBuffer buffer = ByteBuffer.allocate(BatchHeader.HEADER_SIZE);
        while (fileSize - position >= BatchHeader.HEADER_SIZE) {
            buffer.clear().limit(BatchHeader.HEADER_SIZE);
            readFully(buffer, position);
            int length = BatchHeader.batchLength(buffer, 0);
            long batchSize = (long) BatchHeader.LOG_OVERHEAD + length;
            if (length < BatchHeader.HEADER_SIZE - BatchHeader.LOG_OVERHEAD || position + batchSize > fileSize) {
                break;
            }
            if (buffer.capacity() < batchSize) {
                ByteBuffer bigger = ByteBuffer.allocate((int) batchSize);
                bigger.put(buffer.flip());
                buffer = bigger;
            }
            buffer.limit((int) batchSize).position(BatchHeader.HEADER_SIZE);
            readFully(buffer, position + BatchHeader.HEADER_SIZE);
            buffer.position(0);
            if (!isValidStoredBatch(buffer, nextOffset)) {
                break;
            }
            if (bytesSinceLastIndexEntry > indexIntervalBytes) {
                index.append(BatchHeader.lastOffset(buffer, 0), (int) position);
                bytesSinceLastIndexEntry = 0;
            }
            bytesSinceLastIndexEntry += (int) batchSize;
            noteTimestamp(BatchHeader.maxTimestamp(buffer, 0), (int) position);
            nextOffset = BatchHeader.lastOffset(buffer, 0) + 1;
            visitor.onBatch(buffer, (int) position);
            position += batchSize;
        }
        int truncated = (int) (fileSize - position);
        if (truncated > 0) {
            channel.truncate(position);
        }
        size = (int) position;
        return truncated;
    }

    private static boolean isValidStoredBatch(ByteBuffer batch, long minBaseOffset) {
        if (BatchHeader.magic(batch, 0) != BatchHeader.MAGIC_V2) {
            return false;
        }
        if (BatchHeader.baseOffset(batch, 0) < minBaseOffset || BatchHeader.lastOffsetDelta(batch, 0) < 0) {
            return false;
        }
        return BatchHeader.isCrcValid(batch, 0);
    }

    /**
     * The first batch whose max timestamp is at least {@code timestamp}, as a slice of that batch, or
     * null if there is none in this segment that ends below {@code endOffset}.
     */
    LogSlice firstBatchWithTimestampAtLeast(long timestamp, long endOffset) throws IOException {
        FileBatchReader reader = new FileBatchReader(channel, 0, size);
        while (reader.next()) {
            if (reader.lastOffset() >= endOffset) {
                return null;
            }
            if (BatchHeader.maxTimestamp(reader.header(), 0) >= timestamp) {
                return new LogSlice(channel, reader.position(), reader.sizeInBytes());
            }
        }
        return null;
    }

    /** The largest batch max timestamp in the segment, or -1 when it has no batch. */
    public long largestTimestamp() throws IOException {
        return timestamps().maxTimestamp();
    }

    /** The max timestamp of the segment's first batch, or -1 when it has none. */
    public long firstBatchTimestamp() throws IOException {
        FileBatchReader reader = new FileBatchReader(channel, 0, size);
        return reader.next() ? BatchHeader.maxTimestamp(reader.header(), 0) : BatchHeader.NO_TIMESTAMP;
    }

    /**
     * Copies bytes from {@code position} into {@code buffer}, until the buffer is full or the segment's
     * complete batches end (the last batch copied may be cut short).
     *
     * @return the number of bytes copied
     */
    public int readInto(ByteBuffer buffer, int position) throws IOException {
        int wanted = Math.min(buffer.remaining(), size - position);
        if (wanted <= 0) {
            return 0;
        }
        ByteBuffer target = buffer.duplicate();
        target.limit(target.position() + wanted);
        readFully(target, position);
        buffer.position(target.position());
        return wanted;
    }

    /** The largest batch max timestamp in the segment and the batch holding it (scanned once, then kept up to date). */
    synchronized TimestampSummary timestamps() throws IOException {
        if (!timestampsKnown) {
            resetTimestamps();
            FileBatchReader reader = new FileBatchReader(channel, 0, size);
            while (reader.next()) {
                noteTimestamp(BatchHeader.maxTimestamp(reader.header(), 0), (int) reader.position());
            }
        }
        return new TimestampSummary(maxTimestamp, maxTimestampPosition);
    }

    /** A reader of the batch headers from {@code position} to the end of the segment. */
    FileBatchReader batchReader(int position) {
        return new FileBatchReader(channel, position, size);
    }

    /**
     * A cheap check of the index after a clean shutdown: the file was there when the log was (or the
     * segment is empty),
     * and its last entry is a real entry (never at position 0, where no entry is written) inside the log.
     */
    boolean indexLooksSane() {
        if (indexLost) {
            return size == 0;
        }
        if (index.entries() == 0) {
            return true;
        }
        OffsetIndex.OffsetPosition last = index.lookup(Long.MAX_VALUE);
        return last.offset() > baseOffset && last.position() > 0 && last.position() < size;
    }

    /** A slice of the batch starting at {@code position}. */
    LogSlice batchAt(int position) throws IOException {
        FileBatchReader reader = new FileBatchReader(channel, position, size);
        return reader.next() ? new LogSlice(channel, position, reader.sizeInBytes()) : null;
    }

    private synchronized void noteTimestamp(long batchMaxTimestamp, int position) {
        if (timestampsKnown && batchMaxTimestamp > maxTimestamp) {
            maxTimestamp = batchMaxTimestamp;
            maxTimestampPosition = position;
        }
    }

    /** Starts the timestamp summary empty and known: the segment is new or about to be read in full. */
    private synchronized void resetTimestamps() {
        timestampsKnown = true;
        maxTimestamp = BatchHeader.NO_TIMESTAMP;
        maxTimestampPosition = -1;
    }

    /** Writes the segment's data (and index pages) to disk. */
    void flush() throws IOException {
        channel.force(false);
        index.flush();
    }

    /** Called when a newer segment takes over appends: the index gives back its preallocated space. */
    void onRolled() {
        index.trimToEntries();
    }

    /** Closes the files; the data stays on disk. */
    void close() throws IOException {
        index.close();
        channel.close();
    }

    /** Closes and deletes the files. */
    public void delete() throws IOException {
        channel.close();
        index.delete();
        Files.deleteIfExists(logFile);
    }

    /**
     * Renames every file of the segment from ending in {@code oldSuffix} to ending in {@code newSuffix}
     * (for example from {@code .log} to {@code .log.deleted}); the open files stay readable.
     */
    void changeFileSuffixes(String oldSuffix, String newSuffix) throws IOException {
        logFile = renamed(logFile, oldSuffix, newSuffix);
        OffsetIndex offsetIndex = index;
        offsetIndex.renameTo(renamedPath(offsetIndex.file(), oldSuffix, newSuffix));
    }

    private static Path renamed(Path file, String oldSuffix, String newSuffix) throws IOException {
        Path target = renamedPath(file, oldSuffix, newSuffix);
        Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    private static Path renamedPath(Path file, String oldSuffix, String newSuffix) {
        String name = file.getFileName().toString();
        if (!name.endsWith(oldSuffix)) {
            throw new IllegalArgumentException(file + " does not end in '" + oldSuffix + "'");
        }
        return file.resolveSibling(name.substring(0, name.length() - oldSuffix.length()) + newSuffix);
    }

    private void readFully(ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new IOException("Unexpected end of " + logFile + " at " + at);
            }
            at += n;
        }
    }

    @Override
    public String toString() {
        return "LogSegment(" + logFile + ", size=" + size + ")";
    }

    /** Where a batch is: its base offset, byte position and size. */
    record BatchLocation(long baseOffset, int position, int size) {
    }

    /** Told of each valid batch during recovery; the buffer holds the whole batch at position 0. */
    @FunctionalInterface
    interface BatchVisitor {
        void onBatch(ByteBuffer batch, int position);
    }

    /** The result of reading one segment: where the fetch offset is, and the bytes to send. */
    record SegmentRead(LogOffsetMetadata fetchOffset, LogSlice slice) {
    }

    /** The largest batch max timestamp in a segment and the position of the first batch that has it (-1 if empty). */
    record TimestampSummary(long maxTimestamp, int position) {
    }
}
