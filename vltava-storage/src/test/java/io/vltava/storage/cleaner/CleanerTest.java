package io.vltava.storage.cleaner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.vltava.common.time.ManualTime;
import io.vltava.storage.TestBatches;
import io.vltava.storage.cleaner.KeyedRecords.Batch;
import io.vltava.storage.cleaner.KeyedRecords.Entry;
import io.vltava.storage.index.AbortedTransaction;
import io.vltava.storage.log.FetchIsolation;
import io.vltava.storage.log.LogConfig;
import io.vltava.storage.log.LogSegment;
import io.vltava.storage.log.TestLogs;
import io.vltava.storage.producer.ProducerStateManager;
import io.vltava.storage.record.BatchHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** One cleaning of one log: what it keeps, what it drops, and what it leaves alone. */
class CleanerTest {

    private static final int MAP_BYTES = 64 * 1024;

    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime();
    private CompactedLog compacted;

    @AfterEach
    void tearDown() {
        if (compacted != null) {
            compacted.close();
        }
    }

    private CompactedLog open(LogConfig config) {
        compacted = new CompactedLog(dir, config, time);
        return compacted;
    }

    private static List<Entry> below(List<Entry> entries, long offset) {
        return entries.stream().filter(e -> e.offset() < offset).toList();
    }

    @Test
    void keepsTheLatestRecordOfEachKeyWithItsOffset() throws IOException {
        CompactedLog c = open(CompactedLog.config(400));
        for (int round = 0; round < 6; round++) {
            for (int key = 0; key < 4; key++) {
                c.put("k" + key, "v" + round);
            }
        }
        c.rollWith("z");
        c.commit();
        long activeBase = c.activeBase();
        long logEnd = c.log.logEndOffset();
        long sizeBefore = c.log.sizeInBytes();

        long next = c.clean(c.cleaner(MAP_BYTES), null);

        assertThat(next).isEqualTo(activeBase);
        assertThat(below(c.entries(), 24)).containsExactly(new Entry(20, "k0", "v5"), new Entry(21, "k1", "v5"), new Entry(22, "k2", "v5"),
                new Entry(23, "k3", "v5"));
        assertThat(c.log.logEndOffset()).isEqualTo(logEnd);
        assertThat(c.log.sizeInBytes()).isLessThan(sizeBefore);
        assertThat(c.activeBase()).isEqualTo(activeBase);
        assertThat(TestLogs.files(dir, LogSegment.CLEANED_SUFFIX)).isEmpty();
        assertThat(TestLogs.files(dir, LogSegment.SWAP_SUFFIX)).isEmpty();
        assertThat(TestLogs.files(dir, LogSegment.DELETED_SUFFIX)).isEmpty();
    }

    @Test
    void mergesSegmentsThatCleaningMadeSmall() throws IOException {
        CompactedLog c = open(CompactedLog.config(400));
        for (int round = 0; round < 10; round++) {
            c.put("a", "v" + round);
            c.put("b", "v" + round);
        }
        c.rollWith("z");
        c.commit();
        Cleaner cleaner = c.cleaner(MAP_BYTES);
        long next = c.clean(cleaner, null);
        List<Entry> cleaned = c.entries();
        int segmentsAfterFirst = c.log.segmentCount();

        c.clean(cleaner, next);

        assertThat(c.log.segmentCount()).isLessThan(segmentsAfterFirst).isEqualTo(2);
        assertThat(c.entries()).isEqualTo(cleaned);
    }

    @Test
    void eachCleanedSegmentStillEndsWhereItsSegmentsEnded() throws IOException {
        CompactedLog c = open(CompactedLog.config(300));
        for (int round = 0; round < 8; round++) {
            c.put("a", "v" + round);
            c.put("b", "v" + round);
        }
        c.rollWith("z");
        c.commit();
        List<LogSegment> before = c.log.logSegments();

        c.clean(c.cleaner(MAP_BYTES), null);

        List<LogSegment> after = c.log.logSegments();
        assertThat(after).extracting(LogSegment::baseOffset).isEqualTo(before.stream().map(LogSegment::baseOffset).toList());
        for (int i = 0; i + 1 < after.size(); i++) {
            assertThat(after.get(i).readNextOffset()).as("end of segment %d", i).isEqualTo(after.get(i + 1).baseOffset());
        }
        assertThat(below(c.entries(), 16)).extracting(Entry::value).containsExactly("v7", "v7");
    }

    @Test
    void readersSeeEveryLatestRecordWhileTheLogIsCleaned() throws Exception {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            compacted = new CompactedLog(TestLogs.TP, dir, CompactedLog.config(400).toBuilder().fileDeleteDelayMs(2_000).build(), time,
                    (task, delayMs) -> scheduler.schedule(task, delayMs, TimeUnit.MILLISECONDS));
            CompactedLog c = compacted;
            for (int round = 0; round < 3; round++) {
                for (int key = 0; key < 20; key++) {
                    c.put("k" + key, "v" + round);
                }
            }
            c.rollWith("z");
            c.commit();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger reads = new AtomicInteger();
            CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
                while (!stop.get()) {
                    Map<String, String> latest = new HashMap<>();
                    long previous = -1;
                    for (Entry entry : c.entries()) {
                        assertThat(entry.offset()).isGreaterThan(previous);
                        previous = entry.offset();
                        latest.put(entry.key(), entry.value());
                    }
                    for (int key = 0; key < 20; key++) {
                        assertThat(latest).containsEntry("k" + key, "v2");
                    }
                    reads.incrementAndGet();
                }
            });
            Cleaner cleaner = c.cleaner(MAP_BYTES);
            for (int i = 0; i < 30 && !reader.isDone(); i++) {
                c.clean(cleaner, null);
            }
            stop.set(true);
            reader.get(30, TimeUnit.SECONDS);
            assertThat(reads.get()).isPositive();
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void readsFromAnOffsetTheCleaningRemovedStartAtTheNextRecord() throws IOException {
        CompactedLog c = open(CompactedLog.config(400));
        c.put("a", "1");
        c.put("b", "1");
        c.put("a", "2");
        c.put("c", "1");
        c.put("a", "3");
        c.rollWith("z");
        c.commit();

        c.clean(c.cleaner(MAP_BYTES), null);

        assertThat(below(c.entries(), 5)).containsExactly(new Entry(1, "b", "1"), new Entry(3, "c", "1"), new Entry(4, "a", "3"));
        byte[] fromGap = TestBatches.bytes(c.log.read(2, Integer.MAX_VALUE, FetchIsolation.LOG_END, true).slice());
        assertThat(BatchHeader.lastOffset(ByteBuffer.wrap(fromGap), 0)).isEqualTo(3);
    }

    @Test
    void leavesTheActiveSegmentAsItIs() throws IOException {
        CompactedLog c = open(CompactedLog.config(400));
        c.put("a", "old");
        c.rollWith("z");
        c.put("a", "new");
        c.put("a", "newer");
        c.commit();
        Path activeFile = TestLogs.files(dir, LogSegment.LOG_SUFFIX).getLast();
        byte[] activeBefore = Files.readAllBytes(activeFile);

        c.clean(c.cleaner(MAP_BYTES), null);

        assertThat(Files.readAllBytes(activeFile)).isEqualTo(activeBefore);
        assertThat(c.entries()).filteredOn(e -> e.key().equals("a")).extracting(Entry::value).containsExactly("old", "new", "newer");
    }

    @Test
    void keepsKeylessRecords() throws IOException {
        CompactedLog c = open(CompactedLog.config(400));
        c.put(null, "no key");
        c.put("a", "1");
        c.put(null, "no key either");
        c.put("a", "2");
        c.rollWith("z");
        c.commit();

        c.clean(c.cleaner(MAP_BYTES), null);

        assertThat(below(c.entries(), 4)).containsExactly(new Entry(0, null, "no key"), new Entry(2, null, "no key either"),
                new Entry(3, "a", "2"));
    }

    @Test
    void keepsTombstonesForDeleteRetentionAfterTheCleaningThatFirstKeptThem() throws IOException {
        CompactedLog c = open(CompactedLog.config(400));
        c.put("a", "1");
        c.put("b", "1");
        c.put("a", null);
        c.rollWith("z");
        c.commit();
        Cleaner cleaner = c.cleaner(MAP_BYTES);

        long next = c.clean(cleaner, null);
        assertThat(below(c.entries(), 3)).containsExactly(new Entry(1, "b", "1"), new Entry(2, "a", null));

        time.advanceMillis(CompactedLog.DAY - 1);
        next = c.clean(cleaner, next);
        assertThat(below(c.entries(), 3)).containsExactly(new Entry(1, "b", "1"), new Entry(2, "a", null));

        time.advanceMillis(1);
        c.clean(cleaner, next);
        assertThat(below(c.entries(), 3)).containsExactly(new Entry(1, "b", "1"));
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = {"GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void cleansCompressedBatchesAndKeepsTheirCodec(CompressionType codec) throws IOException {
        CompactedLog c = open(CompactedLog.config(600));
        long now = time.milliseconds();
        c.append(KeyedRecords.batch(codec, now, "a", "1", "b", "1", "c", "1"));
        c.append(KeyedRecords.batch(codec, now, "a", "2", "b", null, "d", "1"));
        c.append(KeyedRecords.batch(codec, now, "a", "3", "d", "2"));
        c.rollWith("z");
        c.commit();

        c.clean(c.cleaner(MAP_BYTES), null);

        assertThat(below(c.entries(), 8)).containsExactly(new Entry(2, "c", "1"), new Entry(4, "b", null), new Entry(6, "a", "3"),
                new Entry(7, "d", "2"));
        assertThat(KeyedRecords.batches(c.log)).filteredOn(b -> b.baseOffset() < 8)
                .extracting(Batch::baseOffset, Batch::lastOffset, Batch::compression)
                .containsExactly(tuple(0L, 2L, codec), tuple(3L, 5L, codec), tuple(6L, 7L, codec));
    }

    @Test
    void leavesRecordsYoungerThanTheMinimumCompactionLag() throws IOException {
        CompactedLog c = open(CompactedLog.config(400).toBuilder().minCompactionLagMs(60_000).build());
        c.put("a", "1");
        c.put("a", "2");
        c.rollWith("old");
        time.advanceMillis(60_000);
        long youngBase = c.log.logEndOffset();
        c.put("a", "3");
        c.put("a", "4");
        c.rollWith("young");
        time.advanceMillis(30_000);
        c.commit();

        LogToClean toClean = LogToClean.of(c.log, null, time.milliseconds());
        assertThat(toClean.firstUncleanableOffset()).isLessThanOrEqualTo(youngBase);
        c.clean(c.cleaner(MAP_BYTES), null);

        assertThat(c.entries()).filteredOn(e -> e.key().equals("a")).extracting(Entry::value).containsExactly("2", "3", "4");
    }

    @Test
    void aLogIsDueOnlyOnceItsDirtyRatioReachesTheMinimum() throws IOException {
        CompactedLog c = open(CompactedLog.config(400).toBuilder().minCleanableDirtyRatio(0.5).build());
        for (int i = 0; i < 20; i++) {
            c.put("k" + i, "v");
        }
        c.rollWith("z");
        c.commit();
        long next = c.clean(c.cleaner(MAP_BYTES), null);
        assertThat(LogToClean.of(c.log, next, time.milliseconds()).isDue()).isFalse();

        for (int i = 0; i < 3; i++) {
            c.put("k" + i, "w");
        }
        c.rollWith("y");
        c.commit();
        LogToClean little = LogToClean.of(c.log, next, time.milliseconds());
        assertThat(little.cleanableRatio()).isBetween(0.0, 0.5);
        assertThat(little.isDue()).isFalse();

        for (int i = 0; i < 40; i++) {
            c.put("k" + (i % 20), "x");
        }
        c.rollWith("x");
        c.commit();
        LogToClean much = LogToClean.of(c.log, next, time.milliseconds());
        assertThat(much.cleanableRatio()).isGreaterThanOrEqualTo(0.5);
        assertThat(much.isDue()).isTrue();
    }

    @Test
    void aLogWithRecordsOlderThanTheMaximumCompactionLagIsDueWhateverItsRatio() throws IOException {
        CompactedLog c = open(CompactedLog.config(400).toBuilder().minCleanableDirtyRatio(0.99).maxCompactionLagMs(60_000).build());
        for (int i = 0; i < 20; i++) {
            c.put("k" + i, "v");
        }
        c.rollWith("z");
        c.commit();
        long next = c.clean(c.cleaner(MAP_BYTES), null);
        c.put("k0", "w");
        c.rollWith("y");
        c.commit();
        assertThat(LogToClean.of(c.log, next, time.milliseconds()).isDue()).isFalse();

        time.advanceMillis(60_001);
        LogToClean overdue = LogToClean.of(c.log, next, time.milliseconds());
        assertThat(overdue.needCompactionNow()).isTrue();
        assertThat(overdue.isDue()).isTrue();
    }

    @Test
    void neverCleansAtOrAboveTheSegmentHoldingTheHighWatermark() throws IOException {
        CompactedLog c = open(CompactedLog.config(400));
        c.put("a", "1");
        c.put("a", "2");
        c.rollWith("z");
        c.commit();
        long committedBase = c.activeBase();
        c.put("a", "3");
        c.rollWith("y");
        c.log.maybeIncrementHighWatermark(committedBase + 1);

        LogToClean toClean = LogToClean.of(c.log, null, time.milliseconds());
        assertThat(toClean.firstUncleanableOffset()).isEqualTo(committedBase);
        c.clean(c.cleaner(MAP_BYTES), null);

        assertThat(c.entries()).filteredOn(e -> e.key().equals("a")).extracting(Entry::value).containsExactly("2", "3");
    }

    @Test
    void aFullOffsetMapCleansPartOfTheDirtySectionAndTheNextCleaningTheRest() throws IOException {
        CompactedLog c = open(CompactedLog.config(1000));
        for (int round = 0; round < 3; round++) {
            for (int key = 0; key < 30; key++) {
                c.put("k" + key, "v" + round);
            }
        }
        c.rollWith("z");
        c.commit();
        long activeBase = c.activeBase();
        Cleaner cleaner = c.cleaner(12 * OffsetMap.BYTES_PER_ENTRY);

        long next = c.clean(cleaner, null);
        assertThat(next).isGreaterThan(0).isLessThan(activeBase);
        assertThat(below(c.entries(), 90)).filteredOn(e -> e.offset() >= next).hasSize((int) (90 - next));

        int rounds = 1;
        long from = next;
        while (from < activeBase) {
            from = c.clean(cleaner, from);
            rounds++;
        }
        assertThat(rounds).isGreaterThan(2);
        Map<String, String> latest = new HashMap<>();
        for (Entry entry : below(c.entries(), activeBase)) {
            assertThat(latest.put(entry.key(), entry.value())).isNull();
        }
        assertThat(latest).hasSize(31).containsEntry("k0", "v2").containsEntry("k29", "v2");
    }

    @Test
    void keepsTheLastBatchOfAnIdempotentProducerAsAnEmptyBatch() throws IOException {
        CompactedLog c = open(CompactedLog.config(400));
        c.append(KeyedRecords.idempotentBatch(7L, (short) 0, 0, time.milliseconds(), "a", "1"));
        c.append(KeyedRecords.idempotentBatch(7L, (short) 0, 1, time.milliseconds(), "a", "2"));
        c.put("a", "3");
        c.rollWith("z");
        c.commit();

        c.clean(c.cleaner(MAP_BYTES), null);

        assertThat(below(c.entries(), 3)).containsExactly(new Entry(2, "a", "3"));
        assertThat(KeyedRecords.batches(c.log)).filteredOn(b -> b.producerId() == 7L).containsExactly(new Batch(1, 1, 0, CompressionType.NONE, 7L));
        c.log.close();
        for (Path snapshot : TestLogs.files(dir, ProducerStateManager.SNAPSHOT_SUFFIX)) {
            Files.delete(snapshot);
        }
        c.reopen();
        assertThat(c.log.appendAsLeader(KeyedRecords.idempotentBatch(7L, (short) 0, 1, time.milliseconds(), "a", "2"), 0).duplicate())
                .isTrue();
    }

    @Test
    void theResultSurvivesAReopen() throws IOException {
        CompactedLog c = open(CompactedLog.config(400));
        for (int round = 0; round < 5; round++) {
            for (int key = 0; key < 5; key++) {
                c.put("k" + key, round == 4 && key == 2 ? null : "v" + round);
            }
        }
        c.rollWith("z");
        c.commit();
        c.clean(c.cleaner(MAP_BYTES), null);
        List<Entry> cleaned = c.entries();

        c.reopen();

        assertThat(c.entries()).isEqualTo(cleaned);
        c.log.close();
        assertThat(TestLogs.checkIndexesMatchLogs(dir)).isPositive();
        c.reopenAfterCrash();
        assertThat(c.entries()).isEqualTo(cleaned);
    }

    private void transactional(long producerId, String... keysAndValues) {
        SimpleRecord[] records = new SimpleRecord[keysAndValues.length / 2];
        for (int i = 0; i < records.length; i++) {
            records[i] = new SimpleRecord(time.milliseconds(), keysAndValues[2 * i].getBytes(), keysAndValues[2 * i + 1].getBytes());
        }
        compacted.append(MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, (short) 0, 0, records).buffer());
    }

    private void marker(long producerId, boolean commit) {
        compacted.log.appendTransactionMarker(producerId, (short) 0, 0, commit, 0);
    }

    private List<String> valuesOf(String key) {
        return compacted.entries().stream().filter(e -> key.equals(e.key())).map(Entry::value).toList();
    }

    @Test
    void abortedRecordsAreDroppedWithoutHidingTheCommittedOnesAndOpenTransactionsAreLeftAlone() throws IOException {
        open(CompactedLog.config(400));
        transactional(1L, "k", "committed");
        marker(1L, true);
        transactional(2L, "k", "aborted", "j", "aborted-j");
        marker(2L, false);
        compacted.rollWith("z");
        transactional(3L, "k", "open");
        compacted.rollWith("y");
        compacted.commit();

        List<AbortedTransaction> aborted = compacted.log.collectAbortedTransactions(0, Long.MAX_VALUE);

        compacted.clean(compacted.cleaner(64 * 1024), null);

        assertThat(compacted.log.collectAbortedTransactions(0, Long.MAX_VALUE)).as("the cleaned segment keeps the index").isEqualTo(aborted)
                .hasSize(1);
        compacted.reopen();
        compacted.commit();
        assertThat(compacted.log.collectAbortedTransactions(0, Long.MAX_VALUE)).isEqualTo(aborted);
        assertThat(valuesOf("k")).containsExactly("committed", "open");
        assertThat(valuesOf("j")).isEmpty();
        assertThat(compacted.log.lastStableOffset()).isEqualTo(compacted.entries().stream()
                .filter(e -> "open".equals(e.value())).findFirst().orElseThrow().offset());
    }
}
