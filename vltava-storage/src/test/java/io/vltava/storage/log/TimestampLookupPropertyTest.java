package io.vltava.storage.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.common.time.ManualTime;
import io.vltava.storage.TestBatches;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * Whatever the batches' timestamps (repeated, going back and forth) and however the log is cut into
 * segments and indexed, the timestamp lookups give what a linear scan over the batches gives: the
 * first batch at or above the log start offset with a max timestamp at least the target, and the first
 * batch with the largest timestamp. The same holds after a clean reopen (indexes trusted, largest
 * timestamps read from the time indexes) and after an unclean one (indexes rebuilt from damaged files).
 */
class TimestampLookupPropertyTest {

    /** The shape of one appended batch. */
    record BatchSpec(int records, int valueSize, long timestamp) {
    }

    /** One appended batch as stored. */
    record Appended(long lastOffset, long maxTimestamp, byte[] bytes) {
    }

    @Provide
    Arbitrary<List<BatchSpec>> batches() {
        Arbitrary<BatchSpec> spec = Combinators.combine(Arbitraries.integers().between(1, 4), Arbitraries.integers().between(0, 100),
                Arbitraries.longs().between(0L, 20L)).as(BatchSpec::new);
        return spec.list().ofMinSize(0).ofMaxSize(40);
    }

    @Property(tries = 100)
    void timestampLookupsAgreeWithALinearScan(@ForAll("batches") List<BatchSpec> specs,
                                              @ForAll @IntRange(min = 600, max = 3000) int segmentBytes,
                                              @ForAll @IntRange(min = 1, max = 600) int indexIntervalBytes,
                                              @ForAll @IntRange(min = 24, max = 400) int segmentIndexBytes,
                                              @ForAll @DoubleRange(min = 0.0, max = 1.0) double logStartAt) throws IOException {
        Path dir = Files.createTempDirectory("timestamp-lookup");
        ManualTime time = new ManualTime();
        LogConfig config = LogConfig.builder().segmentBytes(segmentBytes).segmentIndexBytes(segmentIndexBytes)
                .indexIntervalBytes(indexIntervalBytes).fileDeleteDelayMs(0L).build();
        try (LogFlusher flusher = new LogFlusher("property-flusher")) {
            PartitionLog log = TestLogs.open(dir, config, time, flusher);
            List<Appended> appended = new ArrayList<>();
            for (BatchSpec spec : specs) {
                ByteBuffer batch = TestBatches.batch().records(spec.records()).valueSize(spec.valueSize()).timestamp(spec.timestamp())
                        .seed(appended.size()).build();
                LogAppendInfo info = log.appendAsLeader(batch, 0);
                appended.add(new Appended(info.lastOffset(), spec.timestamp() + spec.records() - 1, TestBatches.bytes(batch)));
            }
            long logEnd = log.logEndOffset();
            log.maybeIncrementHighWatermark(logEnd);
            check(log, appended, 0L);
            log.close();
            TestLogs.checkIndexesMatchLogs(dir);
            TestLogs.checkTimeIndexesMatchLogs(dir);

            long logStart = (long) (logStartAt * logEnd);
            log = PartitionLog.open(TestLogs.TP, dir, TestLogs.TOPIC_ID, config, logEnd, logStart, true, time, flusher, TestLogs.NO_DELAY);
            log.maybeIncrementHighWatermark(logEnd);
            check(log, appended, log.logStartOffset());
            log.close();

            damageTimeIndexes(dir);
            log = PartitionLog.open(TestLogs.TP, dir, TestLogs.TOPIC_ID, config, 0L, logStart, false, time, flusher, TestLogs.NO_DELAY);
            assertThat(log.logEndOffset()).isEqualTo(logEnd);
            log.maybeIncrementHighWatermark(logEnd);
            check(log, appended, log.logStartOffset());
            log.close();
            TestLogs.checkIndexesMatchLogs(dir);
            TestLogs.checkTimeIndexesMatchLogs(dir);
        } finally {
            deleteRecursively(dir);
        }
    }

    private static void check(PartitionLog log, List<Appended> appended, long logStart) {
        long largest = appended.stream().mapToLong(Appended::maxTimestamp).max().orElse(-1L);
        for (long target = -1; target <= largest + 1; target++) {
            byte[] expected = null;
            for (Appended batch : appended) {
                if (batch.lastOffset() >= logStart && batch.maxTimestamp() >= target) {
                    expected = batch.bytes();
                    break;
                }
            }
            LogSlice found = log.firstBatchWithTimestampAtLeast(target);
            if (expected == null) {
                assertThat(found).as("firstBatchWithTimestampAtLeast(%d) from %d", target, logStart).isNull();
            } else {
                assertThat(found).as("firstBatchWithTimestampAtLeast(%d) from %d", target, logStart).isNotNull();
                assertThat(TestBatches.bytes(found)).as("firstBatchWithTimestampAtLeast(%d) from %d", target, logStart).isEqualTo(expected);
            }
        }
        Appended first = null;
        for (Appended batch : appended) {
            if (first == null || batch.maxTimestamp() > first.maxTimestamp()) {
                first = batch;
            }
        }
        LogSlice max = log.batchWithMaxTimestamp();
        if (first == null) {
            assertThat(max).isNull();
        } else {
            assertThat(TestBatches.bytes(max)).as("batchWithMaxTimestamp").isEqualTo(first.bytes());
        }
    }

    /** Overwrites every time index with noise of a random length, as a crash might leave it. */
    private static void damageTimeIndexes(Path dir) throws IOException {
        Random random = new Random(dir.hashCode());
        for (Path file : TestLogs.files(dir, LogSegment.TIME_INDEX_SUFFIX)) {
            byte[] noise = new byte[random.nextInt(100)];
            random.nextBytes(noise);
            Files.write(file, noise);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
                if (e != null) {
                    throw new UncheckedIOException(e);
                }
                Files.delete(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
