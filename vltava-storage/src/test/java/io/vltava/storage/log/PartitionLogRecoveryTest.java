package io.vltava.storage.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.common.time.ManualTime;
import io.vltava.storage.TestBatches;
import io.vltava.storage.epoch.LeaderEpochCache;
import io.vltava.storage.producer.ProducerStateManager;
import io.vltava.storage.record.BatchHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening a log after a crash (unclean: validate from the recovery point, truncate what is torn) and
 * after a clean shutdown (trust the files).
 *
 * <p>A crash is simulated by leaving the first log open and unflushed and opening the directory again,
 * as the next process would; the abandoned log is never used again.
 */
class PartitionLogRecoveryTest {

    /** Three batches of 3 records per segment. */
    private static final int BATCH_SIZE = batchOf3(0).remaining();
    private static final LogConfig CONFIG = TestLogs.CONFIG.withSegmentBytes(3 * BATCH_SIZE);

    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime();
    private LogFlusher flusher;
    private PartitionLog log;

    @BeforeEach
    void setUp() {
        flusher = new LogFlusher("test-flusher");
    }

    @AfterEach
    void tearDown() {
        if (log != null) {
            log.close();
        }
        flusher.close();
    }

    private static ByteBuffer batchOf3(long seed) {
        return TestBatches.batch().records(3).valueSize(100).seed(seed).build();
    }

    /** Appends {@code count} batches of 3 records and returns the log's bytes. */
    private byte[] appendBatches(int count) {
        for (int i = 0; i < count; i++) {
            log.appendAsLeader(batchOf3(log.logEndOffset()), 0);
        }
        return TestLogs.readAll(log, 0);
    }

    /**
     * Opens the directory again with nothing trusted, as after a crash. The crashed log is abandoned,
     * not closed: closing would flush it and trim its indexes.
     */
    private void reopenAfterCrash() {
        log = TestLogs.openAfterCrash(dir, CONFIG, time, flusher);
    }

    /** Stops the crashed log's flusher, so that no fsync of the old log runs while a test damages its files. */
    private void crash() {
        flusher.close();
        flusher = new LogFlusher("test-flusher-after-crash");
    }

    private static void appendToFile(Path file, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            channel.write(ByteBuffer.wrap(bytes));
        }
    }

    private static void flipByte(Path file, long position) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position);
            one.put(0, (byte) (one.get(0) ^ 0x40)).position(0);
            channel.write(one, position);
        }
    }

    /** A batch as the log would have written it next, with its offset already assigned. */
    private static byte[] nextBatchBytes(long baseOffset) {
        return nextBatchBytes(baseOffset, baseOffset);
    }

    private void checkRecoveredTo(long logEnd, byte[] expected) {
        assertThat(log.logEndOffset()).isEqualTo(logEnd);
        assertThat(log.recoveryPoint()).as("a recovered log is flushed").isEqualTo(logEnd);
        assertThat(log.highWatermark()).isZero();
        assertThat(TestLogs.readAll(log, 0)).isEqualTo(expected);
        assertThat(log.sizeInBytes()).isEqualTo(expected.length);

        LogAppendInfo next = log.appendAsLeader(batchOf3(99), 0);
        assertThat(next.firstOffset()).isEqualTo(logEnd);
        assertThat(next.lastOffset()).isEqualTo(logEnd + 2);
        assertThat(TestBatches.bytes(log.read(logEnd, Integer.MAX_VALUE, FetchIsolation.LOG_END, true).slice()))
                .isEqualTo(nextBatchBytes(99, logEnd));
    }

    private static byte[] nextBatchBytes(long seed, long baseOffset) {
        ByteBuffer batch = batchOf3(seed);
        BatchHeader.setBaseOffset(batch, 0, baseOffset);
        BatchHeader.setPartitionLeaderEpoch(batch, 0, 0);
        return TestBatches.bytes(batch);
    }

    @Test
    void anUncleanReopenOfAnIntactLogKeepsEverything() {
        log = TestLogs.open(dir, CONFIG, time, flusher);
        byte[] written = appendBatches(7);

        crash();
        reopenAfterCrash();

        assertThat(log.segmentCount()).isEqualTo(3);
        checkRecoveredTo(21, written);
    }

    @Test
    void aTornHalfBatchAtTheTailIsTruncated() throws IOException {
        log = TestLogs.open(dir, CONFIG, time, flusher);
        byte[] written = appendBatches(5);
        Path active = TestLogs.lastLogFile(dir);
        long validSize = Files.size(active);
        crash();
        appendToFile(active, Arrays.copyOf(nextBatchBytes(15), BATCH_SIZE / 2));

        reopenAfterCrash();

        assertThat(Files.size(active)).isEqualTo(validSize);
        checkRecoveredTo(15, written);
    }

    @Test
    void aTornHeaderAtTheTailIsTruncated() throws IOException {
        log = TestLogs.open(dir, CONFIG, time, flusher);
        byte[] written = appendBatches(4);
        crash();
        appendToFile(TestLogs.lastLogFile(dir), Arrays.copyOf(nextBatchBytes(12), 30));

        reopenAfterCrash();

        checkRecoveredTo(12, written);
    }

    @Test
    void garbageAtTheTailIsTruncated() throws IOException {
        log = TestLogs.open(dir, CONFIG, time, flusher);
        byte[] written = appendBatches(4);
        byte[] garbage = new byte[300];
        new Random(1).nextBytes(garbage);
        crash();
        appendToFile(TestLogs.lastLogFile(dir), garbage);

        reopenAfterCrash();

        checkRecoveredTo(12, written);
    }

    @Test
    void zerosAtTheTailAreTruncated() throws IOException {
        log = TestLogs.open(dir, CONFIG, time, flusher);
        byte[] written = appendBatches(2);
        crash();
        appendToFile(TestLogs.lastLogFile(dir), new byte[4096]);

        reopenAfterCrash();

        checkRecoveredTo(6, written);
    }

    @Test
    void aHeaderAnnouncingMoreBytesThanTheFileHoldsIsTruncated() throws IOException {
        log = TestLogs.open(dir, CONFIG, time, flusher);
        byte[] written = appendBatches(2);
        byte[] header = nextBatchBytes(6);
        ByteBuffer.wrap(header).putInt(BatchHeader.LENGTH_OFFSET, 1_000_000_000);
        crash();
        appendToFile(TestLogs.lastLogFile(dir), header);

        reopenAfterCrash();

        checkRecoveredTo(6, written);
    }

    @Test
    void aLastBatchWithAFlippedCrcByteIsTruncated() throws IOException {
        log = TestLogs.open(dir, CONFIG, time, flusher);
        byte[] written = appendBatches(5);
        Path active = TestLogs.lastLogFile(dir);
        long size = Files.size(active);
        crash();
        flipByte(active, size - 10);

        reopenAfterCrash();

        assertThat(Files.size(active)).isEqualTo(size - BATCH_SIZE);
        checkRecoveredTo(12, Arrays.copyOf(written, written.length - BATCH_SIZE));
    }

    @Test
    void aFlippedByteInTheHeaderPartCoveredByTheCrcIsTruncated() throws IOException {
        log = TestLogs.open(dir, CONFIG, time, flusher);
        byte[] written = appendBatches(5);
        Path active = TestLogs.lastLogFile(dir);
        long lastBatch = Files.size(active) - BATCH_SIZE;
        crash();
        flipByte(active, lastBatch + BatchHeader.PRODUCER_ID_OFFSET);

        reopenAfterCrash();

        checkRecoveredTo(12, Arrays.copyOf(written, written.length - BATCH_SIZE));
    }

    @Test
    void theIndexIsRebuiltFromTheLog() throws IOException {
        log = TestLogs.open(dir, CONFIG, time, flusher);
        byte[] written = appendBatches(8);
        byte[] noise = new byte[4096];
        new Random(3).nextBytes(noise);
        crash();
        for (Path index : TestLogs.files(dir, LogSegment.INDEX_SUFFIX)) {
            Files.write(index, noise);
        }
        appendToFile(TestLogs.lastLogFile(dir), Arrays.copyOf(nextBatchBytes(24), 100));

        reopenAfterCrash();

        assertThat(log.logEndOffset()).isEqualTo(24);
        for (long offset = 0; offset < 24; offset++) {
            int batch = (int) offset / 3;
            byte[] read = TestBatches.bytes(log.read(offset, BATCH_SIZE, FetchIsolation.LOG_END, true).slice());
            assertThat(read).as("read(%d)", offset).isEqualTo(Arrays.copyOfRange(written, batch * BATCH_SIZE, (batch + 1) * BATCH_SIZE));
        }
        log.close();
        // Each segment of three batches has entries for its second and third batch.
        assertThat(TestLogs.checkIndexesMatchLogs(dir)).isEqualTo(2 + 2 + 1);
    }

    @Test
    void corruptionInAMiddleSegmentDeletesTheSegmentsAfterIt() throws IOException {
        log = TestLogs.open(dir, CONFIG, time, flusher);
        byte[] written = appendBatches(9);
        assertThat(log.segmentCount()).isEqualTo(3);
        Path middle = dir.resolve(LogSegment.fileName(9, LogSegment.LOG_SUFFIX));
        // The second batch of the middle segment (offsets 12..14).
        crash();
        flipByte(middle, BATCH_SIZE + BatchHeader.HEADER_SIZE + 5);

        reopenAfterCrash();

        assertThat(log.segmentCount()).isEqualTo(2);
        assertThat(dir.resolve(LogSegment.fileName(18, LogSegment.LOG_SUFFIX))).doesNotExist();
        assertThat(dir.resolve(LogSegment.fileName(18, LogSegment.INDEX_SUFFIX))).doesNotExist();
        assertThat(dir.resolve(LogSegment.fileName(18, ProducerStateManager.SNAPSHOT_SUFFIX))).doesNotExist();
        assertThat(Files.size(middle)).isEqualTo(BATCH_SIZE);
        checkRecoveredTo(12, Arrays.copyOf(written, 4 * BATCH_SIZE));
        assertThat(log.segmentCount()).as("the next append goes into the truncated segment").isEqualTo(2);
    }

    @Test
    void aCorruptFirstBatchLeavesAnEmptySegment() throws IOException {
        log = TestLogs.open(dir, CONFIG, time, flusher);
        appendBatches(5);
        crash();
        flipByte(dir.resolve(LogSegment.fileName(0, LogSegment.LOG_SUFFIX)), 70);

        reopenAfterCrash();

        assertThat(log.segmentCount()).isEqualTo(1);
        checkRecoveredTo(0, new byte[0]);
    }

    @Test
    void segmentsBelowTheRecoveryPointAreTrusted() throws IOException {
        log = TestLogs.open(dir, CONFIG, time, flusher);
        byte[] written = appendBatches(7);
        // A byte flipped in the first segment is not noticed when the recovery point says it was flushed.
        Path first = dir.resolve(LogSegment.fileName(0, LogSegment.LOG_SUFFIX));
        crash();
        flipByte(first, BATCH_SIZE + 100);
        byte[] flipped = written.clone();
        flipped[BATCH_SIZE + 100] ^= 0x40;
        appendToFile(TestLogs.lastLogFile(dir), Arrays.copyOf(nextBatchBytes(21), 80));

        log = PartitionLog.open(TestLogs.TP, dir, TestLogs.TOPIC_ID, CONFIG, 9L, 0L, false, time, flusher, TestLogs.NO_DELAY);

        assertThat(log.logEndOffset()).isEqualTo(21);
        assertThat(TestLogs.readAll(log, 0)).isEqualTo(flipped);
    }

    @Test
    void aCleanReopenKeepsEverythingWithoutRecovery() throws IOException {
        log = TestLogs.open(dir, CONFIG, time, flusher);
        byte[] written = appendBatches(8);
        int epochBefore = log.latestEpoch();
        log.close();
        assertThat(log.recoveryPoint()).isEqualTo(24);

        log = PartitionLog.open(TestLogs.TP, dir, TestLogs.TOPIC_ID, CONFIG, 24L, 0L, true, time, flusher, TestLogs.NO_DELAY);

        assertThat(log.segmentCount()).isEqualTo(3);
        assertThat(log.logEndOffset()).isEqualTo(24);
        assertThat(log.logEndOffsetMetadata()).isEqualTo(new LogOffsetMetadata(24, 18, 2 * BATCH_SIZE));
        assertThat(log.recoveryPoint()).isEqualTo(24);
        assertThat(log.latestEpoch()).isEqualTo(epochBefore);
        assertThat(TestLogs.readAll(log, 0)).isEqualTo(written);
        assertThat(log.appendAsLeader(batchOf3(1), 0).firstOffset()).isEqualTo(24);
        log.close();
        assertThat(TestLogs.checkIndexesMatchLogs(dir)).isPositive();
    }

    @Test
    void aCleanReopenTrustsTheCheckpointedRecoveryPoint() {
        log = TestLogs.open(dir, CONFIG, time, flusher);
        appendBatches(5);
        log.close();

        log = PartitionLog.open(TestLogs.TP, dir, TestLogs.TOPIC_ID, CONFIG, 5L, 0L, true, time, flusher, TestLogs.NO_DELAY);

        // No recovery ran, so nothing was fsynced beyond what the checkpoint says.
        assertThat(log.recoveryPoint()).isEqualTo(5);
        assertThat(log.logEndOffset()).isEqualTo(15);
    }

    @Test
    void aCleanReopenRebuildsAMissingIndex() throws IOException {
        log = TestLogs.open(dir, CONFIG, time, flusher);
        byte[] written = appendBatches(8);
        log.close();
        for (Path index : TestLogs.files(dir, LogSegment.INDEX_SUFFIX)) {
            Files.delete(index);
        }

        log = TestLogs.open(dir, CONFIG, time, flusher);

        assertThat(log.logEndOffset()).isEqualTo(24);
        assertThat(TestLogs.readAll(log, 0)).isEqualTo(written);
        log.close();
        assertThat(TestLogs.checkIndexesMatchLogs(dir)).isEqualTo(2 + 2 + 1);
    }

    @Test
    void aCleanReopenRebuildsAnIndexPointingPastTheLog() throws IOException {
        log = TestLogs.open(dir, CONFIG, time, flusher);
        byte[] written = appendBatches(2);
        log.close();
        Path index = dir.resolve(LogSegment.fileName(0, LogSegment.INDEX_SUFFIX));
        Files.write(index, ByteBuffer.allocate(8).putInt(4).putInt(100_000).array());

        log = TestLogs.open(dir, CONFIG, time, flusher);

        assertThat(TestLogs.readAll(log, 0)).isEqualTo(written);
        assertThat(TestBatches.bytes(log.read(5, BATCH_SIZE, FetchIsolation.LOG_END, true).slice()))
                .isEqualTo(Arrays.copyOfRange(written, BATCH_SIZE, 2 * BATCH_SIZE));
        log.close();
        TestLogs.checkIndexesMatchLogs(dir);
    }

    @Test
    void leftoverTemporaryFilesAreDeletedOnOpen() throws IOException {
        log = TestLogs.open(dir, CONFIG, time, flusher);
        appendBatches(1);
        log.close();
        Files.write(dir.resolve("leader-epoch-checkpoint.tmp"), new byte[] {1, 2});
        Files.write(dir.resolve("00000000000000000003.snapshot.tmp"), new byte[] {1, 2});

        log = TestLogs.open(dir, CONFIG, time, flusher);

        assertThat(dir.resolve("leader-epoch-checkpoint.tmp")).doesNotExist();
        assertThat(dir.resolve("00000000000000000003.snapshot.tmp")).doesNotExist();
    }

    @Test
    void anUncleanReopenOfAnEmptyLogIsEmpty() {
        log = TestLogs.open(dir, CONFIG, time, flusher);

        crash();
        reopenAfterCrash();

        checkRecoveredTo(0, new byte[0]);
    }

    @Test
    void theEpochOfATornBatchIsForgotten() throws IOException {
        log = TestLogs.open(dir, CONFIG, time, flusher);
        log.appendAsLeader(batchOf3(0), 1);
        log.appendAsLeader(batchOf3(1), 1);
        log.appendAsLeader(batchOf3(2), 4);
        assertThat(log.latestEpoch()).isEqualTo(4);
        Path active = TestLogs.lastLogFile(dir);
        crash();
        try (FileChannel channel = FileChannel.open(active, StandardOpenOption.WRITE)) {
            channel.truncate(Files.size(active) - 20);
        }

        reopenAfterCrash();

        assertThat(log.logEndOffset()).isEqualTo(6);
        assertThat(log.latestEpoch()).isEqualTo(1);
        assertThat(log.endOffsetForEpoch(1)).isEqualTo(new LeaderEpochCache.EpochEndOffset(1, 6));
        assertThat(log.endOffsetForEpoch(4)).isEqualTo(LeaderEpochCache.EpochEndOffset.UNDEFINED);
    }

    @Test
    void aLostLeaderEpochCheckpointIsRebuiltFromTheBatchesDuringRecovery() throws IOException {
        log = TestLogs.open(dir, CONFIG, time, flusher);
        log.appendAsLeader(batchOf3(0), 0);
        log.appendAsLeader(batchOf3(1), 2);
        log.appendAsLeader(batchOf3(2), 2);
        log.appendAsLeader(batchOf3(3), 5);
        crash();
        Files.delete(dir.resolve(LeaderEpochCache.FILE_NAME));

        reopenAfterCrash();

        assertThat(log.latestEpoch()).isEqualTo(5);
        assertThat(log.endOffsetForEpoch(0)).isEqualTo(new LeaderEpochCache.EpochEndOffset(0, 3));
        assertThat(log.endOffsetForEpoch(3)).isEqualTo(new LeaderEpochCache.EpochEndOffset(2, 9));
        assertThat(log.endOffsetForEpoch(5)).isEqualTo(new LeaderEpochCache.EpochEndOffset(5, 12));
    }
}
