package io.vltava.storage.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vltava.common.time.ManualTime;
import io.vltava.common.topic.TopicPartition;
import io.vltava.storage.TestBatches;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Durability: the flush policy, the group commit and the recovery point. */
class LogFlusherTest {

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

    private static LogConfig withFlushMs(LogConfig config, long flushMs) {
        return config.toBuilder().flushMs(flushMs).build();
    }

    @Test
    void withTheDefaultPolicyAppendsAreDurableAtOnceWithoutAFlush() {
        log = TestLogs.open(dir, TestLogs.CONFIG, time, flusher);

        LogAppendInfo info = log.appendAsLeader(TestBatches.plain(3), 0);

        assertThat(info.durable()).isCompleted();
        assertThat(log.recoveryPoint()).isZero();
    }

    @Test
    void withFlushMessagesOneEveryAppendIsFsyncedBeforeItsFutureCompletes() throws Exception {
        log = TestLogs.open(dir, TestLogs.CONFIG.withFlushMessages(1), time, flusher);

        for (int i = 1; i <= 5; i++) {
            LogAppendInfo info = log.appendAsLeader(TestBatches.plain(2), 0);
            info.durable().get(10, TimeUnit.SECONDS);
            assertThat(log.recoveryPoint()).isEqualTo(log.logEndOffset()).isEqualTo(2L * i);
        }
    }

    @Test
    void flushMessagesCountsTheRecordsSinceTheRecoveryPoint() throws Exception {
        log = TestLogs.open(dir, TestLogs.CONFIG.withFlushMessages(5), time, flusher);

        assertThat(log.appendAsLeader(TestBatches.plain(2), 0).durable()).isCompleted();
        assertThat(log.appendAsLeader(TestBatches.plain(2), 0).durable()).isCompleted();
        assertThat(log.recoveryPoint()).isZero();

        LogAppendInfo fifth = log.appendAsLeader(TestBatches.plain(1), 0);
        fifth.durable().get(10, TimeUnit.SECONDS);

        assertThat(log.recoveryPoint()).isEqualTo(5);
        assertThat(log.appendAsLeader(TestBatches.plain(4), 0).durable()).isCompleted();
    }

    @Test
    void aRetryIsDurableOnceTheOriginalIs() throws Exception {
        log = TestLogs.open(dir, TestLogs.CONFIG.withFlushMessages(1), time, flusher);
        LogAppendInfo original = log.appendAsLeader(TestBatches.idempotent(9L, (short) 0, 0, 3), 0);
        original.durable().get(10, TimeUnit.SECONDS);

        LogAppendInfo retry = log.appendAsLeader(TestBatches.idempotent(9L, (short) 0, 0, 3), 0);

        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.durable()).isCompleted();
    }

    @Test
    void theGroupCommitCompletesManyConcurrentAppends() throws Exception {
        log = TestLogs.open(dir, TestLogs.CONFIG.withFlushMessages(1), time, flusher);
        int threads = 8;
        int appendsPerThread = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<LogAppendInfo>>> results = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    List<LogAppendInfo> infos = new ArrayList<>();
                    for (int i = 0; i < appendsPerThread; i++) {
                        infos.add(log.appendAsLeader(TestBatches.plain(2), 0));
                    }
                    return infos;
                }));
            }
            start.countDown();
            List<LogAppendInfo> all = new ArrayList<>();
            for (Future<List<LogAppendInfo>> result : results) {
                all.addAll(result.get(30, TimeUnit.SECONDS));
            }

            CompletableFuture.allOf(all.stream().map(LogAppendInfo::durable).toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

            assertThat(log.logEndOffset()).isEqualTo(2L * threads * appendsPerThread);
            assertThat(log.recoveryPoint()).isEqualTo(log.logEndOffset());
            Set<Long> firstOffsets = new TreeSet<>();
            for (LogAppendInfo info : all) {
                firstOffsets.add(info.firstOffset());
                assertThat(info.lastOffset()).isEqualTo(info.firstOffset() + 1);
            }
            assertThat(firstOffsets).hasSize(threads * appendsPerThread);
            assertThat(firstOffsets.stream().mapToLong(Long::longValue).max().orElseThrow()).isEqualTo(log.logEndOffset() - 2);
            long distinctRounds = all.stream().map(LogAppendInfo::durable).distinct().count();
            assertThat(distinctRounds).as("fsync rounds shared by the appends").isLessThanOrEqualTo(all.size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void oneRoundServesSeveralLogs() throws Exception {
        log = TestLogs.open(dir.resolve("a-0"), TestLogs.CONFIG.withFlushMessages(1), time, flusher);
        PartitionLog other = PartitionLog.open(new TopicPartition("b", 0), dir.resolve("b-0"), UUID.randomUUID(),
                TestLogs.CONFIG.withFlushMessages(1), 0L, 0L, true, time, flusher, TestLogs.NO_DELAY);
        try {
            LogAppendInfo a = log.appendAsLeader(TestBatches.plain(1), 0);
            LogAppendInfo b = other.appendAsLeader(TestBatches.plain(3), 0);

            CompletableFuture.allOf(a.durable(), b.durable()).get(10, TimeUnit.SECONDS);

            assertThat(log.recoveryPoint()).isEqualTo(1);
            assertThat(other.recoveryPoint()).isEqualTo(3);
        } finally {
            other.close();
        }
    }

    @Test
    void aRollFlushesTheSegmentsBeforeTheNewOne() {
        int batchSize = TestBatches.plain(2).remaining();
        log = TestLogs.open(dir, TestLogs.CONFIG.withSegmentBytes(2 * batchSize), time, flusher);

        for (int i = 0; i < 5; i++) {
            log.appendAsLeader(TestBatches.plain(2), 0);
        }

        assertThat(log.segmentCount()).isEqualTo(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> log.recoveryPoint() == 8);
    }

    @Test
    void dataOlderThanFlushMsIsFlushed() {
        log = TestLogs.open(dir, withFlushMs(TestLogs.CONFIG, 1000), time, flusher);
        log.appendAsLeader(TestBatches.plain(4), 0);

        long opened = time.milliseconds();

        log.maybeFlushByTime(opened + 999);
        assertThat(log.recoveryPoint()).isZero();

        log.maybeFlushByTime(opened + 1000);
        await().atMost(Duration.ofSeconds(10)).until(() -> log.recoveryPoint() == 4);
    }

    @Test
    void closeFlushesEverything() {
        log = TestLogs.open(dir, TestLogs.CONFIG, time, flusher);
        log.appendAsLeader(TestBatches.plain(4), 0);
        assertThat(log.recoveryPoint()).isZero();

        log.close();

        assertThat(log.recoveryPoint()).isEqualTo(4);
    }

    @Test
    void closingALogWhileTheFlusherFsyncsItFailsNoAppend() throws Exception {
        // Deleting a log closes it without a flush, possibly while the flusher is fsyncing it. That
        // must not fail the round: its futures also serve the appends of every other log.
        log = TestLogs.open(dir.resolve("durable-0"), TestLogs.CONFIG.withFlushMessages(1), time, flusher);
        int batchSize = TestBatches.plain(1).remaining();
        LogConfig rollEveryBatch = TestLogs.CONFIG.withSegmentBytes(batchSize).withFlushMessages(1);
        for (int i = 0; i < 50; i++) {
            PartitionLog deleted = PartitionLog.open(new TopicPartition("deleted", i), dir.resolve("deleted-" + i), UUID.randomUUID(),
                    rollEveryBatch, 0L, 0L, true, time, flusher, TestLogs.NO_DELAY);
            List<CompletableFuture<Void>> futures = new ArrayList<>();
            for (int b = 0; b < 5; b++) {
                futures.add(deleted.appendAsLeader(TestBatches.plain(1), 0).durable());
            }
            futures.add(log.appendAsLeader(TestBatches.plain(1), 0).durable());
            deleted.closeWithoutFlush();

            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        }
        assertThat(log.recoveryPoint()).isEqualTo(50);
    }

    @Test
    void closeServesTheRequestsAlreadyMade() {
        log = TestLogs.open(dir.resolve("a-0"), TestLogs.CONFIG.withFlushMessages(1), time, flusher);
        PartitionLog other = PartitionLog.open(new TopicPartition("b", 0), dir.resolve("b-0"), UUID.randomUUID(),
                TestLogs.CONFIG.withFlushMessages(1), 0L, 0L, true, time, flusher, TestLogs.NO_DELAY);
        try {
            List<CompletableFuture<Void>> futures = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                futures.add(log.appendAsLeader(TestBatches.plain(1), 0).durable());
                futures.add(other.appendAsLeader(TestBatches.plain(2), 0).durable());
            }

            flusher.close();

            assertThat(futures).allSatisfy(future -> assertThat(future).isCompleted());
            assertThat(log.recoveryPoint()).isEqualTo(20);
            assertThat(other.recoveryPoint()).isEqualTo(40);
        } finally {
            other.close();
        }
    }

    @Test
    void aClosedFlusherFailsNewRequests() {
        log = TestLogs.open(dir, TestLogs.CONFIG.withFlushMessages(1), time, flusher);
        flusher.close();

        LogAppendInfo info = log.appendAsLeader(TestBatches.plain(1), 0);

        assertThat(info.durable()).isCompletedExceptionally();
        assertThat(log.logEndOffset()).isEqualTo(1);
    }

    @Test
    void theHighWatermarkMayReachTheLogEndWhenNoFsyncIsForced() {
        log = TestLogs.open(dir, TestLogs.CONFIG, time, flusher);

        log.appendAsLeader(TestBatches.plain(3), 0);

        assertThat(log.highWatermarkLimit()).isEqualTo(3);
    }

    @Test
    void theHighWatermarkWaitsForAForcedFsync() throws Exception {
        log = TestLogs.open(dir, TestLogs.CONFIG.withFlushMessages(1), time, flusher);

        LogAppendInfo info = log.appendAsLeader(TestBatches.plain(3), 0);
        info.durable().get(10, TimeUnit.SECONDS);

        assertThat(log.highWatermarkLimit()).isEqualTo(3);
    }

    @Test
    void recordsWhoseForcedFsyncFailedNeverBecomeVisible() {
        log = TestLogs.open(dir, TestLogs.CONFIG.withFlushMessages(1), time, flusher);
        log.appendAsLeader(TestBatches.plain(2), 0).durable().join();
        flusher.close();

        LogAppendInfo info = log.appendAsLeader(TestBatches.plain(3), 0);

        assertThat(info.durable()).isCompletedExceptionally();
        assertThat(log.logEndOffset()).isEqualTo(5);
        assertThat(log.highWatermarkLimit()).isEqualTo(2);
    }
}
