package io.vltava.storage.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.common.time.ManualTime;
import io.vltava.storage.TestBatches;
import io.vltava.storage.record.BatchHeader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Random appends, high watermark moves, DeleteRecords and retention checks against a model of the
 * log: whatever the order, the log serves exactly the appended batches that reach its start offset,
 * never loses a record at or above the high watermark, keeps no more than retention allows, and
 * comes back the same after a clean restart.
 */
class RetentionPropertyTest {

    /** One step of the workload. */
    sealed interface Step permits Append, RaiseHighWatermark, DeleteRecords, ApplyRetention, Wait {
    }

    record Append(int batches, int recordsPerBatch) implements Step {
    }

    /** Moves the high watermark this share of the way from where it is to the log end. */
    record RaiseHighWatermark(double share) implements Step {
    }

    /** Deletes records below this share of the high watermark. */
    record DeleteRecords(double share) implements Step {
    }

    record ApplyRetention() implements Step {
    }

    record Wait(long millis) implements Step {
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> append = Combinators.combine(Arbitraries.integers().between(1, 4), Arbitraries.integers().between(1, 8))
                .as(Append::new);
        Arbitrary<Step> raise = Arbitraries.doubles().between(0, 1).map(RaiseHighWatermark::new);
        Arbitrary<Step> delete = Arbitraries.doubles().between(0, 1).map(DeleteRecords::new);
        Arbitrary<Step> retention = Arbitraries.just(new ApplyRetention());
        Arbitrary<Step> wait = Arbitraries.longs().between(1, 5_000).map(Wait::new);
        return Arbitraries.frequencyOf(
                Tuple.of(5, append), Tuple.of(3, raise), Tuple.of(1, delete),
                Tuple.of(3, retention), Tuple.of(2, wait)).list().ofMinSize(1).ofMaxSize(60);
    }

    @Property(tries = 150)
    void theLogServesExactlyWhatRetentionKeeps(@ForAll("steps") List<Step> steps,
                                               @ForAll("retentionBytes") long retentionBytes,
                                               @ForAll("retentionMs") long retentionMs,
                                               @ForAll("segmentBatches") int segmentBatches) throws IOException {
        Path dir = Files.createTempDirectory("retention-property");
        ManualTime time = new ManualTime();
        LogFlusher flusher = new LogFlusher("property-flusher");
        int batchBytes = TestBatches.batch().records(8).valueSize(40).build().remaining();
        LogConfig config = LogConfig.builder().segmentBytes(batchBytes * segmentBatches).segmentIndexBytes(4096).indexIntervalBytes(128)
                .retentionBytes(retentionBytes).retentionMs(retentionMs).fileDeleteDelayMs(0).build();
        List<byte[]> stored = new ArrayList<>();
        PartitionLog log = TestLogs.open(dir, config, time, flusher);
        try {
            for (Step step : steps) {
                long startBefore = log.logStartOffset();
                long highWatermarkBefore = log.highWatermark();
                switch (step) {
                    case Append append -> {
                        for (int i = 0; i < append.batches(); i++) {
                            ByteBuffer batch = TestBatches.batch().records(append.recordsPerBatch()).valueSize(40)
                                    .timestamp(time.milliseconds()).seed(stored.size()).build();
                            log.appendAsLeader(batch, 0);
                            stored.add(TestBatches.bytes(batch));
                        }
                    }
                    case RaiseHighWatermark raise -> log.maybeIncrementHighWatermark(
                            log.highWatermark() + (long) Math.ceil(raise.share() * (log.logEndOffset() - log.highWatermark())));
                    case DeleteRecords delete -> {
                        long target = Math.max(log.logStartOffset(), (long) (delete.share() * log.highWatermark()));
                        assertThat(log.deleteRecordsBefore(target)).isEqualTo(Math.max(startBefore, target));
                    }
                    case ApplyRetention ignored -> {
                        log.deleteOldSegments();
                        assertRetentionIsApplied(log, config, time);
                    }
                    case Wait wait -> time.advanceMillis(wait.millis());
                }
                assertThat(log.logStartOffset()).isGreaterThanOrEqualTo(startBefore).isLessThanOrEqualTo(Math.max(startBefore, log.highWatermark()));
                assertThat(log.highWatermark()).isGreaterThanOrEqualTo(highWatermarkBefore).isLessThanOrEqualTo(log.logEndOffset());
                assertServes(log, stored);
            }
            long start = log.logStartOffset();
            log.close();
            long recoveryPoint = log.recoveryPoint();
            log = PartitionLog.open(TestLogs.TP, dir, TestLogs.TOPIC_ID, config, recoveryPoint, start, true, time, flusher, TestLogs.NO_DELAY);
            assertThat(log.logStartOffset()).isEqualTo(start);
            log.maybeIncrementHighWatermark(log.logEndOffset());
            assertServes(log, stored);
        } finally {
            log.close();
            flusher.close();
            TestLogs.deleteRecursively(dir);
        }
    }

    @Provide
    Arbitrary<Long> retentionBytes() {
        return Arbitraries.oneOf(Arbitraries.just(-1L), Arbitraries.longs().between(0, 6_000));
    }

    @Provide
    Arbitrary<Long> retentionMs() {
        return Arbitraries.oneOf(Arbitraries.just(-1L), Arbitraries.longs().between(0, 20_000));
    }

    @Provide
    Arbitrary<Integer> segmentBatches() {
        return Arbitraries.integers().between(1, 4);
    }

    /** The log holds exactly the stored batches whose last offset reaches the log start offset. */
    private static void assertServes(PartitionLog log, List<byte[]> stored) {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (byte[] batch : stored) {
            if (BatchHeader.lastOffset(ByteBuffer.wrap(batch), 0) >= log.logStartOffset()) {
                expected.writeBytes(batch);
            }
        }
        assertThat(TestLogs.readAll(log, log.logStartOffset())).isEqualTo(expected.toByteArray());
    }

    /** After a retention check, the oldest segment is one retention must keep, or one it may not delete yet. */
    private static void assertRetentionIsApplied(PartitionLog log, LogConfig config, ManualTime time) throws IOException {
        if (log.segmentCount() < 2) {
            return;
        }
        LogSegment oldest = log.logSegments().get(0);
        long nextBase = log.logSegments().get(1).baseOffset();
        boolean pinnedByHighWatermark = nextBase > log.highWatermark();
        boolean keptBySize = config.retentionBytes() < 0 || log.sizeInBytes() - oldest.size() < config.retentionBytes();
        boolean keptByTime = config.retentionMs() < 0 || oldest.largestTimestamp() >= time.milliseconds() - config.retentionMs();
        assertThat(nextBase > log.logStartOffset() || pinnedByHighWatermark).isTrue();
        assertThat(pinnedByHighWatermark || keptBySize && keptByTime).isTrue();
    }
}
