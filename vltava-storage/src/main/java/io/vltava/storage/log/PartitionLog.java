package io.vltava.storage.log;

import io.vltava.common.io.AtomicFile;
import io.vltava.common.time.Scheduler;
import io.vltava.common.time.Time;
import io.vltava.common.topic.TopicPartition;
import io.vltava.storage.epoch.LeaderEpochCache;
import io.vltava.storage.index.AbortedTransaction;
import io.vltava.storage.index.TimestampOffset;
import io.vltava.storage.producer.BatchMetadata;
import io.vltava.storage.producer.ProducerStateManager;
import io.vltava.storage.record.BatchHeader;
import io.vltava.storage.record.TransactionMarker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of one partition: its segments in {@code <log.dir>/<topic>-<partition>/}, the offsets that
 * describe it (log start, last stable offset, high watermark, log end, recovery point), its idempotent
 * and transactional producers and its leader epochs.
 *
 * <p>Appends assign offsets by rewriting the batch headers in the caller's buffer, then write the bytes
 * as they are; nothing is recompressed or re-encoded here. Reads return slices of segment files.
 *
 * <p>Offsets: {@code logStartOffset <= lastStableOffset <= highWatermark <= logEndOffset}; the last
 * stable offset is the first offset of the earliest unstable transaction (ongoing, or whose marker is not
 * yet below the high watermark), or the high watermark when that is lower or there is none. Everything below the {@code recoveryPoint} has been fsynced and
 * is trusted after a crash.
 *
 * <p>Transactions: a COMMIT or ABORT marker ({@link #appendTransactionMarker}) ends a producer's
 * transaction; an ABORT adds an entry to the {@code .txnindex} of the segment it lands in. After an
 * unclean shutdown the aborted transaction indexes of the recovered segments are rebuilt by replaying
 * their markers on top of the producer snapshot taken at or before the first recovered segment.
 *
 * <p>Threading: appends, rolls, loading and the cleaner's segment swaps take the log's lock; reads
 * take none (they use the volatile offsets and the segments' own thread-safe reads, and a segment
 * swapped out stays open until its files are removed); {@link #flush} runs on the flusher thread.
 */
public final class PartitionLog {

    private static final Logger log = LoggerFactory.getLogger(PartitionLog.class);
    private static final CompletableFuture<Void> DURABLE_NOW = CompletableFuture.completedFuture(null);
    private static final int PRODUCER_SNAPSHOTS_TO_KEEP = 2;

    private final TopicPartition topicPartition;
    private final Path dir;
    private final UUID topicId;
    private final Time time;
    private final LogFlusher flusher;
    private final Scheduler scheduler;
    private final ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
    private final ProducerStateManager producers;
    private final LeaderEpochCache epochs;
    private final ReentrantLock lock = new ReentrantLock();
    /** Rolled segments whose indexes (final entries, trimmed files) were not fsynced yet, oldest first. */
    private final Queue<LogSegment> rolledUnsynced = new ConcurrentLinkedQueue<>();

    private volatile LogConfig config;
    private volatile LogOffsetMetadata logEndOffset;
    private volatile LogOffsetMetadata highWatermark;
    /** Where the earliest ongoing transaction starts, or null when none is ongoing. Written under the lock. */
    private volatile LogOffsetMetadata firstUnstable;
    private volatile long logStartOffset;
    private volatile long recoveryPoint;
    private volatile long lastFlushMs;
    private volatile boolean closed;
    /** Set when a write or fsync failed: the log refuses appends and is recovered at the next start. */
    private volatile String failure;
    /** Set while the log directory is short of free space: appends are refused, reads still served. */
    private volatile String appendsRefused;
    /** The highest offset an append has asked to have fsynced before it is acknowledged. */
    private volatile long forcedFlushUpTo;
    /** Set while the files {@link #create} made (and their directory entries) are not fsynced yet. */
    private volatile boolean creationUnsynced;

    private PartitionLog(TopicPartition topicPartition, Path dir, UUID topicId, LogConfig config, Time time, LogFlusher flusher,
                         Scheduler scheduler, LeaderEpochCache epochs) {
        this.topicPartition = topicPartition;
        this.dir = dir;
        this.topicId = topicId;
        this.config = config;
        this.time = time;
        this.flusher = flusher;
        this.scheduler = scheduler;
        this.producers = new ProducerStateManager(dir);
        this.epochs = epochs;
        this.lastFlushMs = time.milliseconds();
    }

    /**
     * Opens the log in {@code dir}, creating it if needed, and recovers it.
     *
     * @param recoveryPoint  offset below which the log was fsynced before the last shutdown
     * @param logStartOffset the checkpointed log start offset
     * @param cleanShutdown  whether the broker last stopped cleanly; if not, every segment from the one
     *                       holding the recovery point is validated and torn tails are truncated
     * @param scheduler      removes the files of deleted segments after {@code file.delete.delay.ms}
     */
    public static PartitionLog open(TopicPartition topicPartition, Path dir, UUID topicId, LogConfig config, long recoveryPoint,
                                    long logStartOffset, boolean cleanShutdown, Time time, LogFlusher flusher, Scheduler scheduler) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                AtomicFile.fsyncDirectory(dir.toAbsolutePath().getParent());
            }
            PartitionMetadataFile.write(dir, topicId);
            PartitionLog partitionLog = new PartitionLog(topicPartition, dir, topicId, config, time, flusher, scheduler,
                    LeaderEpochCache.load(dir));
            // After a crash, the files of a log created shortly before may not be durable yet.
            partitionLog.creationUnsynced = !cleanShutdown;
            partitionLog.load(recoveryPoint, logStartOffset, cleanShutdown);
            return partitionLog;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the log of " + topicPartition + " in " + dir, e);
        }
    }

    /**
     * Creates the log of a partition new to this broker: its directory, {@code partition.metadata} and an
     * empty first segment, with no fsync. The caller makes the directory's entry in the log directory
     * durable (one fsync of the log directory for all the logs it creates together); the log makes its own
     * files durable before it first fsyncs data, and at {@link #close}. Until then a crash may lose them or
     * leave them incomplete: that lost no record, and the next start removes such a directory (see
     * {@link #holdsNoRecords}) before the metadata creates the log again. A directory left behind at
     * {@code dir} by such a crash is opened and recovered instead.
     */
    public static PartitionLog create(TopicPartition topicPartition, Path dir, UUID topicId, LogConfig config, Time time, LogFlusher flusher,
                                      Scheduler scheduler) {
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            return open(topicPartition, dir, topicId, config, 0L, 0L, false, time, flusher, scheduler);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the log of " + topicPartition + " in " + dir, e);
        }
        try {
            PartitionMetadataFile.create(dir, topicId);
            PartitionLog partitionLog = new PartitionLog(topicPartition, dir, topicId, config, time, flusher, scheduler,
                    LeaderEpochCache.empty(dir));
            LogSegment first = LogSegment.createFirst(dir, 0L, config, time);
            partitionLog.segments.put(0L, first);
            partitionLog.logEndOffset = new LogOffsetMetadata(0L, 0L, 0);
            partitionLog.highWatermark = partitionLog.logEndOffset;
            partitionLog.creationUnsynced = true;
            return partitionLog;
        } catch (IOException | UncheckedIOException e) {
            try {
                deleteDirectory(dir);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw new UncheckedIOException("Cannot create the log of " + topicPartition + " in " + dir,
                    e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
        }
    }

    /**
     * Whether the partition directory {@code dir} holds no record: every segment file in it is empty. Such a
     * directory without a readable {@code partition.metadata} is a creation a crash interrupted.
     */
    public static boolean holdsNoRecords(Path dir) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + LogSegment.LOG_SUFFIX + "*")) {
            for (Path file : files) {
                if (Files.size(file) > 0) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void deleteDirectory(Path dir) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                Files.delete(file);
            }
        }
        Files.deleteIfExists(dir);
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public UUID topicId() {
        return topicId;
    }

    public Path dir() {
        return dir;
    }

    public LogConfig config() {
        return config;
    }

    public void updateConfig(LogConfig newConfig) {
        this.config = newConfig;
    }

    public long logStartOffset() {
        return logStartOffset;
    }

    public long logEndOffset() {
        return logEndOffset.offset();
    }

    public LogOffsetMetadata logEndOffsetMetadata() {
        return logEndOffset;
    }

    public long highWatermark() {
        return highWatermark.offset();
    }

    public LogOffsetMetadata highWatermarkMetadata() {
        return highWatermark;
    }

    /** The last stable offset: read_committed consumers read below it. Never above the high watermark. */
    public long lastStableOffset() {
        return lastStableOffsetMetadata().offset();
    }

    /** Whether the producer has a transaction open on this partition. */
    public boolean hasOngoingTransaction(long producerId) {
        lock.lock();
        try {
            return producers.hasOngoingTransaction(producerId);
        } finally {
            lock.unlock();
        }
    }

    /** The last stable offset and where it lies in the log. */
    public LogOffsetMetadata lastStableOffsetMetadata() {
        return lastStableOffsetMetadata(highWatermark);
    }

    private LogOffsetMetadata lastStableOffsetMetadata(LogOffsetMetadata hw) {
        LogOffsetMetadata unstable = firstUnstable;
        return unstable != null && unstable.offset() < hw.offset() ? unstable : hw;
    }

    public long recoveryPoint() {
        return recoveryPoint;
    }

    /** The latest leader epoch in the log, or -1. */
    public int latestEpoch() {
        return epochs.latestEpoch();
    }

    /** Records that the leader of {@code epoch} starts writing at the current log end, as a new leader does. */
    public void assignEpochStartOffset(int epoch) {
        lock.lock();
        try {
            epochs.assign(epoch, logEndOffset());
        } finally {
            lock.unlock();
        }
    }

    /** The leader epoch of the batch at the log start offset, or -1. */
    public int logStartEpoch() {
        return epochs.epochFor(logStartOffset);
    }

    /** Where the log of {@code epoch} ended (OffsetForLeaderEpoch). */
    public LeaderEpochCache.EpochEndOffset endOffsetForEpoch(int epoch) {
        return epochs.endOffsetFor(epoch, logEndOffset());
    }

    /** Total bytes of the log's segments. */
    public long sizeInBytes() {
        long size = 0;
        for (LogSegment segment : segments.values()) {
            size += segment.size();
        }
        return size;
    }

    public int segmentCount() {
        return segments.size();
    }

    /** The log's segments at this moment, oldest first; the last one is the active segment. */
    public List<LogSegment> logSegments() {
        return List.copyOf(segments.values());
    }

    /** For each idempotent producer the log remembers, the last offset of its last batch (the cleaner keeps that batch). */
    public Map<Long, Long> lastBatchOffsetsOfProducers() {
        lock.lock();
        try {
            return producers.lastBatchOffsets();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Swaps a segment the cleaner wrote in for the segments it was cleaned from: the {@code .cleaned}
     * files are fsynced and renamed to {@code .swap}; the replaced segments leave the map and their
     * files are renamed to {@code .deleted} (removed after {@code file.delete.delay.ms}, so that reads
     * holding them can finish); then the swap files take their final names. The new segment enters the
     * map before the old ones leave it, so a lock-free reader always finds the records. A crash at any
     * step is completed when the log is next loaded.
     *
     * @param cleaned  a segment from {@link LogSegment#openCleaned} whose base offset is that of the first replaced
     *                 segment; the log takes it over, and deletes it if it is not swapped in
     * @param replaced consecutive inactive segments of this log, oldest first, whose kept records {@code cleaned} holds
     * @return false, with the log unchanged, if the log is closed or failed or no longer holds all of {@code replaced}
     */
    public boolean replaceSegments(LogSegment cleaned, List<LogSegment> replaced) throws IOException {
        if (replaced.isEmpty() || replaced.get(0).baseOffset() != cleaned.baseOffset()) {
            discard(cleaned);
            throw new IllegalArgumentException("The cleaned segment " + cleaned + " does not start where " + replaced + " does");
        }
        try {
            cleaned.onRolled();
            cleaned.flush();
        } catch (IOException | UncheckedIOException e) {
            discard(cleaned);
            throw e;
        }
        lock.lock();
        try {
            if (closed || failure != null || !holdsInactive(replaced)) {
                discard(cleaned);
                return false;
            }
            try {
                cleaned.changeFileSuffixes(LogSegment.CLEANED_SUFFIX, LogSegment.SWAP_SUFFIX);
                AtomicFile.fsyncDirectory(dir);
                segments.put(cleaned.baseOffset(), cleaned);
                for (LogSegment old : replaced.subList(1, replaced.size())) {
                    segments.remove(old.baseOffset(), old);
                }
                deleteSegmentFiles(replaced);
                cleaned.changeFileSuffixes(LogSegment.SWAP_SUFFIX, "");
                AtomicFile.fsyncDirectory(dir);
            } catch (IOException | UncheckedIOException e) {
                markFailed("cannot swap in the cleaned segment " + cleaned + ": " + e.getMessage());
                throw e;
            }
            log.debug("Swapped {} in for {} in {}", cleaned, replaced, topicPartition);
            return true;
        } finally {
            lock.unlock();
        }
    }

    private static void discard(LogSegment cleaned) {
        try {
            cleaned.delete();
        } catch (IOException e) {
            log.warn("Cannot delete the cleaned segment {}, which was not swapped in: {}", cleaned, e.toString());
        }
    }

    private boolean holdsInactive(List<LogSegment> candidates) {
        LogSegment active = segments.lastEntry().getValue();
        for (LogSegment segment : candidates) {
            if (segment == active || segments.get(segment.baseOffset()) != segment) {
                return false;
            }
        }
        return true;
    }

    /**
     * Appends batches a producer sent, as the leader of {@code leaderEpoch}. The caller has validated
     * them (structure, CRC, sizes); the log assigns their offsets and stamps the leader epoch (and the
     * append time when the log keeps LogAppendTime) in {@code records}, from its position to its limit.
     *
     * @throws LogAppendException if the producer state refuses the batches or the write fails
     */
    public LogAppendInfo appendAsLeader(ByteBuffer records, int leaderEpoch) {
        int start = records.position();
        int end = records.limit();
        lock.lock();
        try {
            ensureAppendable();
            BatchMetadata duplicate = checkProducers(records, start, end);
            if (duplicate != null) {
                return new LogAppendInfo(duplicate.firstOffset(), duplicate.lastOffset(), duplicate.timestamp(), logStartOffset, true,
                        durableUpTo(duplicate.lastOffset() + 1));
            }
            LogConfig current = config;
            long firstOffset = logEndOffset.offset();
            long nextOffset = firstOffset;
            long appendTime = current.timestampType() == TimestampType.LOG_APPEND_TIME ? time.milliseconds() : -1L;
            long maxTimestamp = BatchHeader.NO_TIMESTAMP;
            for (int batch = start; batch < end; batch += BatchHeader.sizeInBytes(records, batch)) {
                BatchHeader.setBaseOffset(records, batch, nextOffset);
                BatchHeader.setPartitionLeaderEpoch(records, batch, leaderEpoch);
                if (appendTime >= 0) {
                    BatchHeader.setLogAppendTime(records, batch, appendTime);
                }
                nextOffset = BatchHeader.lastOffset(records, batch) + 1;
                maxTimestamp = Math.max(maxTimestamp, BatchHeader.maxTimestamp(records, batch));
            }
            int bytes = end - start;
            if (bytes > current.segmentBytes()) {
                throw new LogAppendException(AppendError.BATCH_LARGER_THAN_SEGMENT, bytes + " bytes of batches do not fit in a segment of "
                        + current.segmentBytes() + " bytes");
            }
            LogSegment active = write(records, firstOffset, nextOffset, maxTimestamp, leaderEpoch);
            for (int batch = start; batch < end; batch += BatchHeader.sizeInBytes(records, batch)) {
                producers.onAppend(records, batch);
            }
            logEndOffset = new LogOffsetMetadata(nextOffset, active.baseOffset(), active.size());
            updateFirstUnstable();
            return new LogAppendInfo(firstOffset, nextOffset - 1, appendTime, logStartOffset, false, durableUpTo(nextOffset));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes batches whose offsets are assigned to the active segment, rolling first if they do not fit.
     *
     * @return the segment written to
     */
    private LogSegment write(ByteBuffer records, long firstOffset, long nextOffset, long maxTimestamp, int leaderEpoch) {
        LogSegment active = segments.lastEntry().getValue();
        try {
            if (active.shouldRoll(records.remaining(), nextOffset - 1, maxTimestamp, time.milliseconds(), config)) {
                active = roll(firstOffset);
            }
            epochs.assign(leaderEpoch, firstOffset);
            active.append(records);
            return active;
        } catch (IOException | UncheckedIOException e) {
            markFailed("cannot write to " + active.logFile() + ": " + e.getMessage());
            throw new LogAppendException(AppendError.STORAGE_ERROR, "Cannot write to the log of " + topicPartition, e);
        }
    }

    /**
     * Appends a COMMIT or ABORT marker for a producer's transaction, as the leader of {@code leaderEpoch}:
     * a control batch at the next offset that ends the producer's ongoing transaction here (if it has
     * none, the marker is written all the same, as a retried completion). An ABORT is added to the
     * aborted transaction index of the segment it lands in.
     *
     * @throws LogAppendException with {@link AppendError#INVALID_PRODUCER_EPOCH} for a marker older than the
     *     producer's epoch, {@link AppendError#TRANSACTION_COORDINATOR_FENCED} for one from an older
     *     coordinator, or {@link AppendError#STORAGE_ERROR}
     */
    public LogAppendInfo appendTransactionMarker(long producerId, short producerEpoch, int coordinatorEpoch, boolean commit,
                                                 int leaderEpoch) {
        TransactionMarker marker = new TransactionMarker(producerId, producerEpoch, coordinatorEpoch, commit);
        lock.lock();
        try {
            ensureAppendable();
            producers.checkMarker(marker);
            long now = time.milliseconds();
            ByteBuffer batch = marker.toBatch(now, leaderEpoch);
            long offset = logEndOffset.offset();
            BatchHeader.setBaseOffset(batch, 0, offset);
            boolean logAppendTime = config.timestampType() == TimestampType.LOG_APPEND_TIME;
            if (logAppendTime) {
                BatchHeader.setLogAppendTime(batch, 0, now);
            }
            LogSegment active = write(batch, offset, offset + 1, now, leaderEpoch);
            endTransaction(marker, offset, now, active);
            logEndOffset = new LogOffsetMetadata(offset + 1, active.baseOffset(), active.size());
            updateFirstUnstable();
            return new LogAppendInfo(offset, offset, logAppendTime ? now : -1L, logStartOffset, false, durableUpTo(offset + 1));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the marker's transaction in the producer state and indexes an ABORT in {@code segment}, the
     * segment holding the marker at {@code offset}. An ABORT without an ongoing transaction is indexed as
     * one that starts at its marker.
     */
    private void endTransaction(TransactionMarker marker, long offset, long timestamp, LogSegment segment) {
        long firstOffset = producers.onMarker(marker, offset, timestamp);
        if (marker.commit() || segment == null) {
            return;
        }
        long stillUnstable = producers.firstOngoingOffset();
        AbortedTransaction aborted = new AbortedTransaction(marker.producerId(), firstOffset < 0 ? offset : firstOffset, offset,
                stillUnstable < 0 ? offset + 1 : stillUnstable);
        try {
            segment.txnIndex().append(aborted);
        } catch (IOException | UncheckedIOException e) {
            markFailed("cannot write to " + segment.txnIndex().file() + ": " + e.getMessage());
            throw new LogAppendException(AppendError.STORAGE_ERROR, "Cannot write to the log of " + topicPartition, e);
        }
    }

    /** Brings {@link #firstUnstable} in line with the producer state; under the lock. */
    private void updateFirstUnstable() {
        long first = producers.firstUnstableOffset();
        LogOffsetMetadata current = firstUnstable;
        if (first < 0) {
            firstUnstable = null;
        } else if (current == null || current.offset() != first) {
            firstUnstable = offsetMetadata(first);
        }
    }

    private BatchMetadata checkProducers(ByteBuffer records, int start, int end) {
        for (int batch = start; batch < end; batch += BatchHeader.sizeInBytes(records, batch)) {
            long producerId = BatchHeader.producerId(records, batch);
            if (producerId == BatchHeader.NO_PRODUCER_ID) {
                continue;
            }
            producers.checkTransactional(producerId, BatchHeader.isTransactional(records, batch));
            BatchMetadata duplicate = producers.checkAppend(producerId, BatchHeader.producerEpoch(records, batch),
                    BatchHeader.baseSequence(records, batch), BatchHeader.lastSequence(records, batch));
            if (duplicate != null) {
                if (start + BatchHeader.sizeInBytes(records, start) != end) {
                    throw new LogAppendException(AppendError.OUT_OF_ORDER_SEQUENCE, "A retried batch of producer " + producerId
                            + " came with other batches");
                }
                return duplicate;
            }
        }
        return null;
    }

    /** A future that completes once everything below {@code offset} is durable under the flush policy. */
    private CompletableFuture<Void> durableUpTo(long offset) {
        if (offset <= recoveryPoint || offset - recoveryPoint < config.flushMessages()) {
            return DURABLE_NOW;
        }
        forcedFlushUpTo = Math.max(forcedFlushUpTo, offset);
        return flusher.flush(this, offset);
    }

    /**
     * How far the high watermark may go: the log end, except while appends wait for an fsync the flush
     * policy forces, when it stays at the recovery point, so that consumers never see records a power
     * loss could still take away (as in Kafka, where such an append flushes before it returns).
     */
    public long highWatermarkLimit() {
        long end = logEndOffset();
        long flushed = recoveryPoint;
        return forcedFlushUpTo > flushed ? Math.min(flushed, end) : end;
    }

    private LogSegment roll(long newBaseOffset) {
        LogSegment previous = segments.lastEntry().getValue();
        LogSegment fresh = LogSegment.open(dir, newBaseOffset, config, time);
        segments.put(newBaseOffset, fresh);
        previous.onRolled();
        rolledUnsynced.add(previous);
        producers.takeSnapshot(newBaseOffset);
        producers.deleteOldSnapshots(PRODUCER_SNAPSHOTS_TO_KEEP);
        flusher.flush(this, newBaseOffset);
        log.debug("Rolled {} at offset {}", topicPartition, newBaseOffset);
        return fresh;
    }

    /**
     * Reads from {@code startOffset} up to {@code maxBytes}, no further than the isolation allows. With
     * {@code minOneBatch} the first batch is returned whole even when it is larger than {@code maxBytes}.
     * With {@link FetchIsolation#TXN_COMMITTED} the read stops at the last stable offset and lists the
     * aborted transactions that overlap {@code [startOffset, lastStableOffset)}.
     *
     * @throws LogOffsetOutOfRangeException if the offset is below the log start or above the log end
     */
    public LogReadInfo read(long startOffset, int maxBytes, FetchIsolation isolation, boolean minOneBatch) {
        long start = logStartOffset;
        LogOffsetMetadata end = logEndOffset;
        LogOffsetMetadata hw = highWatermark;
        LogOffsetMetadata lso = lastStableOffsetMetadata(hw);
        if (startOffset < start || startOffset > end.offset()) {
            throw new LogOffsetOutOfRangeException("Offset " + startOffset + " is outside the log of " + topicPartition + " ["
                    + start + ", " + end.offset() + "]");
        }
        LogOffsetMetadata limit = switch (isolation) {
            case LOG_END -> end;
            case HIGH_WATERMARK -> hw;
            case TXN_COMMITTED -> lso;
        };
        boolean committed = isolation == FetchIsolation.TXN_COMMITTED;
        if (startOffset >= limit.offset()) {
            LogOffsetMetadata at = startOffset == limit.offset() ? limit : LogOffsetMetadata.offsetOnly(startOffset);
            return new LogReadInfo(at, LogSlice.EMPTY, hw.offset(), start, end.offset(), lso.offset(), committed ? List.of() : null);
        }
        try {
            Map.Entry<Long, LogSegment> entry = segments.floorEntry(startOffset);
            while (entry != null) {
                LogSegment segment = entry.getValue();
                long maxPosition = segment.baseOffset() == limit.segmentBaseOffset() ? limit.position() : segment.size();
                LogSegment.SegmentRead read = segment.read(startOffset, maxBytes, maxPosition, minOneBatch);
                if (read != null) {
                    List<AbortedTransaction> aborted = committed ? collectAbortedTransactions(startOffset, limit.offset()) : null;
                    return new LogReadInfo(read.fetchOffset(), read.slice(), hw.offset(), start, end.offset(), lso.offset(), aborted);
                }
                Map.Entry<Long, LogSegment> next = segments.higherEntry(entry.getKey());
                // If the cleaner swapped a merged segment in for this one meanwhile, the next entry may skip
                // records the merged segment holds: look again from the start offset.
                entry = segments.get(entry.getKey()) == segment ? next : segments.floorEntry(startOffset);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the log of " + topicPartition, e);
        }
        return new LogReadInfo(LogOffsetMetadata.offsetOnly(startOffset), LogSlice.EMPTY, hw.offset(), start, end.offset(), lso.offset(),
                committed ? List.of() : null);
    }

    /**
     * The aborted transactions that overlap {@code [startOffset, upperBoundOffset)}, from the aborted
     * transaction indexes of the segments from the one holding {@code startOffset} on (a transaction's
     * ABORT marker lies in the segment of its end, at or after its records).
     */
    public List<AbortedTransaction> collectAbortedTransactions(long startOffset, long upperBoundOffset) {
        List<AbortedTransaction> aborted = new ArrayList<>();
        Long first = segments.floorKey(startOffset);
        for (LogSegment segment : segments.tailMap(first == null ? Long.MIN_VALUE : first, true).values()) {
            segment.txnIndex().collect(startOffset, upperBoundOffset, aborted);
        }
        return aborted;
    }

    /**
     * Moves the high watermark to {@code offset} (bounded by the log end) if that is ahead of it.
     *
     * @return whether it moved
     */
    public boolean maybeIncrementHighWatermark(long offset) {
        lock.lock();
        try {
            LogOffsetMetadata end = logEndOffset;
            long target = Math.min(offset, end.offset());
            if (target <= highWatermark.offset()) {
                return false;
            }
            highWatermark = target == end.offset() ? end : offsetMetadata(target);
            producers.onHighWatermark(target);
            updateFirstUnstable();
            return true;
        } finally {
            lock.unlock();
        }
    }

    private LogOffsetMetadata offsetMetadata(long offset) {
        Map.Entry<Long, LogSegment> entry = segments.floorEntry(offset);
        if (entry == null) {
            return LogOffsetMetadata.offsetOnly(offset);
        }
        try {
            LogSegment.BatchLocation location = entry.getValue().locate(offset);
            int position = location == null ? entry.getValue().size() : location.position();
            return new LogOffsetMetadata(offset, entry.getKey(), position);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the log of " + topicPartition, e);
        }
    }

    /**
     * The first batch at or above the log start offset whose max timestamp is at least
     * {@code timestamp}, looking only below the high watermark, or null. The caller finds the exact
     * record inside it. Segments whose largest timestamp is below {@code timestamp} are skipped without
     * reading them; in the others the time index narrows the search.
     */
    public LogSlice firstBatchWithTimestampAtLeast(long timestamp) {
        long start = logStartOffset;
        long limit = highWatermark();
        try {
            Long first = segments.floorKey(start);
            for (LogSegment segment : segments.tailMap(first == null ? segments.firstKey() : first, true).values()) {
                if (segment.baseOffset() >= limit) {
                    return null;
                }
                if (segment.maxTimestampSoFar() >= timestamp) {
                    LogSlice found = segment.firstBatchWithTimestampAtLeast(timestamp, start, limit);
                    if (found != null) {
                        return found;
                    }
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the log of " + topicPartition, e);
        }
    }

    /**
     * The first batch holding the log's largest timestamp, or null when no batch has a timestamp. Each
     * segment knows its largest timestamp (from its time index), so no batch is scanned but the one
     * returned.
     */
    public LogSlice batchWithMaxTimestamp() {
        try {
            LogSegment best = null;
            TimestampOffset bestMax = new TimestampOffset(BatchHeader.NO_TIMESTAMP, -1L);
            for (LogSegment segment : segments.values()) {
                TimestampOffset max = segment.maxTimestampAndOffset();
                if (max.timestamp() > bestMax.timestamp()) {
                    best = segment;
                    bestMax = max;
                }
            }
            return best == null ? null : best.batchContaining(bestMax.offset());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the log of " + topicPartition, e);
        }
    }

    /**
     * Gives back the index mappings of inactive segments that no read used for {@code idleMs}; they are
     * mapped again, transparently, on their next use. Meant to run now and then on a background thread,
     * so that a broker with many partitions maps only the indexes it reads.
     *
     * @return the number of segments that gave back a mapping
     */
    public int releaseIdleIndexes(long nowMs, long idleMs) {
        int released = 0;
        for (LogSegment segment : segments.headMap(segments.lastKey(), false).values()) {
            if (segment.releaseIndexesIfIdle(nowMs, idleMs)) {
                released++;
            }
        }
        return released;
    }

    /**
     * Makes durable what must be on disk before any data is: the files of a new log ({@link #create}) with
     * their directory entries, and the leader epochs assigned since the last flush (see {@link LeaderEpochCache}).
     * A failure fails the log, as a failed fsync of its data does.
     */
    private void syncMetadata() throws IOException {
        try {
            boolean creation = creationUnsynced;
            if (creation) {
                PartitionMetadataFile.sync(dir);
            }
            // Writing the epochs fsyncs the directory, which covers the entries of the new log's files too.
            boolean directorySynced = epochs.flush();
            if (creation) {
                if (!directorySynced) {
                    AtomicFile.fsyncDirectory(dir);
                }
                creationUnsynced = false;
            }
        } catch (IOException | UncheckedIOException e) {
            markFailed("cannot make the log's metadata durable: " + e.getMessage());
            throw e instanceof IOException io ? io : new IOException(e);
        }
    }

    /**
     * Fsyncs, with their indexes, the rolled segments that end at or below {@code upToOffset}: a flush
     * that only synced their data (the recovery point was inside them) left their final index entries
     * to this, and recovery does not rebuild the indexes of segments below the recovery point.
     */
    private void syncRolledIndexes(long upToOffset) throws IOException {
        for (LogSegment rolled = rolledUnsynced.peek(); rolled != null; rolled = rolledUnsynced.peek()) {
            if (segments.get(rolled.baseOffset()) != rolled) {
                // Retention or the cleaner removed it: nothing of it needs to be durable.
                rolledUnsynced.remove(rolled);
                continue;
            }
            Long end = segments.higherKey(rolled.baseOffset());
            if (end == null || end > upToOffset) {
                return;
            }
            sync(rolled, true);
            rolledUnsynced.remove(rolled);
        }
    }

    /**
     * Fsyncs one segment, with its indexes or only its data. A failure fails the log for good (the data
     * it covered may be gone from the page cache, and a later fsync that succeeds would not bring it
     * back), unless retention or the cleaner removed the segment meanwhile (nothing of it needs to be
     * durable) or {@link #close()} closed it (close syncs everything itself).
     */
    private void sync(LogSegment segment, boolean withIndexes) throws IOException {
        try {
            if (withIndexes) {
                segment.flush();
            } else {
                segment.flushData();
            }
        } catch (IOException | UncheckedIOException e) {
            if (closed && failure == null || segments.get(segment.baseOffset()) != segment) {
                return;
            }
            markFailed("fsync failed: " + e.getMessage());
            throw e instanceof IOException io ? io : new IOException(e);
        }
    }

    /**
     * Fsyncs the segments holding offsets below {@code upToOffset} and moves the recovery point there:
     * segments wholly below it with their indexes, the one it falls in (the active one, usually) only its
     * data, since recovery rebuilds that segment's indexes. See {@link #sync} for failures.
     */
    void flush(long upToOffset) throws IOException {
        long from = recoveryPoint;
        if (failure != null) {
            throw new IOException("The log of " + topicPartition + " failed: " + failure);
        }
        syncRolledIndexes(upToOffset);
        if (upToOffset <= from || closed) {
            return;
        }
        syncMetadata();
        Long firstKey = segments.floorKey(from);
        Collection<LogSegment> dirty = segments.subMap(firstKey == null ? Long.MIN_VALUE : firstKey, true, upToOffset, false).values();
        for (LogSegment segment : dirty) {
            Long next = segments.higherKey(segment.baseOffset());
            // Where the recovery point stays inside the segment, a crash rebuilds its indexes from the log.
            sync(segment, next != null && next <= upToOffset);
        }
        if (closed) {
            // close() synced everything and set the recovery point itself, unless it failed.
            if (failure != null) {
                throw new IOException("The log of " + topicPartition + " failed: " + failure);
            }
            return;
        }
        lock.lock();
        try {
            if (upToOffset > recoveryPoint) {
                recoveryPoint = Math.min(upToOffset, logEndOffset.offset());
            }
            lastFlushMs = time.milliseconds();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Moves the log start offset up to {@code offset} (DeleteRecords): records below it are no longer
     * served, and the segments that end below it are deleted by the next retention check.
     *
     * @return the log start offset afterwards
     * @throws LogOffsetOutOfRangeException if {@code offset} is above the high watermark
     */
    public long deleteRecordsBefore(long offset) {
        lock.lock();
        try {
            ensureOpen();
            if (offset > highWatermark()) {
                throw new LogOffsetOutOfRangeException("Cannot delete records of " + topicPartition + " before offset " + offset
                        + ", above the high watermark " + highWatermark());
            }
            if (offset > logStartOffset) {
                logStartOffset = offset;
                epochs.truncateFromStart(offset);
                log.info("Moved the log start offset of {} to {} (records deleted)", topicPartition, offset);
            }
            return logStartOffset;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Deletes the oldest segments retention no longer keeps, as Kafka does: segments wholly below the
     * log start offset; and, when {@code cleanup.policy} holds {@code delete}, those over
     * {@code retention.bytes} and those whose newest record is older than {@code retention.ms}. Only
     * segments wholly below the high watermark go, oldest first, stopping at the first one that stays;
     * the active segment goes too when it qualifies, after a roll, so a log always keeps one segment.
     * The log start offset moves to the first remaining segment.
     *
     * @return the number of segments deleted
     */
    public int deleteOldSegments() {
        LogConfig current = config;
        int deleted = deleteSegmentsWhile(new BelowLogStart());
        if (current.delete()) {
            if (current.retentionBytes() >= 0) {
                deleted += deleteSegmentsWhile(new OverRetentionBytes(sizeInBytes() - current.retentionBytes()));
            }
            if (current.retentionMs() >= 0) {
                deleted += deleteSegmentsWhile(new OlderThanRetentionMs(time.milliseconds() - current.retentionMs()));
            }
        }
        return deleted;
    }

    private int deleteSegmentsWhile(Deletable deletable) {
        lock.lock();
        try {
            if (closed || failure != null) {
                return 0;
            }
            List<LogSegment> doomed = new ArrayList<>();
            long highWatermarkOffset = highWatermark();
            for (Map.Entry<Long, LogSegment> entry : segments.entrySet()) {
                LogSegment segment = entry.getValue();
                Long next = segments.higherKey(entry.getKey());
                long upperBound = next == null ? logEndOffset() : next;
                boolean lastAndEmpty = next == null && segment.size() == 0;
                if (lastAndEmpty || upperBound > highWatermarkOffset || !deletable.test(segment, next)) {
                    break;
                }
                doomed.add(segment);
            }
            if (doomed.isEmpty()) {
                return 0;
            }
            if (doomed.size() == segments.size()) {
                long end = logEndOffset();
                roll(end);
                LogOffsetMetadata freshEnd = new LogOffsetMetadata(end, end, 0);
                logEndOffset = freshEnd;
                if (highWatermark.offset() == end) {
                    highWatermark = freshEnd;
                }
            }
            for (LogSegment segment : doomed) {
                segments.remove(segment.baseOffset());
            }
            long newStart = Math.max(logStartOffset, segments.firstKey());
            if (newStart > logStartOffset) {
                logStartOffset = newStart;
                epochs.truncateFromStart(newStart);
            }
            if (recoveryPoint < newStart) {
                recoveryPoint = newStart;
            }
            log.info("Deleting {} segment(s) of {} ({}); the log now starts at {}", doomed.size(), topicPartition, deletable, logStartOffset);
            deleteSegmentFiles(doomed);
            return doomed.size();
        } catch (IOException | UncheckedIOException e) {
            markFailed("cannot delete old segments: " + e.getMessage());
            return 0;
        } finally {
            lock.unlock();
        }
    }

    /** Whether retention may delete a segment; asked oldest segment first. */
    private interface Deletable {
        /** @param nextBaseOffset the base offset of the following segment, or null for the active one */
        boolean test(LogSegment segment, Long nextBaseOffset) throws IOException;
    }

    /** Segments that end at or below the log start offset (it moved by DeleteRecords). */
    private final class BelowLogStart implements Deletable {
        @Override
        public boolean test(LogSegment segment, Long nextBaseOffset) {
            return nextBaseOffset != null && nextBaseOffset <= logStartOffset;
        }

        @Override
        public String toString() {
            return "below the log start offset";
        }
    }

    /** The oldest segments whose removal keeps the log at or above {@code retention.bytes}. */
    private static final class OverRetentionBytes implements Deletable {
        private long excess;

        OverRetentionBytes(long excess) {
            this.excess = excess;
        }

        @Override
        public boolean test(LogSegment segment, Long nextBaseOffset) {
            if (excess - segment.size() < 0) {
                return false;
            }
            excess -= segment.size();
            return true;
        }

        @Override
        public String toString() {
            return "over retention.bytes";
        }
    }

    /** Segments whose newest record is older than {@code retention.ms}. */
    private record OlderThanRetentionMs(long cutoffMs) implements Deletable {
        @Override
        public boolean test(LogSegment segment, Long nextBaseOffset) throws IOException {
            return segment.largestTimestamp() < cutoffMs;
        }

        @Override
        public String toString() {
            return "older than retention.ms";
        }
    }

    /** Asks the flusher to fsync everything if the log has unflushed data older than {@code flush.ms}. */
    public void maybeFlushByTime(long nowMs) {
        if (logEndOffset() > recoveryPoint && nowMs - lastFlushMs >= config.flushMs()) {
            flusher.flush(this, logEndOffset());
        }
    }

    /** Forgets idempotent producers idle for longer than {@code expirationMs}, unless a transaction of theirs is ongoing. */
    public void removeExpiredProducers(long nowMs, long expirationMs) {
        lock.lock();
        try {
            producers.removeExpired(nowMs, expirationMs);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Flushes everything, writes a producer snapshot at the log end and closes the files.
     *
     * @return whether the log is clean: fully flushed, so the next start may trust it without recovery
     */
    public boolean close() {
        lock.lock();
        try {
            if (closed) {
                return failure == null;
            }
            try {
                flush(logEndOffset());
                syncMetadata();
                LogSegment active = segments.lastEntry().getValue();
                if (active.size() > 0) {
                    // An empty segment holds nothing to make durable.
                    active.flush();
                }
                if (logEndOffset() > 0) {
                    // A log that never held a record has no producer state to keep.
                    producers.takeSnapshot(logEndOffset());
                    producers.deleteOldSnapshots(PRODUCER_SNAPSHOTS_TO_KEEP);
                }
            } catch (IOException | UncheckedIOException e) {
                markFailed("cannot flush on close: " + e.getMessage());
            }
            closed = true;
            for (LogSegment segment : segments.values()) {
                try {
                    segment.close();
                } catch (IOException | UncheckedIOException e) {
                    markFailed("cannot close " + segment + ": " + e.getMessage());
                }
            }
            return failure == null;
        } finally {
            lock.unlock();
        }
    }

    /** Closes the files without flushing; for a deleted log whose directory is about to be removed. */
    public void closeWithoutFlush() {
        lock.lock();
        try {
            closed = true;
            for (LogSegment segment : segments.values()) {
                try {
                    segment.closeHandles();
                } catch (IOException | UncheckedIOException e) {
                    log.debug("Cannot close {}", segment, e);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Refuses appends with a storage error until {@link #acceptAppends()}, for example while the disk is
     * nearly full; reads, retention and DeleteRecords go on.
     */
    public void refuseAppends(String reason) {
        appendsRefused = reason;
    }

    public void acceptAppends() {
        appendsRefused = null;
    }

    public boolean isClosed() {
        return closed;
    }

    private void ensureAppendable() {
        ensureOpen();
        String refused = appendsRefused;
        if (refused != null) {
            throw new LogAppendException(AppendError.STORAGE_ERROR, "The log of " + topicPartition + " refuses appends: " + refused);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new LogAppendException(AppendError.STORAGE_ERROR, "The log of " + topicPartition + " is closed");
        }
        if (failure != null) {
            throw new LogAppendException(AppendError.STORAGE_ERROR, "The log of " + topicPartition + " failed: " + failure);
        }
    }

    /** Takes the log out of service after a write or fsync failure; the next start recovers it. */
    private void markFailed(String reason) {
        if (failure == null) {
            failure = reason;
            log.error("The log of {} failed and refuses appends until the broker restarts: {}", topicPartition, reason);
        }
    }

    private void load(long checkpointedRecoveryPoint, long checkpointedLogStart, boolean cleanShutdown) throws IOException {
        lock.lock();
        try {
            // One listing of the directory serves every step, unless a crash left files to clean up first.
            List<String> names = fileNames();
            if (names.stream().anyMatch(PartitionLog::leftByACrash)) {
                deleteTemporaryFiles();
                completeSwaps();
                names = fileNames();
            }
            deleteIndexesWithoutLog(names);
            for (long baseOffset : segmentBaseOffsets(names)) {
                segments.put(baseOffset, LogSegment.open(dir, baseOffset, config, time));
            }
            if (segments.isEmpty()) {
                long base = Math.max(0, checkpointedLogStart);
                segments.put(base, LogSegment.open(dir, base, config, time));
            }
            logStartOffset = Math.max(checkpointedLogStart, segments.firstKey());
            boolean recovered;
            boolean truncated = false;
            long txnIndexRebuildFrom = Long.MAX_VALUE;
            if (cleanShutdown) {
                recovered = checkIndexes(checkpointedRecoveryPoint);
            } else {
                txnIndexRebuildFrom = segments.floorKey(Math.max(checkpointedRecoveryPoint, segments.firstKey()));
                truncated = recoverFrom(txnIndexRebuildFrom);
                recovered = true;
            }
            LogSegment active = segments.lastEntry().getValue();
            long nextOffset = active.readNextOffset();
            if (logStartOffset > nextOffset) {
                // DeleteRecords moved the start to a high watermark a crash then took back: as Kafka does,
                // the log starts over, empty, at its start offset.
                log.warn("The log start offset {} of {} is past its end {} after a crash: the log restarts empty there", logStartOffset,
                        topicPartition, nextOffset);
                for (LogSegment segment : segments.values()) {
                    segment.delete();
                }
                segments.clear();
                active = LogSegment.open(dir, logStartOffset, config, time);
                segments.put(logStartOffset, active);
                nextOffset = logStartOffset;
            }
            logEndOffset = new LogOffsetMetadata(nextOffset, active.baseOffset(), active.size());
            highWatermark = offsetMetadata(logStartOffset);
            // Epochs starting beyond the end lost their batches. One starting exactly at the end lost its
            // batches only if recovery cut some off; otherwise its leader has not written yet, and
            // dropping it would make every start rewrite the checkpoint.
            epochs.truncateFromEnd(truncated ? nextOffset : nextOffset + 1);
            rebuildProducerState(nextOffset, txnIndexRebuildFrom);
            updateFirstUnstable();
            if (recovered) {
                // What lies below the checkpointed recovery point was fsynced before the shutdown.
                // An empty segment has nothing to make durable: a crash cannot take records from it.
                List<LogSegment> holdingRecords = segments.tailMap(segments.floorKey(Math.max(checkpointedRecoveryPoint, segments.firstKey())),
                        true).values().stream().filter(segment -> segment.size() > 0).toList();
                if (!holdingRecords.isEmpty()) {
                    syncMetadata();
                }
                for (LogSegment segment : holdingRecords) {
                    segment.flush();
                }
                recoveryPoint = nextOffset;
            } else {
                recoveryPoint = Math.min(Math.max(checkpointedRecoveryPoint, logStartOffset), nextOffset);
            }
            for (LogSegment segment : segments.headMap(active.baseOffset(), false).values()) {
                segment.onRolled();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * After a clean shutdown: trusts the segments, but rebuilds the indexes of a segment that lost an
     * index file, and of one from the recovery point on (in practice the active one) whose indexes do not
     * fit its log. Older segments' indexes are neither mapped nor read (Kafka's KAFKA-7283), so a broker
     * with many segments starts quickly.
     */
    private boolean checkIndexes(long checkpointedRecoveryPoint) throws IOException {
        long checkFrom = segments.floorKey(Math.max(checkpointedRecoveryPoint, segments.firstKey()));
        boolean recovered = false;
        for (LogSegment segment : segments.values()) {
            boolean sane = segment.baseOffset() >= checkFrom ? segment.indexesLookSane() : segment.indexFilesLookSane();
            if (!sane) {
                log.warn("Rebuilding the corrupt or missing indexes of {}", segment);
                segment.recover((batch, position) -> { });
                recovered = true;
            }
        }
        return recovered;
    }

    /**
     * After an unclean shutdown: validates every segment from {@code first}, the one holding the recovery
     * point, truncating a torn or corrupt tail and deleting the segments after it. The aborted transaction
     * indexes of these segments are emptied: {@link #rebuildProducerState} writes them again.
     *
     * @return whether torn or invalid data was cut off
     */
    private boolean recoverFrom(long first) throws IOException {
        List<LogSegment> toRecover = new ArrayList<>(segments.tailMap(first, true).values());
        boolean truncatedAny = false;
        for (int i = 0; i < toRecover.size(); i++) {
            LogSegment segment = toRecover.get(i);
            segment.txnIndex().reset();
            int truncated = segment.recover((batch, position) -> noteEpoch(batch));
            if (truncated > 0) {
                truncatedAny = true;
                log.warn("Recovered {}: truncated {} bytes of torn or invalid data", segment, truncated);
                for (LogSegment later : toRecover.subList(i + 1, toRecover.size())) {
                    log.warn("Deleting {}, which followed the truncated data", later);
                    segments.remove(later.baseOffset());
                    later.delete();
                }
                break;
            }
        }
        // Per log at debug only: after a crash of a broker with many partitions, the log manager reports them in one line.
        log.debug("Recovered the log of {} from offset {} after an unclean shutdown", topicPartition, first);
        return truncatedAny;
    }

    /**
     * Adds the epoch of a recovered batch to the leader epoch cache if it is newer than any there, so a
     * lost or unreadable {@code leader-epoch-checkpoint} is rebuilt from the batches (as Kafka does).
     */
    private void noteEpoch(ByteBuffer batch) {
        int epoch = BatchHeader.partitionLeaderEpoch(batch, 0);
        if (epoch >= 0 && epoch > epochs.latestEpoch()) {
            epochs.assign(epoch, BatchHeader.baseOffset(batch, 0));
        }
    }

    /**
     * Loads the newest producer snapshot (at or below {@code txnIndexRebuildFrom}, when recovery emptied
     * the aborted transaction indexes from there) and replays the batches written after it: batch headers,
     * and the markers of control batches, whose ABORTs from {@code txnIndexRebuildFrom} on are indexed again.
     */
    private void rebuildProducerState(long logEnd, long txnIndexRebuildFrom) throws IOException {
        long snapshotOffset = producers.loadLatestSnapshot(Math.min(logEnd, txnIndexRebuildFrom));
        long from = Math.max(snapshotOffset, logStartOffset);
        if (from >= logEnd) {
            return;
        }
        Long firstKey = segments.floorKey(from);
        for (LogSegment segment : segments.tailMap(firstKey == null ? segments.firstKey() : firstKey, true).values()) {
            FileBatchReader reader = segment.batchReader(0);
            while (reader.next()) {
                if (reader.lastOffset() < from) {
                    continue;
                }
                if (BatchHeader.isControl(reader.header(), 0)) {
                    replayControlBatch(segment, reader, txnIndexRebuildFrom);
                } else {
                    producers.onAppend(reader.header(), 0);
                }
            }
        }
        producers.takeSnapshot(logEnd);
        producers.deleteOldSnapshots(PRODUCER_SNAPSHOTS_TO_KEEP);
    }

    /** Replays the control batch {@code reader} is at: a transaction marker ends its transaction. */
    private void replayControlBatch(LogSegment segment, FileBatchReader reader, long txnIndexRebuildFrom) throws IOException {
        ByteBuffer batch = ByteBuffer.allocate(reader.sizeInBytes());
        segment.readInto(batch, (int) reader.position());
        if (batch.hasRemaining() || BatchHeader.producerId(batch, 0) == BatchHeader.NO_PRODUCER_ID) {
            return;
        }
        TransactionMarker marker = TransactionMarker.read(batch, 0);
        if (marker != null) {
            long offset = BatchHeader.baseOffset(batch, 0);
            endTransaction(marker, offset, BatchHeader.maxTimestamp(batch, 0), offset >= txnIndexRebuildFrom ? segment : null);
        }
    }

    /** The names of the files in the log's directory. */
    private List<String> fileNames() throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                names.add(file.getFileName().toString());
            }
        }
        return names;
    }

    /** Whether a file is one that only a crash leaves behind: see {@link #deleteTemporaryFiles} and {@link #completeSwaps}. */
    private static boolean leftByACrash(String name) {
        return name.endsWith(AtomicFile.TMP_SUFFIX) || name.endsWith(LogSegment.DELETED_SUFFIX) || name.endsWith(LogSegment.CLEANED_SUFFIX)
                || name.endsWith(LogSegment.SWAP_SUFFIX);
    }

    /** The base offsets of the segments whose log files are among {@code names}, in order. */
    private List<Long> segmentBaseOffsets(List<String> names) {
        List<Long> offsets = new ArrayList<>();
        for (String name : names) {
            if (name.endsWith(LogSegment.LOG_SUFFIX)) {
                try {
                    offsets.add(Long.parseLong(name.substring(0, name.length() - LogSegment.LOG_SUFFIX.length())));
                } catch (NumberFormatException e) {
                    log.warn("Ignoring unexpected file {}", dir.resolve(name));
                }
            }
        }
        offsets.sort(null);
        return offsets;
    }

    /** Removes index files, among {@code names}, whose log is gone (a crash between the renames of a segment's files). */
    private void deleteIndexesWithoutLog(List<String> names) throws IOException {
        Set<String> present = new HashSet<>(names);
        for (String name : names) {
            if (name.endsWith(LogSegment.INDEX_SUFFIX) || name.endsWith(LogSegment.TIME_INDEX_SUFFIX)
                    || name.endsWith(LogSegment.TXN_INDEX_SUFFIX)) {
                String base = name.substring(0, name.indexOf('.'));
                if (!present.contains(base + LogSegment.LOG_SUFFIX)) {
                    log.warn("Deleting {}: its segment's log file is gone", dir.resolve(name));
                    Files.delete(dir.resolve(name));
                }
            }
        }
    }

    /**
     * Removes files a crash left behind: half-written small files, segments deleted but not yet removed,
     * and segments the cleaner had not finished writing.
     */
    private void deleteTemporaryFiles() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir,
                "*{" + AtomicFile.TMP_SUFFIX + "," + LogSegment.DELETED_SUFFIX + "," + LogSegment.CLEANED_SUFFIX + "}")) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        }
    }

    /**
     * Finishes the swaps a crash interrupted (see {@link #replaceSegments}): a {@code .log.swap} file is a
     * complete, fsynced cleaned segment, so the segments whose base offsets lie in its offset range are
     * deleted and it takes its final name. Other {@code .swap} files whose log file already took its final
     * name are renamed too, unless a file of that name exists.
     */
    private void completeSwaps() throws IOException {
        List<Path> swaps = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + LogSegment.SWAP_SUFFIX)) {
            files.forEach(swaps::add);
        }
        if (swaps.isEmpty()) {
            return;
        }
        swaps.sort(null);
        String logSwapSuffix = LogSegment.LOG_SUFFIX + LogSegment.SWAP_SUFFIX;
        for (Path file : swaps) {
            String name = file.getFileName().toString();
            if (name.endsWith(logSwapSuffix)) {
                try {
                    completeSwap(Long.parseLong(name.substring(0, name.length() - logSwapSuffix.length())));
                } catch (NumberFormatException e) {
                    log.warn("Ignoring unexpected file {}", file);
                }
            }
        }
        for (Path file : swaps) {
            if (Files.exists(file)) {
                String name = file.getFileName().toString();
                Path target = file.resolveSibling(name.substring(0, name.length() - LogSegment.SWAP_SUFFIX.length()));
                if (Files.exists(target)) {
                    Files.delete(file);
                } else {
                    Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
                }
            }
        }
        AtomicFile.fsyncDirectory(dir);
    }

    private void completeSwap(long baseOffset) throws IOException {
        LogSegment swap = LogSegment.open(dir, baseOffset, config, time, LogSegment.SWAP_SUFFIX);
        try {
            if (!swap.indexesLookSane()) {
                swap.recover((batch, position) -> { });
            }
            long end = Math.max(swap.readNextOffset(), baseOffset + 1);
            for (long replaced : segmentBaseOffsets(fileNames())) {
                if (replaced >= baseOffset && replaced < end) {
                    LogSegment.open(dir, replaced, config).delete();
                }
            }
            swap.changeFileSuffixes(LogSegment.SWAP_SUFFIX, "");
            log.info("Completed the swap of the cleaned segment at {} in {}, replacing the segments in [{}, {})", baseOffset,
                    topicPartition, baseOffset, end);
        } finally {
            swap.close();
        }
    }

    /**
     * Takes segments already removed from {@link #segments} out of the directory: their files are
     * renamed to end in {@code .deleted} at once, so a restart never loads them again, and removed after
     * {@code file.delete.delay.ms}, so that reads still holding them can finish.
     */
    private void deleteSegmentFiles(List<LogSegment> removed) throws IOException {
        for (LogSegment segment : removed) {
            segment.changeFileSuffixes("", LogSegment.DELETED_SUFFIX);
        }
        AtomicFile.fsyncDirectory(dir);
        scheduler.schedule(() -> {
            for (LogSegment segment : removed) {
                try {
                    segment.delete();
                } catch (IOException e) {
                    log.warn("Cannot remove the deleted segment {}: {}", segment, e.toString());
                }
            }
        }, config.fileDeleteDelayMs());
    }

    @Override
    public String toString() {
        return "PartitionLog(" + topicPartition + ")";
    }
}
