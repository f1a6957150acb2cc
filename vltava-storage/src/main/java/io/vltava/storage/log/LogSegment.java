package io.vltava.storage.log;

import io.vltava.common.io.AtomicFile;
import io.vltava.common.time.Time;
import io.vltava.storage.index.OffsetIndex;
import io.vltava.storage.index.TimeIndex;
import io.vltava.storage.index.TransactionIndex;
import io.vltava.storage.index.TimestampOffset;
import io.vltava.storage.record.BatchHeader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One segment of a partition's log: a {@code .log} file of record batches exactly as they are served,
 * starting at {@link #baseOffset()}, its sparse {@link OffsetIndex}, its sparse {@link TimeIndex} and the
 * {@link TransactionIndex} of the transactions whose ABORT marker it holds.
 * Files are named by the base offset padded to 20 digits, as Kafka names them.
 *
 * <p>Invariants: batches are stored back to back in increasing offset order; {@link #size()} covers
 * only complete batches; once more than {@code index.interval.bytes} were appended since the previous
 * index entry, the offset index gets (lastOffset of the batch, position of the batch) and the time index
 * gets (largest timestamp so far, last offset of the first batch holding it) if that timestamp grew. On
 * roll and close the time index gets a final entry with the segment's largest timestamp, which is where
 * a reopened segment reads it from.
 *
 * <p>Both indexes are mapped lazily: opening a segment maps nothing; the first lookup or append maps
 * an index, and {@link #releaseIndexesIfIdle} gives an inactive segment's mappings back. Index files are
 * created lazily too: a segment that never held a record has none, and one whose log is empty but whose
 * index files are missing is sane.
 *
 * <p>Crash behaviour: bytes past the last fsync may be missing or torn after a crash; {@link #recover}
 * validates every batch, truncates at the first bad one and rebuilds both indexes.
 *
 * <p>Threading: appends, rolls and recovery under the owning log's lock (or on the cleaner thread that
 * writes a {@code .cleaned} segment no log holds yet); reads from any thread (positional reads, a volatile
 * size, indexes whose entry counts are published after their bytes, and a largest timestamp published
 * through volatile fields).
 */
public final class LogSegment {

    public static final String LOG_SUFFIX = ".log";
    public static final String INDEX_SUFFIX = ".index";
    public static final String TIME_INDEX_SUFFIX = ".timeindex";
    public static final String TXN_INDEX_SUFFIX = ".txnindex";
    /** Added to the names of a segment's files once it is removed from its log and waits to be deleted. */
    public static final String DELETED_SUFFIX = ".deleted";
    /** Added to the names of a segment the cleaner is writing; a crash leaves it incomplete, so loading deletes it. */
    public static final String CLEANED_SUFFIX = ".cleaned";
    /** Added to the names of a complete cleaned segment while it replaces the segments it was cleaned from. */
    public static final String SWAP_SUFFIX = ".swap";

    /** Marks a timestamp not read yet from the time index or the first batch. */
    private static final long UNKNOWN = Long.MIN_VALUE;

    private final long baseOffset;
    private volatile Path logFile;
    private final FileChannel channel;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private final TransactionIndex txnIndex;
    private final int indexIntervalBytes;
    /** How much earlier than {@code segment.ms} this segment rolls, drawn once (Kafka's rollJitterMs). */
    private final long rollJitterMs;
    /** When the segment was created or opened; its age when its first batch has no timestamp. */
    private final long createdMs;
    private volatile int size;
    private int bytesSinceLastIndexEntry;
    /** Whether the log file existed when opened but an index file did not. */
    private boolean indexLost;
    /**
     * The largest batch max timestamp so far and the last offset of the first batch holding it; UNKNOWN
     * until read from the time index. The appender writes the offset first, readers read the timestamp
     * first, so a reader never pairs a timestamp with the offset of an older maximum.
     */
    private volatile long maxTimestampSoFar = UNKNOWN;
    private volatile long offsetOfMaxTimestampSoFar = -1;
    /** The max timestamp of the first batch, or UNKNOWN until read; what rolling by age measures from. */
    private volatile long rollingBasedTimestamp = UNKNOWN;

    private LogSegment(long baseOffset, Path logFile, FileChannel channel, OffsetIndex offsetIndex, TimeIndex timeIndex,
                       TransactionIndex txnIndex, int indexIntervalBytes, long rollJitterMs, long createdMs) throws IOException {
        this.baseOffset = baseOffset;
        this.logFile = logFile;
        this.channel = channel;
        this.offsetIndex = offsetIndex;
        this.timeIndex = timeIndex;
        this.txnIndex = txnIndex;
        this.indexIntervalBytes = indexIntervalBytes;
        this.rollJitterMs = rollJitterMs;
        this.createdMs = createdMs;
        this.size = (int) Math.min(channel.size(), Integer.MAX_VALUE);
    }

    /** Opens the segment as {@link #open(Path, long, LogConfig, Time)} does, with the system clock. */
    public static LogSegment open(Path dir, long baseOffset, LogConfig config) {
        return open(dir, baseOffset, config, Time.SYSTEM);
    }

    /**
     * Opens the segment with this base offset in {@code dir}, creating empty files if there are none.
     * Neither index is mapped or read; {@code time} dates the segment for rolling by age.
     */
    public static LogSegment open(Path dir, long baseOffset, LogConfig config, Time time) {
        return open(dir, baseOffset, config, time, "");
    }

    /**
     * Creates an empty segment whose files end in {@code .cleaned} (replacing any left from an earlier
     * attempt), for the cleaner to write; {@link PartitionLog#replaceSegments} swaps it into the log.
     */
    public static LogSegment openCleaned(Path dir, long baseOffset, LogConfig config) throws IOException {
        for (String suffix : List.of(LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX, TXN_INDEX_SUFFIX)) {
            Files.deleteIfExists(dir.resolve(fileName(baseOffset, suffix + CLEANED_SUFFIX)));
        }
        return open(dir, baseOffset, config, Time.SYSTEM, CLEANED_SUFFIX);
    }

    /** Opens the segment whose file names end in {@code fileSuffix} after the usual suffixes ("" for a live segment). */
    static LogSegment open(Path dir, long baseOffset, LogConfig config, Time time, String fileSuffix) {
        return open(dir, baseOffset, config, time, fileSuffix, true);
    }

    /**
     * Creates the first segment of a log whose directory was just made, without fsyncing the directory:
     * the log does that once for all its new files before it first fsyncs data (see {@link PartitionLog#create}).
     */
    static LogSegment createFirst(Path dir, long baseOffset, LogConfig config, Time time) {
        return open(dir, baseOffset, config, time, "", false);
    }

    private static LogSegment open(Path dir, long baseOffset, LogConfig config, Time time, String fileSuffix, boolean syncDirectory) {
        Path logFile = dir.resolve(fileName(baseOffset, LOG_SUFFIX + fileSuffix));
        FileChannel channel = null;
        try {
            boolean created = !Files.exists(logFile);
            channel = FileChannel.open(logFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            OffsetIndex offsetIndex = new OffsetIndex(dir.resolve(fileName(baseOffset, INDEX_SUFFIX + fileSuffix)), baseOffset,
                    config.segmentIndexBytes());
            TimeIndex timeIndex = new TimeIndex(dir.resolve(fileName(baseOffset, TIME_INDEX_SUFFIX + fileSuffix)), baseOffset,
                    config.segmentIndexBytes());
            TransactionIndex txnIndex = new TransactionIndex(dir.resolve(fileName(baseOffset, TXN_INDEX_SUFFIX + fileSuffix)));
            LogSegment segment = new LogSegment(baseOffset, logFile, channel, offsetIndex, timeIndex, txnIndex, config.indexIntervalBytes(),
                    randomRollJitter(config), time.milliseconds());
            if (created) {
                segment.resetMaxTimestamp();
                if (syncDirectory) {
                    AtomicFile.fsyncDirectory(dir);
                }
            } else {
                segment.indexLost = offsetIndex.createdEmpty() || timeIndex.createdEmpty();
            }
            return segment;
        } catch (IOException e) {
            closeQuietly(channel, e);
            throw new UncheckedIOException("Cannot open segment " + logFile, e);
        } catch (UncheckedIOException e) {
            closeQuietly(channel, e);
            throw e;
        }
    }

    private static void closeQuietly(FileChannel channel, Exception failure) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                failure.addSuppressed(e);
            }
        }
    }

    /** A random value in [0, min(segment.jitter.ms, segment.ms)), or 0 without jitter. */
    private static long randomRollJitter(LogConfig config) {
        long bound = Math.min(config.segmentJitterMs(), config.segmentMs());
        return bound <= 0 ? 0 : ThreadLocalRandom.current().nextLong(bound);
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

    /** The offset index ({@code .index}). */
    public OffsetIndex index() {
        return offsetIndex;
    }

    /** The time index ({@code .timeindex}). */
    public TimeIndex timeIndex() {
        return timeIndex;
    }

    /** The aborted transactions whose ABORT marker this segment holds. */
    public TransactionIndex txnIndex() {
        return txnIndex;
    }

    long rollJitterMs() {
        return rollJitterMs;
    }

    /**
     * Whether batches of {@code bytes} ending at {@code lastOffset}, whose largest timestamp is
     * {@code maxTimestamp}, must go into a new segment: this one is non-empty and would outgrow
     * {@code segment.bytes} or has waited longer than {@code segment.ms} minus its jitter (see
     * {@link #timeWaitedForRoll}); or an index is full; or the offsets would not fit the indexes.
     */
    boolean shouldRoll(int bytes, long lastOffset, long maxTimestamp, long nowMs, LogConfig config) throws IOException {
        int current = size;
        // Never an empty segment: the new one would have the same base offset (and files).
        return current > 0 && ((long) current + bytes > config.segmentBytes()
                || timeWaitedForRoll(nowMs, maxTimestamp) > config.segmentMs() - rollJitterMs
                || offsetIndex.isFull()
                || timeIndex.isFull()
                || lastOffset - baseOffset > Integer.MAX_VALUE);
    }

    /**
     * How long the segment has waited to roll, as Kafka measures it: when its first batch has a
     * timestamp, from that timestamp to {@code maxTimestamp} of the batches being appended; otherwise
     * from the segment's creation (or opening) to {@code nowMs}.
     */
    long timeWaitedForRoll(long nowMs, long maxTimestamp) throws IOException {
        long first = firstBatchTimestamp();
        return first >= 0 ? maxTimestamp - first : nowMs - createdMs;
    }

    /** The max timestamp of the first batch, read from its header once; NO_TIMESTAMP for an empty segment. */
    public long firstBatchTimestamp() throws IOException {
        long known = rollingBasedTimestamp;
        if (known != UNKNOWN) {
            return known;
        }
        FileBatchReader reader = new FileBatchReader(channel, 0, size);
        if (!reader.next()) {
            return BatchHeader.NO_TIMESTAMP;
        }
        long first = BatchHeader.maxTimestamp(reader.header(), 0);
        rollingBasedTimestamp = first;
        return first;
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
        size = filePosition + (end - start);
        for (int batch = start; batch < end; batch += BatchHeader.sizeInBytes(batches, batch)) {
            indexBatch(BatchHeader.lastOffset(batches, batch), BatchHeader.maxTimestamp(batches, batch), filePosition + (batch - start),
                    BatchHeader.sizeInBytes(batches, batch));
        }
    }

    /**
     * Notes an appended or recovered batch: its timestamp, and index entries once more than
     * {@code index.interval.bytes} came since the last. A full index gets no entry (it only makes lookups
     * scan a little further); the next append rolls the segment.
     */
    private void indexBatch(long lastOffset, long batchMaxTimestamp, int position, int batchSize) {
        if (position == 0) {
            rollingBasedTimestamp = batchMaxTimestamp;
        }
        if (batchMaxTimestamp > maxTimestampSoFar()) {
            offsetOfMaxTimestampSoFar = lastOffset;
            maxTimestampSoFar = batchMaxTimestamp;
        }
        if (bytesSinceLastIndexEntry > indexIntervalBytes) {
            if (!offsetIndex.isFull()) {
                offsetIndex.append(lastOffset, position);
            }
            if (!timeIndex.isFull()) {
                timeIndex.maybeAppend(maxTimestampSoFar, offsetOfMaxTimestampSoFar);
            }
            bytesSinceLastIndexEntry = 0;
        }
        bytesSinceLastIndexEntry += batchSize;
    }

    /**
     * Finds the first batch whose last offset is at least {@code offset}, searching from the index entry
     * below it.
     *
     * @return its position and size, or null if every batch in the segment ends before {@code offset}
     */
    BatchLocation locate(long offset) throws IOException {
        int start = offset <= baseOffset ? 0 : offsetIndex.lookup(offset).position();
        FileBatchReader reader = new FileBatchReader(channel, start, size);
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
        OffsetIndex.OffsetPosition start = offsetIndex.lookup(Long.MAX_VALUE);
        FileBatchReader reader = new FileBatchReader(channel, start.position(), size);
        long next = baseOffset;
        while (reader.next()) {
            next = reader.lastOffset() + 1;
        }
        return next;
    }

    /**
     * Validates every batch from the start, rebuilds both indexes and truncates the file at the first
     * batch that is incomplete, has a bad CRC, is not magic v2 or goes back in offsets. The time index
     * ends with the segment's largest timestamp, as after a roll.
     *
     * @param visitor told of each valid batch, in order
     * @return the number of bytes truncated
     */
    int recover(BatchVisitor visitor) throws IOException {
        offsetIndex.clear();
        timeIndex.clear();
        bytesSinceLastIndexEntry = 0;
        resetMaxTimestamp();
        rollingBasedTimestamp = UNKNOWN;
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
            indexBatch(BatchHeader.lastOffset(buffer, 0), BatchHeader.maxTimestamp(buffer, 0), (int) position, (int) batchSize);
            nextOffset = BatchHeader.lastOffset(buffer, 0) + 1;
            visitor.onBatch(buffer, (int) position);
            position += batchSize;
        }
        int truncated = (int) (fileSize - position);
        if (truncated > 0) {
            channel.truncate(position);
        }
        size = (int) position;
        appendLargestTimestampEntry();
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
     * The first batch that ends at or after {@code startingOffset} and whose max timestamp is at least
     * {@code timestamp}, as a slice of that batch, or null if there is none in this segment that ends
     * below {@code endOffset}. The time index names a batch before which no batch qualifies, the offset
     * index gives a position at or before that batch, and the batch headers are scanned forward from
     * there.
     */
    LogSlice firstBatchWithTimestampAtLeast(long timestamp, long startingOffset, long endOffset) throws IOException {
        long from = Math.max(timeIndex.lookup(timestamp).offset(), startingOffset);
        int position = from <= baseOffset ? 0 : offsetIndex.lookup(from).position();
        FileBatchReader reader = new FileBatchReader(channel, position, size);
        while (reader.next()) {
            long lastOffset = reader.lastOffset();
            if (lastOffset >= endOffset) {
                return null;
            }
            if (lastOffset >= startingOffset && BatchHeader.maxTimestamp(reader.header(), 0) >= timestamp) {
                return new LogSlice(channel, reader.position(), reader.sizeInBytes());
            }
        }
        return null;
    }

    /**
     * The largest batch max timestamp in the segment ({@link BatchHeader#NO_TIMESTAMP} if no batch has
     * one). After opening, it is read once from the time index's last entry, without mapping the index
     * or scanning the log.
     */
    long maxTimestampSoFar() {
        long known = maxTimestampSoFar;
        return known != UNKNOWN ? known : loadMaxTimestamp();
    }

    /**
     * The largest timestamp and the last offset of the first batch holding it; the timestamp is
     * {@link BatchHeader#NO_TIMESTAMP} when no batch has one.
     */
    TimestampOffset maxTimestampAndOffset() {
        long timestamp = maxTimestampSoFar();
        return new TimestampOffset(timestamp, offsetOfMaxTimestampSoFar);
    }

    /**
     * The largest batch max timestamp in the segment, or the last-modified time of its {@code .log} file
     * when no batch has a timestamp: what time-based retention compares with {@code retention.ms}.
     */
    public long largestTimestamp() throws IOException {
        long timestamp = maxTimestampSoFar();
        return timestamp >= 0 ? timestamp : Files.getLastModifiedTime(logFile).toMillis();
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

    /**
     * Reads the maximum from the time index once. Synchronised, and the appender comes through here too
     * before it first moves the maximum, so a reader loading it never overwrites a newer one.
     */
    private synchronized long loadMaxTimestamp() {
        if (maxTimestampSoFar == UNKNOWN) {
            TimestampOffset last = timeIndex.lastEntry();
            offsetOfMaxTimestampSoFar = last.offset();
            maxTimestampSoFar = last.timestamp();
        }
        return maxTimestampSoFar;
    }

    private void resetMaxTimestamp() {
        offsetOfMaxTimestampSoFar = baseOffset;
        maxTimestampSoFar = BatchHeader.NO_TIMESTAMP;
    }

    /** Adds the largest timestamp to the time index if this segment learnt it since it was opened. */
    private void appendLargestTimestampEntry() {
        long timestamp = maxTimestampSoFar;
        if (timestamp != UNKNOWN) {
            timeIndex.maybeAppendFinal(timestamp, offsetOfMaxTimestampSoFar);
        }
    }

    /** A reader of the batch headers from {@code position} to the end of the segment. */
    FileBatchReader batchReader(int position) {
        return new FileBatchReader(channel, position, size);
    }

    /**
     * Checks of the indexes that need neither mapping nor reading them: both files were there when the
     * log was (or the segment is empty), and each held whole entries. After a clean shutdown, segments
     * below the recovery point get only these.
     */
    boolean indexFilesLookSane() {
        if (indexLost) {
            return size == 0;
        }
        return offsetIndex.fileHeldWholeEntries() && timeIndex.fileHeldWholeEntries();
    }

    /**
     * A cheap check of both indexes after a clean shutdown, for the segments from the recovery point on:
     * {@link #indexFilesLookSane()}; the offset index's last entry is a real entry (never at position 0,
     * where no entry is written) inside the log; the time index's last timestamp is not below its first
     * and its last offset not below the base offset.
     */
    boolean indexesLookSane() {
        if (!indexFilesLookSane()) {
            return false;
        }
        if (offsetIndex.entries() > 0) {
            OffsetIndex.OffsetPosition last = offsetIndex.lookup(Long.MAX_VALUE);
            if (last.offset() <= baseOffset || last.position() <= 0 || last.position() >= size) {
                return false;
            }
        }
        int entries = timeIndex.entries();
        if (entries > 0) {
            TimestampOffset last = timeIndex.entry(entries - 1);
            return last.timestamp() >= timeIndex.entry(0).timestamp() && last.offset() >= baseOffset;
        }
        return true;
    }

    /** A slice of the batch holding {@code offset}, or null if no batch in the segment reaches it. */
    LogSlice batchContaining(long offset) throws IOException {
        BatchLocation location = locate(offset);
        return location == null ? null : new LogSlice(channel, location.position(), location.size());
    }

    /**
     * Drops the index mappings of this (inactive) segment if nothing used them for {@code idleMs}; they
     * are mapped again on next use. See {@link io.vltava.storage.index.AbstractIndex#releaseIfIdle}.
     *
     * @return whether a mapping was dropped
     */
    boolean releaseIndexesIfIdle(long nowMs, long idleMs) {
        boolean offsets = offsetIndex.releaseIfIdle(nowMs, idleMs);
        boolean timestamps = timeIndex.releaseIfIdle(nowMs, idleMs);
        return offsets || timestamps;
    }

    /** Writes the segment's data (and index pages) to disk. */
    void flush() throws IOException {
        channel.force(false);
        offsetIndex.flush();
        timeIndex.flush();
        txnIndex.flush();
    }

    /**
     * Writes only the segment's data to disk: enough for the active segment, whose indexes recovery
     * rebuilds after a crash, since it starts from the recovery point's segment.
     */
    void flushData() throws IOException {
        channel.force(false);
    }

    /**
     * Called when a newer segment takes over appends: the time index gets its final entry and both
     * indexes give back their preallocated space. Indexes never used since the segment was opened are
     * neither mapped nor read.
     */
    void onRolled() {
        appendLargestTimestampEntry();
        materializeIndexes();
        offsetIndex.trimToEntries();
        timeIndex.trimToEntries();
    }

    /** Gives a segment that holds records both index files, even without entries, so that the next start does not take them for lost. */
    private void materializeIndexes() {
        if (size > 0) {
            offsetIndex.materialize();
            timeIndex.materialize();
        }
    }

    /**
     * Closes the files; the data stays on disk. The time index gets its final entry, written to disk
     * here, so that the next start finds the segment's largest timestamp.
     */
    void close() throws IOException {
        try {
            appendLargestTimestampEntry();
            materializeIndexes();
            timeIndex.flush();
            offsetIndex.close();
            timeIndex.close();
            txnIndex.close();
        } finally {
            channel.close();
        }
    }

    /** Closes the log file and drops the index mappings without touching any file: for a log being deleted. */
    void closeHandles() throws IOException {
        offsetIndex.release();
        timeIndex.release();
        txnIndex.closeWithoutFlush();
        channel.close();
    }

    /** Closes and deletes the files. */
    public void delete() throws IOException {
        channel.close();
        offsetIndex.delete();
        timeIndex.delete();
        txnIndex.delete();
        Files.deleteIfExists(logFile);
    }

    /**
     * Renames every file of the segment from ending in {@code oldSuffix} to ending in {@code newSuffix}
     * (for example from {@code .log} to {@code .log.deleted}); the open files stay readable.
     */
    void changeFileSuffixes(String oldSuffix, String newSuffix) throws IOException {
        logFile = renamed(logFile, oldSuffix, newSuffix);
        offsetIndex.renameTo(renamedPath(offsetIndex.file(), oldSuffix, newSuffix));
        timeIndex.renameTo(renamedPath(timeIndex.file(), oldSuffix, newSuffix));
        txnIndex.renameTo(renamedPath(txnIndex.file(), oldSuffix, newSuffix));
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
}
