package io.vltava.storage.cleaner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vltava.common.time.ManualTime;
import io.vltava.common.topic.TopicPartition;
import io.vltava.storage.checkpoint.OffsetCheckpointFile;
import io.vltava.storage.cleaner.KeyedRecords.Entry;
import io.vltava.storage.log.LogConfig;
import io.vltava.storage.log.LogSegment;
import io.vltava.storage.log.PartitionLog;
import io.vltava.storage.log.TestLogs;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The background cleaner: which logs it cleans, its checkpoint, pausing and stopping. */
class LogCleanerTest {

    private static final LogCleanerConfig CONFIG = new LogCleanerConfig(true, 2, 1024 * 1024, 64 * 1024, Double.MAX_VALUE, 20L);

    @TempDir
    Path logDir;

    private final ManualTime time = new ManualTime();
    private final List<PartitionLog> logs = new CopyOnWriteArrayList<>();
    private final List<CompactedLog> opened = new ArrayList<>();
    private LogCleaner cleaner;

    @BeforeEach
    void setUp() {
        cleaner = new LogCleaner(CONFIG, time, () -> logs);
    }

    @AfterEach
    void tearDown() {
        cleaner.shutdown();
        opened.forEach(CompactedLog::close);
    }

    /** A log of {@code topic} in the log directory, holding three versions of each of 10 keys in inactive segments. */
    private CompactedLog dirtyLog(String topic, LogConfig config) {
        CompactedLog c = new CompactedLog(new TopicPartition(topic, 0), logDir.resolve(topic + "-0"), config, time);
        opened.add(c);
        for (int round = 0; round < 3; round++) {
            for (int key = 0; key < 10; key++) {
                c.put("k" + key, "v" + round);
            }
        }
        c.rollWith("z");
        c.commit();
        logs.add(c.log);
        return c;
    }

    private static long distinctKeysBelow(List<Entry> entries, long offset) {
        return entries.stream().filter(e -> e.offset() < offset).map(Entry::key).distinct().count();
    }

    private static boolean isCompacted(CompactedLog c) {
        List<Entry> below = c.entries().stream().filter(e -> e.offset() < c.activeBase()).toList();
        return below.size() == distinctKeysBelow(below, Long.MAX_VALUE);
    }

    private Map<TopicPartition, Long> checkpoint() throws IOException {
        return new OffsetCheckpointFile(logDir.resolve(CleanerCheckpoint.FILE_NAME)).read();
    }

    @Test
    void cleansDueCompactedLogsInTheBackgroundAndRecordsHowFar() throws IOException {
        CompactedLog orders = dirtyLog("orders", CompactedLog.config(500));
        CompactedLog users = dirtyLog("users", CompactedLog.config(500));

        cleaner.startup();

        await().atMost(Duration.ofSeconds(20)).until(() -> isCompacted(orders) && isCompacted(users)
                && checkpoint().size() == 2);
        assertThat(checkpoint()).containsEntry(orders.log.topicPartition(), orders.activeBase())
                .containsEntry(users.log.topicPartition(), users.activeBase());
    }

    @Test
    void leavesLogsThatAreNotCompactedAlone() throws IOException {
        CompactedLog deleteOnly = dirtyLog("metrics", CompactedLog.config(500).toBuilder().cleanupPolicy(true, false).build());
        CompactedLog compacted = dirtyLog("orders", CompactedLog.config(500));
        List<Entry> before = deleteOnly.entries();

        cleaner.startup();

        await().atMost(Duration.ofSeconds(20)).until(() -> isCompacted(compacted));
        assertThat(deleteOnly.entries()).isEqualTo(before);
        assertThat(checkpoint()).doesNotContainKey(deleteOnly.log.topicPartition());
    }

    @Test
    void compactsLogsThatAreAlsoDeletedByRetention() {
        CompactedLog both = dirtyLog("both", CompactedLog.config(500).toBuilder().cleanupPolicy(true, true).build());

        cleaner.startup();

        await().atMost(Duration.ofSeconds(20)).until(() -> isCompacted(both));
    }

    @Test
    void aPausedLogIsNotCleanedUntilResumed() throws InterruptedException {
        CompactedLog c = dirtyLog("orders", CompactedLog.config(500));
        TopicPartition tp = c.log.topicPartition();
        List<Entry> before = c.entries();
        cleaner.abortAndPause(tp);
        cleaner.abortAndPause(tp);

        cleaner.startup();
        Thread.sleep(200);
        assertThat(c.entries()).isEqualTo(before);

        cleaner.resume(tp);
        Thread.sleep(200);
        assertThat(c.entries()).isEqualTo(before);

        cleaner.resume(tp);
        await().atMost(Duration.ofSeconds(20)).until(() -> isCompacted(c));
    }

    @Test
    void abortingALogForgetsItsCheckpoint() throws IOException {
        CompactedLog c = dirtyLog("orders", CompactedLog.config(500));
        TopicPartition tp = c.log.topicPartition();
        cleaner.startup();
        await().atMost(Duration.ofSeconds(20)).until(() -> checkpoint().containsKey(tp));

        logs.remove(c.log);
        cleaner.abortCleaning(c.log);

        assertThat(checkpoint()).doesNotContainKey(tp);
    }

    @Test
    void abortingALogForgetsACheckpointWrittenBeforeARestart() throws IOException {
        CompactedLog c = dirtyLog("orders", CompactedLog.config(500));
        TopicPartition tp = c.log.topicPartition();
        TopicPartition other = new TopicPartition("users", 0);
        new OffsetCheckpointFile(logDir.resolve(CleanerCheckpoint.FILE_NAME)).write(Map.of(tp, 5L, other, 7L));

        cleaner.abortCleaning(c.log);

        assertThat(checkpoint()).isEqualTo(Map.of(other, 7L));
    }

    @Test
    void startsFromTheCheckpointedOffset() throws Exception {
        CompactedLog c = dirtyLog("orders", CompactedLog.config(500));
        List<Entry> before = c.entries();
        new OffsetCheckpointFile(logDir.resolve(CleanerCheckpoint.FILE_NAME)).write(Map.of(c.log.topicPartition(), c.activeBase()));

        cleaner.startup();
        Thread.sleep(200);

        assertThat(c.entries()).as("nothing is dirty after the checkpointed offset").isEqualTo(before);
    }

    @Test
    void aDisabledCleanerCleansNothing() throws InterruptedException {
        cleaner = new LogCleaner(new LogCleanerConfig(false, 1, 1024 * 1024, 64 * 1024, Double.MAX_VALUE, 20L), time, () -> logs);
        CompactedLog c = dirtyLog("orders", CompactedLog.config(500));
        List<Entry> before = c.entries();

        cleaner.startup();
        Thread.sleep(200);

        assertThat(c.entries()).isEqualTo(before);
    }

    @Test
    void refusesMemoryTooSmallForItsThreads() {
        assertThatThrownBy(() -> new LogCleaner(new LogCleanerConfig(true, 4, 100, 64 * 1024, Double.MAX_VALUE, 20L), time, () -> logs))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("log.cleaner.dedupe.buffer.size");
        assertThatThrownBy(() -> new LogCleaner(new LogCleanerConfig(true, 4, 1024 * 1024, 400, Double.MAX_VALUE, 20L), time, () -> logs))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("log.cleaner.io.buffer.size");
        new LogCleaner(new LogCleanerConfig(false, 4, 100, 400, Double.MAX_VALUE, 20L), time, () -> logs).shutdown();
    }

    @Test
    void shutdownStopsACleaningThatIsThrottled() throws InterruptedException {
        cleaner = new LogCleaner(new LogCleanerConfig(true, 1, 1024 * 1024, 64 * 1024, 1.0, 20L), time, () -> logs);
        CompactedLog c = dirtyLog("orders", CompactedLog.config(500));
        List<Entry> before = c.entries();
        time.advanceMillis(1000);
        cleaner.startup();
        Thread.sleep(200);

        long started = System.nanoTime();
        cleaner.shutdown();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(TestLogs.files(c.dir, LogSegment.CLEANED_SUFFIX)).isEmpty();
        assertThat(c.entries()).isEqualTo(before);
    }
}
