package io.vltava.storage.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.common.time.ManualTime;
import io.vltava.storage.TestBatches;
import io.vltava.storage.index.TimeIndex;
import io.vltava.storage.record.BatchHeader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rolling the active segment by age ({@code segment.ms}) and when its time index is full. */
class PartitionLogRollTest {

    private static final long SEGMENT_MS = 1_000L;
    private static final LogConfig CONFIG = TestLogs.CONFIG.toBuilder().segmentMs(SEGMENT_MS).build();

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
        log.close();
        flusher.close();
    }

    private void append(long timestamp) {
        log.appendAsLeader(TestBatches.batch().records(1).timestamp(timestamp).seed(log.logEndOffset()).build(), 0);
    }

    @Test
    void rollsOnceTheNewBatchesAreMoreThanSegmentMsNewerThanTheFirstBatch() {
        log = TestLogs.open(dir, CONFIG, time, flusher);
        append(10_000L);
        append(10_500L);
        append(11_000L);
        assertThat(log.segmentCount()).as("waited exactly segment.ms").isEqualTo(1);

        append(11_001L);
        assertThat(log.segmentCount()).isEqualTo(2);
        assertThat(TestLogs.files(dir, LogSegment.LOG_SUFFIX)).last().isEqualTo(dir.resolve(LogSegment.fileName(3, LogSegment.LOG_SUFFIX)));

        append(12_001L);
        assertThat(log.segmentCount()).isEqualTo(2);
        append(12_002L);
        assertThat(log.segmentCount()).isEqualTo(3);
    }

    @Test
    void recordTimestampsDecideNotTheClock() {
        log = TestLogs.open(dir, CONFIG, time, flusher);
        append(10_000L);
        time.advanceMillis(100 * SEGMENT_MS);

        append(10_001L);

        assertThat(log.segmentCount()).isEqualTo(1);
    }

    @Test
    void withLogAppendTimeTheClockDecides() {
        log = TestLogs.open(dir, CONFIG.withTimestampType(TimestampType.LOG_APPEND_TIME), time, flusher);
        append(10_000L);
        time.advanceMillis(SEGMENT_MS);
        append(10_000L);
        assertThat(log.segmentCount()).isEqualTo(1);

        time.advanceMillis(1L);
        append(10_000L);

        assertThat(log.segmentCount()).isEqualTo(2);
    }

    @Test
    void batchesWithoutTimestampsRollByTheAgeOfTheSegment() {
        log = TestLogs.open(dir, CONFIG, time, flusher);
        append(BatchHeader.NO_TIMESTAMP);
        time.advanceMillis(SEGMENT_MS);
        append(BatchHeader.NO_TIMESTAMP);
        assertThat(log.segmentCount()).isEqualTo(1);

        time.advanceMillis(1L);
        append(BatchHeader.NO_TIMESTAMP);

        assertThat(log.segmentCount()).isEqualTo(2);
    }

    @Test
    void anEmptyActiveSegmentNeverRollsByAge() {
        log = TestLogs.open(dir, CONFIG, time, flusher);
        time.advanceMillis(100 * SEGMENT_MS);

        append(BatchHeader.NO_TIMESTAMP);

        assertThat(log.segmentCount()).isEqualTo(1);
    }

    @Test
    void aReopenedSegmentIsAgedFromItsFirstBatch() {
        log = TestLogs.open(dir, CONFIG, time, flusher);
        append(10_000L);
        append(10_400L);
        log.close();
        log = PartitionLog.open(TestLogs.TP, dir, TestLogs.TOPIC_ID, CONFIG, log.recoveryPoint(), 0L, true, time, flusher, TestLogs.NO_DELAY);

        append(11_000L);
        assertThat(log.segmentCount()).isEqualTo(1);
        append(11_001L);

        assertThat(log.segmentCount()).isEqualTo(2);
    }

    @Test
    void rollsWhenTheTimeIndexIsFull() throws IOException {
        // Room for three time index entries, the last one kept for the roll, and an index entry after every
        // batch but the first: the third batch fills the time index and the fourth goes into a new segment.
        LogConfig config = CONFIG.toBuilder().segmentMs(Long.MAX_VALUE).segmentIndexBytes(3 * TimeIndex.ENTRY_SIZE).indexIntervalBytes(1)
                .build();
        log = TestLogs.open(dir, config, time, flusher);
        for (int i = 0; i < 9; i++) {
            append(1_000L + i);
        }

        assertThat(log.segmentCount()).isEqualTo(3);
        log.close();
        for (Path timeIndex : TestLogs.files(dir, LogSegment.TIME_INDEX_SUFFIX)) {
            assertThat(Files.size(timeIndex)).as("%s", timeIndex).isEqualTo(2L * TimeIndex.ENTRY_SIZE);
        }
        assertThat(TestLogs.checkTimeIndexesMatchLogs(dir)).isEqualTo(6);
        TestLogs.checkIndexesMatchLogs(dir);
    }
}
