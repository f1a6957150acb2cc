package io.vltava.storage.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vltava.common.time.ManualTime;
import io.vltava.storage.TestBatches;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The indexes of a whole log: mapped only when used, checked at start-up, released when idle. */
class PartitionLogIndexTest {

    /** Three batches of 3 records per segment; the timestamps of batch i are 1000 + 10 i and up. */
    private static final int BATCH_SIZE = batch(0).remaining();
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

    private static ByteBuffer batch(int i) {
        return TestBatches.batch().records(3).valueSize(100).seed(i).timestamp(1_000L + 10L * i).build();
    }

    /** Writes eight batches (segments at 0, 9 and 18) into {@code logDir} and closes the log. */
    private byte[] writeClosedLog(Path logDir) {
        log = TestLogs.open(logDir, CONFIG, time, flusher);
        for (int i = 0; i < 8; i++) {
            log.appendAsLeader(batch(i), 0);
        }
        byte[] written = TestLogs.readAll(log, 0);
        log.close();
        return written;
    }

    private PartitionLog openClean(Path logDir, long recoveryPoint) {
        return PartitionLog.open(TestLogs.TP, logDir, TestLogs.TOPIC_ID, CONFIG, recoveryPoint, 0L, true, time, flusher, TestLogs.NO_DELAY);
    }

    /** The files this process has mapped now, from Linux's {@code /proc/self/maps}. */
    private static Set<String> mappedFiles() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(line -> line.indexOf('/') >= 0)
                .map(line -> line.substring(line.indexOf('/'))).collect(Collectors.toSet());
    }

    private static String indexFile(Path logDir, long baseOffset, String suffix) {
        return logDir.resolve(LogSegment.fileName(baseOffset, suffix)).toString();
    }

    @Test
    void aCleanStartMapsOnlyTheIndexesOfTheActiveSegment() throws IOException {
        assumeTrue(Files.isReadable(Path.of("/proc/self/maps")), "needs /proc/self/maps");
        Path written = dir.resolve("written");
        byte[] bytes = writeClosedLog(written);
        // A copy, so that no mapping left from writing (unmapped only once collected) can show up.
        Path copy = Files.createDirectory(dir.resolve("copy"));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(written)) {
            for (Path file : files) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }

        log = openClean(copy, 24L);

        Set<String> mapped = mappedFiles();
        for (long base : new long[] {0, 9}) {
            assertThat(mapped).doesNotContain(indexFile(copy, base, LogSegment.INDEX_SUFFIX), indexFile(copy, base, LogSegment.TIME_INDEX_SUFFIX));
        }
        assertThat(mapped).as("the active segment's offset index is checked").contains(indexFile(copy, 18, LogSegment.INDEX_SUFFIX));

        assertThat(TestBatches.bytes(log.read(10, BATCH_SIZE, FetchIsolation.LOG_END, true).slice()))
                .isEqualTo(Arrays.copyOfRange(bytes, 3 * BATCH_SIZE, 4 * BATCH_SIZE));
        assertThat(mappedFiles()).contains(indexFile(copy, 9, LogSegment.INDEX_SUFFIX))
                .doesNotContain(indexFile(copy, 0, LogSegment.INDEX_SUFFIX), indexFile(copy, 9, LogSegment.TIME_INDEX_SUFFIX));
    }

    @Test
    void aCleanStartRebuildsALostTimeIndexOfAnOldSegment() throws IOException {
        writeClosedLog(dir);
        Files.delete(dir.resolve(LogSegment.fileName(9, LogSegment.TIME_INDEX_SUFFIX)));

        log = openClean(dir, 24L);
        log.maybeIncrementHighWatermark(24);

        // Batch 5 (offsets 15..17, timestamps 1050..1052) is in the segment that lost its time index.
        assertThat(TestBatches.bytes(log.firstBatchWithTimestampAtLeast(1_051L))).isEqualTo(TestBatches.bytes(log.read(15, BATCH_SIZE,
                FetchIsolation.LOG_END, true).slice()));
        log.close();
        assertThat(dir.resolve(LogSegment.fileName(9, LogSegment.TIME_INDEX_SUFFIX))).exists();
        assertThat(TestLogs.checkTimeIndexesMatchLogs(dir)).isPositive();
    }

    @Test
    void aCleanStartRebuildsAnActiveTimeIndexThatGoesBackInTime() throws IOException {
        writeClosedLog(dir);
        Path timeIndex = dir.resolve(LogSegment.fileName(18, LogSegment.TIME_INDEX_SUFFIX));
        Files.write(timeIndex, ByteBuffer.allocate(24).putLong(5_000L).putInt(1).putLong(10L).putInt(2).array());

        log = openClean(dir, 24L);

        assertThat(TestBatches.bytes(log.batchWithMaxTimestamp())).isEqualTo(TestBatches.bytes(log.read(21, BATCH_SIZE,
                FetchIsolation.LOG_END, true).slice()));
        log.close();
        TestLogs.checkTimeIndexesMatchLogs(dir);
    }

    @Test
    void idleIndexesOfInactiveSegmentsAreReleasedAndMappedAgainOnUse() throws IOException {
        log = TestLogs.open(dir, CONFIG, time, flusher);
        for (int i = 0; i < 8; i++) {
            log.appendAsLeader(batch(i), 0);
        }
        byte[] written = TestLogs.readAll(log, 0);
        log.flush(log.logEndOffset());
        log.maybeIncrementHighWatermark(24);

        assertThat(log.releaseIdleIndexes(100_000L, 60_000L)).as("used since the last look").isZero();
        assertThat(log.releaseIdleIndexes(159_999L, 60_000L)).isZero();
        assertThat(log.releaseIdleIndexes(160_000L, 60_000L)).as("both inactive segments, not the active one").isEqualTo(2);

        assertThat(TestLogs.readAll(log, 0)).isEqualTo(written);
        assertThat(TestBatches.bytes(log.firstBatchWithTimestampAtLeast(1_031L)))
                .isEqualTo(Arrays.copyOfRange(written, 3 * BATCH_SIZE, 4 * BATCH_SIZE));
        assertThat(log.appendAsLeader(batch(8), 0).firstOffset()).isEqualTo(24);
    }
    @Test
    void readersKeepReadingWhileIdleIndexesAreReleasedAndTheLogRolls() throws Exception {
        log = TestLogs.open(dir, CONFIG, time, flusher);
        List<byte[]> batches = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ByteBuffer batch = batch(i);
            log.appendAsLeader(batch, 0);
            batches.add(TestBatches.bytes(batch));
        }
        log.maybeIncrementHighWatermark(log.logEndOffset());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong released = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        threads.add(new Thread(guarded(stop, failure, () -> {
            for (long now = 0; !stop.get(); now++) {
                released.addAndGet(log.releaseIdleIndexes(now, 1L));
            }
        })));
        for (int reader = 0; reader < 2; reader++) {
            long seed = reader;
            threads.add(new Thread(guarded(stop, failure, () -> {
                Random random = new Random(seed);
                while (!stop.get()) {
                    int i = random.nextInt(batches.size());
                    assertThat(TestBatches.bytes(log.read(3L * i, BATCH_SIZE, FetchIsolation.LOG_END, true).slice())).isEqualTo(batches.get(i));
                    assertThat(TestBatches.bytes(log.firstBatchWithTimestampAtLeast(1_000L + 10L * i))).isEqualTo(batches.get(i));
                }
            })));
        }
        threads.add(new Thread(guarded(stop, failure, () -> {
            for (int i = 30; i < 90 && !stop.get(); i++) {
                log.appendAsLeader(batch(i), 0);
                Thread.sleep(10);
            }
        })));
        threads.forEach(Thread::start);
        Thread.sleep(1_000);
        stop.set(true);
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(failure.get()).isNull();
        assertThat(released.get()).isPositive();
    }

    /** A thread body that records the first failure and stops the others. */
    private static Runnable guarded(AtomicBoolean stop, AtomicReference<Throwable> failure, ThrowingRunnable body) {
        return () -> {
            try {
                body.run();
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
                stop.set(true);
            }
        };
    }

    /** A body of test code that may throw. */
    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
