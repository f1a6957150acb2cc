package io.vltava.storage.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.common.time.ManualTime;
import io.vltava.storage.TestBatches;
import io.vltava.storage.epoch.LeaderEpochCache;
import java.io.IOException;
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

/** Creating the log of a partition new to the broker, and what a crash during or after it leaves. */
class PartitionLogCreateTest {

    @TempDir
    Path root;

    private final ManualTime time = new ManualTime();
    private final List<PartitionLog> logs = new ArrayList<>();
    private LogFlusher flusher;
    private Path dir;

    @BeforeEach
    void setUp() {
        flusher = new LogFlusher("test-flusher");
        dir = root.resolve(TestLogs.TP.toString());
    }

    @AfterEach
    void tearDown() {
        logs.forEach(PartitionLog::close);
        flusher.close();
    }

    private PartitionLog create(LogConfig config) {
        PartitionLog log = PartitionLog.create(TestLogs.TP, dir, TestLogs.TOPIC_ID, config, time, flusher, TestLogs.NO_DELAY);
        logs.add(log);
        return log;
    }

    private PartitionLog openAfterCrash() {
        PartitionLog log = TestLogs.openAfterCrash(dir, TestLogs.CONFIG, time, flusher);
        logs.add(log);
        return log;
    }

    private static ByteBuffer batch(long seed) {
        return TestBatches.batch().records(3).valueSize(40).seed(seed).build();
    }

    @Test
    void createMakesAnEmptyLogThatTakesAppends() throws IOException {
        PartitionLog log = create(TestLogs.CONFIG);

        assertThat(PartitionMetadataFile.read(dir)).contains(TestLogs.TOPIC_ID);
        assertThat(TestLogs.files(dir, LogSegment.LOG_SUFFIX)).hasSize(1);
        assertThat(log.logStartOffset()).isZero();
        assertThat(log.logEndOffset()).isZero();
        assertThat(log.highWatermark()).isZero();
        assertThat(log.recoveryPoint()).isZero();
        assertThat(log.latestEpoch()).isEqualTo(LeaderEpochCache.UNDEFINED_EPOCH);

        ByteBuffer appended = batch(0);
        log.appendAsLeader(appended, 0);

        assertThat(log.logEndOffset()).isEqualTo(3);
        assertThat(TestLogs.readAll(log, 0)).isEqualTo(TestBatches.bytes(appended));
    }

    @Test
    void theLeaderEpochsOfANewLogAreWrittenBeforeItsFirstDataIsFlushed() {
        PartitionLog log = create(TestLogs.CONFIG.toBuilder().flushMessages(1).build());
        log.assignEpochStartOffset(0);
        assertThat(dir.resolve(LeaderEpochCache.FILE_NAME)).as("no file for an epoch nothing was written in yet").doesNotExist();

        log.appendAsLeader(batch(0), 0).durable().join();

        assertThat(log.recoveryPoint()).isEqualTo(3);
        assertThat(LeaderEpochCache.load(dir).latestEpoch()).isZero();
    }

    @Test
    void closeMakesANewLogWholeOnDisk() {
        PartitionLog log = create(TestLogs.CONFIG);
        log.assignEpochStartOffset(2);

        assertThat(log.close()).isTrue();

        assertThat(LeaderEpochCache.load(dir).latestEpoch()).isEqualTo(2);
        PartitionLog reopened = TestLogs.open(dir, TestLogs.CONFIG, time, flusher);
        logs.add(reopened);
        assertThat(reopened.logEndOffset()).isZero();
        assertThat(reopened.latestEpoch()).isEqualTo(2);
    }

    @Test
    void anEmptyLogHasNoIndexFilesAndOneWithRecordsGetsThemAtClose() {
        PartitionLog log = create(TestLogs.CONFIG);
        log.close();
        assertThat(TestLogs.files(dir, LogSegment.INDEX_SUFFIX)).isEmpty();
        assertThat(TestLogs.files(dir, LogSegment.TIME_INDEX_SUFFIX)).isEmpty();

        PartitionLog reopened = TestLogs.open(dir, TestLogs.CONFIG, time, flusher);
        logs.add(reopened);
        assertThat(TestLogs.files(dir, LogSegment.INDEX_SUFFIX)).as("an empty segment needs none").isEmpty();
        ByteBuffer small = batch(0);
        reopened.appendAsLeader(small, 0);
        reopened.close();

        assertThat(TestLogs.files(dir, LogSegment.INDEX_SUFFIX)).hasSize(1);
        assertThat(TestLogs.files(dir, LogSegment.TIME_INDEX_SUFFIX)).hasSize(1);
        PartitionLog again = TestLogs.open(dir, TestLogs.CONFIG, time, flusher);
        logs.add(again);
        assertThat(TestLogs.readAll(again, 0)).isEqualTo(TestBatches.bytes(small));
        assertThat(again.batchWithMaxTimestamp()).isNotNull();
    }

    @Test
    void aCrashRightAfterCreationLeavesALogThatLoads() {
        PartitionLog log = create(TestLogs.CONFIG);
        log.assignEpochStartOffset(0);
        log.appendAsLeader(batch(0), 0);
        log.closeWithoutFlush();

        PartitionLog recovered = openAfterCrash();

        assertThat(recovered.logEndOffset()).isEqualTo(3);
        assertThat(recovered.latestEpoch()).as("rebuilt from the batches").isZero();
        assertThat(recovered.recoveryPoint()).isEqualTo(3);
        assertThat(LeaderEpochCache.load(dir).latestEpoch()).as("written before the recovered data was fsynced").isZero();
    }

    @Test
    void aDirectoryACrashLeftBehindIsRecoveredByCreate() throws IOException {
        PartitionLog first = create(TestLogs.CONFIG);
        ByteBuffer kept = batch(0);
        first.appendAsLeader(kept, 0);
        first.closeWithoutFlush();
        logs.remove(first);
        try (FileChannel channel = FileChannel.open(TestLogs.files(dir, LogSegment.LOG_SUFFIX).get(0), StandardOpenOption.APPEND)) {
            channel.write(ByteBuffer.wrap(new byte[] {7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7}));
        }

        PartitionLog again = create(TestLogs.CONFIG);

        assertThat(again.logEndOffset()).isEqualTo(3);
        assertThat(TestLogs.readAll(again, 0)).as("the torn tail is cut off").isEqualTo(TestBatches.bytes(kept));
        assertThat(again.recoveryPoint()).isEqualTo(3);
    }

    @Test
    void holdsNoRecordsTellsAnInterruptedCreationFromALogWithData() throws IOException {
        PartitionLog log = create(TestLogs.CONFIG);
        log.closeWithoutFlush();
        Files.delete(dir.resolve(PartitionMetadataFile.FILE_NAME));

        assertThat(PartitionLog.holdsNoRecords(dir)).isTrue();

        Files.write(TestLogs.files(dir, LogSegment.LOG_SUFFIX).get(0), new byte[] {1});
        assertThat(PartitionLog.holdsNoRecords(dir)).isFalse();
    }
}
