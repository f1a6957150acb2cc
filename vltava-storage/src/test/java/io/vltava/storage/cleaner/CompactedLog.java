package io.vltava.storage.cleaner;

import io.vltava.common.time.ManualTime;
import io.vltava.common.time.Scheduler;
import io.vltava.common.topic.TopicPartition;
import io.vltava.storage.log.LogConfig;
import io.vltava.storage.log.LogFlusher;
import io.vltava.storage.log.LogSegment;
import io.vltava.storage.log.PartitionLog;
import io.vltava.storage.log.TestLogs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.record.internal.CompressionType;

/** A compacted log on disk, with what the cleaner's tests do to it. Not thread-safe. */
final class CompactedLog implements AutoCloseable {

    static final long DAY = 86_400_000L;

    final ManualTime time;
    final Path dir;
    private final TopicPartition tp;
    private final Scheduler scheduler;
    private final LogFlusher flusher = new LogFlusher("cleaner-test-flusher");
    PartitionLog log;

    /** The log of {@link TestLogs#TP} in {@code dir}. */
    CompactedLog(Path dir, LogConfig config, ManualTime time) {
        this(TestLogs.TP, dir, config, time);
    }

    CompactedLog(TopicPartition tp, Path dir, LogConfig config, ManualTime time) {
        this(tp, dir, config, time, TestLogs.NO_DELAY);
    }

    /** @param scheduler removes the files of replaced segments */
    CompactedLog(TopicPartition tp, Path dir, LogConfig config, ManualTime time, Scheduler scheduler) {
        this.tp = tp;
        this.dir = dir;
        this.time = time;
        this.scheduler = scheduler;
        this.log = open(config, true);
    }

    private PartitionLog open(LogConfig config, boolean cleanShutdown) {
        return PartitionLog.open(tp, dir, TestLogs.TOPIC_ID, config, 0L, 0L, cleanShutdown, time, flusher, scheduler);
    }

    /** A compacted log's settings with segments of {@code segmentBytes} and small indexes. */
    static LogConfig config(int segmentBytes) {
        return LogConfig.builder().segmentBytes(segmentBytes).segmentIndexBytes(64 * 1024).indexIntervalBytes(128).fileDeleteDelayMs(0L)
                .cleanupPolicy(false, true).deleteRetentionMs(DAY).build();
    }

    /** Appends one uncompressed batch of the given key, value pairs, stamped with the current time. */
    void put(String... keysAndValues) {
        append(KeyedRecords.batch(CompressionType.NONE, time.milliseconds(), keysAndValues));
    }

    void append(ByteBuffer batch) {
        log.appendAsLeader(batch, 0);
    }

    /** Appends records of {@code key} until a new segment starts, so that everything before is in inactive segments. */
    void rollWith(String key) {
        int segments = log.segmentCount();
        while (log.segmentCount() == segments) {
            put(key, "filler");
        }
    }

    /** Moves the high watermark to the log end and fsyncs everything, as replication and the flusher would. */
    void commit() {
        log.maybeIncrementHighWatermark(log.logEndOffset());
        flusher.flush(log, log.logEndOffset()).join();
    }

    /** A cleaner with an offset map of {@code mapBytes} and no I/O limit. */
    Cleaner cleaner(int mapBytes) {
        return new Cleaner(new OffsetMap(mapBytes), 4096, new Throttler(Double.MAX_VALUE, 300, time, millis -> { }), time, tp -> { });
    }

    /** Cleans the log once from {@code firstDirtyOffset} (null: from the log start) and returns the next first dirty offset. */
    long clean(Cleaner cleaner, Long firstDirtyOffset) throws IOException {
        return cleaner.clean(LogToClean.of(log, firstDirtyOffset, time.milliseconds()));
    }

    long activeBase() {
        List<LogSegment> segments = log.logSegments();
        return segments.get(segments.size() - 1).baseOffset();
    }

    List<KeyedRecords.Entry> entries() {
        return KeyedRecords.entries(log);
    }

    void reopen() {
        log.close();
        log = open(log.config(), true);
    }

    /** Reopens the log as after a crash, which validates every batch and rebuilds every index. */
    void reopenAfterCrash() {
        log.close();
        log = open(log.config(), false);
    }

    @Override
    public void close() {
        log.close();
        flusher.close();
    }
}
