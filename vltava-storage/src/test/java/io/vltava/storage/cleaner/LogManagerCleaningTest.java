package io.vltava.storage.cleaner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vltava.common.time.ManualTime;
import io.vltava.common.topic.TopicPartition;
import io.vltava.storage.LogManager;
import io.vltava.storage.LogManagerConfig;
import io.vltava.storage.checkpoint.OffsetCheckpointFile;
import io.vltava.storage.cleaner.KeyedRecords.Entry;
import io.vltava.storage.log.LogConfig;
import io.vltava.storage.log.PartitionLog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.record.internal.CompressionType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log manager runs the cleaner over its compacted logs and stops it for a deleted log and at shutdown. */
class LogManagerCleaningTest {

    private static final long HOUR = 3_600_000L;

    @TempDir
    Path logDir;

    private final ManualTime time = new ManualTime();

    @Test
    void theLogManagerCompactsItsCompactedLogs() throws Exception {
        LogCleanerConfig cleanerConfig = new LogCleanerConfig(true, 1, 1024 * 1024, 64 * 1024, Double.MAX_VALUE, 20L);
        LogManagerConfig config = new LogManagerConfig(List.of(logDir), HOUR, Long.MAX_VALUE, HOUR, HOUR, HOUR, cleanerConfig, 0L, HOUR);
        LogConfig compacted = CompactedLog.config(500);
        TopicPartition tp = new TopicPartition("orders", 0);
        try (LogManager manager = LogManager.open(config, topic -> compacted, time)) {
            PartitionLog log = manager.getOrCreateLog(tp, UUID.randomUUID(), compacted);
            for (int round = 0; round < 3; round++) {
                for (int key = 0; key < 10; key++) {
                    log.appendAsLeader(KeyedRecords.batch(CompressionType.NONE, time.milliseconds(), "k" + key, "v" + round), 0);
                }
            }
            int segments = log.segmentCount();
            while (log.segmentCount() == segments) {
                log.appendAsLeader(KeyedRecords.batch(CompressionType.NONE, time.milliseconds(), "z", "filler"), 0);
            }
            // The cleaner stays below the high watermark and the recovery point. Raising the high watermark
            // only once the rolls' flushes moved the recovery point to the active segment lets one cleaning
            // cover every segment with "k" keys: one that ran earlier might leave too few dirty bytes for another.
            long activeBase = log.logSegments().get(log.segmentCount() - 1).baseOffset();
            await().atMost(Duration.ofSeconds(60)).until(() -> log.recoveryPoint() >= activeBase);
            log.maybeIncrementHighWatermark(log.logEndOffset());

            await().atMost(Duration.ofSeconds(60)).until(() -> {
                List<Entry> entries = KeyedRecords.entries(log);
                return entries.stream().filter(e -> e.key().startsWith("k")).count() == 10;
            });
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> new OffsetCheckpointFile(logDir.resolve(CleanerCheckpoint.FILE_NAME)).read().containsKey(tp));

            manager.deleteLog(tp);

            assertThat(new OffsetCheckpointFile(logDir.resolve(CleanerCheckpoint.FILE_NAME)).read()).doesNotContainKey(tp);
        }
    }
}
