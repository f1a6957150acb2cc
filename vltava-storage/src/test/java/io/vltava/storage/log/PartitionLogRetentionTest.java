package io.vltava.storage.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vltava.common.time.ManualTime;
import io.vltava.common.time.Scheduler;
import io.vltava.storage.TestBatches;
import io.vltava.storage.record.BatchHeader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention by size and time, DeleteRecords, and how deleted segments leave the directory. */
class PartitionLogRetentionTest {

    private static final int RECORDS_PER_BATCH = 10;

    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime();
    /** Removal tasks the log scheduled, run by the test when it wants. */
    private final List<Runnable> removals = new ArrayList<>();
    private final Scheduler scheduler = (task, delayMs) -> removals.add(task);
    private LogFlusher flusher;
    private PartitionLog log;
    private int batchSize;

    @BeforeEach
    void setUp() {
        flusher = new LogFlusher("test-flusher");
        batchSize = batch(0).remaining();
    }

    @AfterEach
    void tearDown() {
        if (log != null) {
            log.close();
        }
        flusher.close();
    }

    /** A batch whose records are stamped {@code timestamp} and the following milliseconds. */
    private ByteBuffer batch(long timestamp) {
        return TestBatches.batch().records(RECORDS_PER_BATCH).valueSize(100).timestamp(timestamp).build();
    }

    /** A log whose segments hold {@code batchesPerSegment} batches each. */
    private PartitionLog open(LogConfig.Builder config, int batchesPerSegment) {
        LogConfig built = config.segmentBytes(batchSize * batchesPerSegment).segmentIndexBytes(4096).indexIntervalBytes(256).build();
        return PartitionLog.open(TestLogs.TP, dir, TestLogs.TOPIC_ID, built, 0L, 0L, true, time, flusher, scheduler);
    }

    private void appendBatches(int count, long timestamp) {
        for (int i = 0; i < count; i++) {
            log.appendAsLeader(batch(timestamp), 0);
        }
        log.maybeIncrementHighWatermark(log.logEndOffset());
    }

    @Test
    void retentionBytesDeletesTheOldestSegmentsWhileTheRestStaysAboveTheLimit() {
        log = open(LogConfig.builder().retentionMs(-1L).retentionBytes(5L * 2 * batchSize), 2);
        appendBatches(13, TestBatches.DEFAULT_TIMESTAMP);
        assertThat(log.segmentCount()).isEqualTo(7);

        int deleted = log.deleteOldSegments();

        // 7 segments of which the last holds one batch: 13 batches; 10 may stay, so 3 could go, but only whole segments do.
        assertThat(deleted).isEqualTo(1);
        assertThat(log.segmentCount()).isEqualTo(6);
        assertThat(log.logStartOffset()).isEqualTo(2L * RECORDS_PER_BATCH);
        assertThat(log.sizeInBytes()).isEqualTo(11L * batchSize);
        assertThat(log.deleteOldSegments()).isZero();
    }

    @Test
    void deletedSegmentsAreRenamedAtOnceAndRemovedByTheScheduledTask() throws Exception {
        log = open(LogConfig.builder().retentionBytes(0L), 1);
        appendBatches(3, TestBatches.DEFAULT_TIMESTAMP);
        Path first = dir.resolve(LogSegment.fileName(0, LogSegment.LOG_SUFFIX));
        assertThat(first).exists();

        assertThat(log.deleteOldSegments()).isEqualTo(3);

        assertThat(first).doesNotExist();
        assertThat(dir.resolve(first.getFileName() + LogSegment.DELETED_SUFFIX)).exists();
        assertThat(dir.resolve(LogSegment.fileName(0, LogSegment.INDEX_SUFFIX + LogSegment.DELETED_SUFFIX))).exists();
        assertThat(removals).hasSize(1);

        removals.forEach(Runnable::run);
        assertThat(TestLogs.files(dir, LogSegment.DELETED_SUFFIX)).isEmpty();
    }

    @Test
    void whenEverySegmentExpiresTheLogRollsAndKeepsAnEmptySegmentAtItsEnd() {
        log = open(LogConfig.builder().retentionMs(1000L), 2);
        appendBatches(3, time.milliseconds());
        time.advanceMillis(2000);

        assertThat(log.deleteOldSegments()).isEqualTo(2);

        assertThat(log.segmentCount()).isEqualTo(1);
        assertThat(log.logStartOffset()).isEqualTo(3L * RECORDS_PER_BATCH);
        assertThat(log.logEndOffset()).isEqualTo(3L * RECORDS_PER_BATCH);
        assertThat(log.sizeInBytes()).isZero();
        assertThat(log.read(log.logEndOffset(), 1000, FetchIsolation.HIGH_WATERMARK, true).slice().isEmpty()).isTrue();

        log.appendAsLeader(batch(time.milliseconds()), 0);
        assertThat(log.logEndOffset()).isEqualTo(4L * RECORDS_PER_BATCH);
        LogReadInfo read = log.read(3L * RECORDS_PER_BATCH, 100_000, FetchIsolation.LOG_END, true);
        assertThat(BatchHeader.baseOffset(ByteBuffer.wrap(TestBatches.bytes(read.slice())), 0)).isEqualTo(3L * RECORDS_PER_BATCH);
    }

    @Test
    void retentionMsDeletesOnlySegmentsWhoseNewestRecordIsTooOld() {
        log = open(LogConfig.builder().retentionMs(1000L), 2);
        long old = time.milliseconds();
        appendBatches(2, old);
        appendBatches(1, old);
        appendBatches(1, old + 600);
        time.advanceMillis(1200);

        assertThat(log.deleteOldSegments()).isEqualTo(1);
        assertThat(log.logStartOffset()).isEqualTo(2L * RECORDS_PER_BATCH);

        time.advanceMillis(500);
        assertThat(log.deleteOldSegments()).isEqualTo(1);
        assertThat(log.logStartOffset()).isEqualTo(4L * RECORDS_PER_BATCH);
    }

    @Test
    void nothingAboveTheHighWatermarkIsDeleted() {
        log = open(LogConfig.builder().retentionBytes(0L), 1);
        for (int i = 0; i < 3; i++) {
            log.appendAsLeader(batch(TestBatches.DEFAULT_TIMESTAMP), 0);
        }
        log.maybeIncrementHighWatermark(RECORDS_PER_BATCH);

        assertThat(log.deleteOldSegments()).isEqualTo(1);
        assertThat(log.logStartOffset()).isEqualTo(RECORDS_PER_BATCH);
    }

    @Test
    void aCompactedLogWithoutDeleteKeepsItsOldSegments() {
        log = open(LogConfig.builder().retentionBytes(0L).retentionMs(0L).cleanupPolicy(false, true), 1);
        appendBatches(3, TestBatches.DEFAULT_TIMESTAMP);

        assertThat(log.deleteOldSegments()).isZero();
        assertThat(log.segmentCount()).isEqualTo(3);
    }

    @Test
    void deleteRecordsMovesTheLogStartAndRetentionDeletesTheSegmentsBelowIt() {
        log = open(LogConfig.builder().retentionMs(-1L).cleanupPolicy(false, true), 2);
        appendBatches(5, TestBatches.DEFAULT_TIMESTAMP);

        assertThatThrownBy(() -> log.deleteRecordsBefore(log.highWatermark() + 1)).isInstanceOf(LogOffsetOutOfRangeException.class);
        assertThat(log.deleteRecordsBefore(25)).isEqualTo(25);
        assertThat(log.deleteRecordsBefore(5)).isEqualTo(25);

        assertThat(log.logStartOffset()).isEqualTo(25);
        assertThatThrownBy(() -> log.read(24, 1000, FetchIsolation.HIGH_WATERMARK, true)).isInstanceOf(LogOffsetOutOfRangeException.class);
        LogReadInfo read = log.read(25, 100_000, FetchIsolation.HIGH_WATERMARK, true);
        assertThat(BatchHeader.baseOffset(ByteBuffer.wrap(TestBatches.bytes(read.slice())), 0)).isEqualTo(20);
        assertThat(log.logStartEpoch()).isZero();

        assertThat(log.deleteOldSegments()).isEqualTo(1);
        assertThat(log.segmentCount()).isEqualTo(2);
        assertThat(log.logStartOffset()).isEqualTo(25);
    }

    @Test
    void theLogStartOffsetSurvivesACleanReopen() {
        log = open(LogConfig.builder().retentionMs(-1L), 2);
        appendBatches(5, TestBatches.DEFAULT_TIMESTAMP);
        log.deleteRecordsBefore(25);
        log.deleteOldSegments();
        long start = log.logStartOffset();
        log.close();

        log = PartitionLog.open(TestLogs.TP, dir, TestLogs.TOPIC_ID, log.config(), log.recoveryPoint(), start, true, time, flusher, scheduler);

        assertThat(log.logStartOffset()).isEqualTo(25);
        assertThat(log.logEndOffset()).isEqualTo(50);
    }

    @Test
    void aLogStartOffsetPastTheEndAfterACrashRestartsTheLogEmptyThere() throws Exception {
        log = open(LogConfig.builder().retentionMs(-1L), 10);
        appendBatches(3, TestBatches.DEFAULT_TIMESTAMP);
        assertThat(log.deleteRecordsBefore(30)).isEqualTo(30);
        LogConfig config = log.config();
        log.close();
        // The crash took the tail that was never fsynced; the checkpointed log start survived.
        try (FileChannel channel = FileChannel.open(dir.resolve(LogSegment.fileName(0, LogSegment.LOG_SUFFIX)), StandardOpenOption.WRITE)) {
            channel.truncate(batchSize);
        }

        log = PartitionLog.open(TestLogs.TP, dir, TestLogs.TOPIC_ID, config, 0L, 30L, false, time, flusher, scheduler);

        assertThat(log.logStartOffset()).isEqualTo(30);
        assertThat(log.logEndOffset()).isEqualTo(30);
        assertThat(log.highWatermark()).isEqualTo(30);
        log.appendAsLeader(batch(TestBatches.DEFAULT_TIMESTAMP), 0);
        log.maybeIncrementHighWatermark(log.logEndOffset());
        LogReadInfo read = log.read(30, 100_000, FetchIsolation.HIGH_WATERMARK, true);
        assertThat(BatchHeader.baseOffset(ByteBuffer.wrap(TestBatches.bytes(read.slice())), 0)).isEqualTo(30);
    }

    @Test
    void segmentsDeletedButNotYetRemovedAreRemovedAtTheNextStart() throws Exception {
        log = open(LogConfig.builder().retentionBytes(0L), 1);
        appendBatches(3, TestBatches.DEFAULT_TIMESTAMP);
        log.deleteOldSegments();
        LogConfig config = log.config();
        log.close();
        assertThat(TestLogs.files(dir, LogSegment.DELETED_SUFFIX)).isNotEmpty();

        // As after a crash: the checkpointed log start is older than the segments that are left.
        log = PartitionLog.open(TestLogs.TP, dir, TestLogs.TOPIC_ID, config, 0L, 0L, false, time, flusher, scheduler);

        assertThat(TestLogs.files(dir, LogSegment.DELETED_SUFFIX)).isEmpty();
        assertThat(log.logStartOffset()).isEqualTo(3L * RECORDS_PER_BATCH);
        assertThat(log.logEndOffset()).isEqualTo(3L * RECORDS_PER_BATCH);
        assertThat(Files.exists(dir.resolve(LogSegment.fileName(30, LogSegment.LOG_SUFFIX)))).isTrue();
    }
}
