package io.vltava.storage.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vltava.common.time.ManualTime;
import io.vltava.storage.TestBatches;
import io.vltava.storage.producer.ProducerStateManager;
import io.vltava.storage.record.BatchHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Idempotent producers through the log: retries are answered, gaps and fenced epochs refused. */
class PartitionLogProducerTest {

    private static final long PID = 4242L;
    private static final short EPOCH = 1;

    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime();
    private LogFlusher flusher;
    private PartitionLog log;

    @BeforeEach
    void setUp() {
        flusher = new LogFlusher("test-flusher");
        log = TestLogs.open(dir, TestLogs.CONFIG, time, flusher);
    }

    @AfterEach
    void tearDown() {
        log.close();
        flusher.close();
    }

    private static ByteBuffer batch(long producerId, short epoch, int firstSequence, int records) {
        return TestBatches.batch().records(records).timestamp(7000L + firstSequence).producer(producerId, epoch, firstSequence).build();
    }

    private LogAppendInfo append(long producerId, short epoch, int firstSequence, int records) {
        return log.appendAsLeader(batch(producerId, epoch, firstSequence, records), 0);
    }

    private AppendError refusal(long producerId, short epoch, int firstSequence, int records) {
        long logEnd = log.logEndOffset();
        long size = log.sizeInBytes();
        try {
            append(producerId, epoch, firstSequence, records);
        } catch (LogAppendException e) {
            assertThat(log.logEndOffset()).as("nothing was written").isEqualTo(logEnd);
            assertThat(log.sizeInBytes()).as("nothing was written").isEqualTo(size);
            return e.error();
        }
        throw new AssertionError("The append was not refused");
    }

    @Test
    void aRetriedBatchIsAnsweredWithItsOriginalOffsetsAndNotWrittenAgain() {
        log.appendAsLeader(TestBatches.plain(3), 0);
        LogAppendInfo original = append(PID, EPOCH, 0, 5);
        log.appendAsLeader(TestBatches.plain(2), 0);
        long logEnd = log.logEndOffset();
        long size = log.sizeInBytes();

        LogAppendInfo retry = append(PID, EPOCH, 0, 5);

        assertThat(original.duplicate()).isFalse();
        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.firstOffset()).isEqualTo(3);
        assertThat(retry.lastOffset()).isEqualTo(7);
        assertThat(retry.firstOffset()).isEqualTo(original.firstOffset());
        assertThat(retry.lastOffset()).isEqualTo(original.lastOffset());
        assertThat(retry.logAppendTime()).as("the stored batch's max timestamp").isEqualTo(7004L);
        assertThat(retry.durable()).isDone();
        assertThat(log.logEndOffset()).isEqualTo(logEnd);
        assertThat(log.sizeInBytes()).isEqualTo(size);
    }

    @Test
    void anyOfTheLastFiveBatchesIsRecognisedAsARetry() {
        for (int i = 0; i < 5; i++) {
            append(PID, EPOCH, 2 * i, 2);
        }

        for (int i = 0; i < 5; i++) {
            LogAppendInfo retry = append(PID, EPOCH, 2 * i, 2);
            assertThat(retry.duplicate()).isTrue();
            assertThat(retry.firstOffset()).isEqualTo(2L * i);
        }
        assertThat(log.logEndOffset()).isEqualTo(10);
    }

    @Test
    void aSequenceGapIsRefused() {
        append(PID, EPOCH, 0, 5);

        assertThat(refusal(PID, EPOCH, 6, 1)).isEqualTo(AppendError.OUT_OF_ORDER_SEQUENCE);
        assertThat(refusal(PID, EPOCH, 4, 3)).isEqualTo(AppendError.OUT_OF_ORDER_SEQUENCE);
        assertThat(append(PID, EPOCH, 5, 1).firstOffset()).isEqualTo(5);
    }

    @Test
    void anOlderEpochIsRefused() {
        append(PID, EPOCH, 0, 5);

        assertThat(refusal(PID, (short) (EPOCH - 1), 5, 1)).isEqualTo(AppendError.INVALID_PRODUCER_EPOCH);
        assertThat(refusal(PID, (short) (EPOCH - 1), 0, 5)).isEqualTo(AppendError.INVALID_PRODUCER_EPOCH);
    }

    @Test
    void aNewEpochMustStartAtSequenceZero() {
        append(PID, EPOCH, 0, 5);

        assertThat(refusal(PID, (short) (EPOCH + 1), 5, 1)).isEqualTo(AppendError.OUT_OF_ORDER_SEQUENCE);
        LogAppendInfo bumped = append(PID, (short) (EPOCH + 1), 0, 2);
        assertThat(bumped.duplicate()).isFalse();
        assertThat(bumped.firstOffset()).isEqualTo(5);
        assertThat(refusal(PID, EPOCH, 5, 1)).as("the old epoch is fenced").isEqualTo(AppendError.INVALID_PRODUCER_EPOCH);
        assertThat(append(PID, (short) (EPOCH + 1), 2, 1).firstOffset()).isEqualTo(7);
    }

    @Test
    void anUnknownProducerIsAcceptedAtAnySequence() {
        LogAppendInfo first = append(PID, EPOCH, 1_000_000, 3);
        LogAppendInfo other = append(PID + 1, (short) 0, 17, 1);

        assertThat(first.duplicate()).isFalse();
        assertThat(other.duplicate()).isFalse();
        assertThat(append(PID, EPOCH, 1_000_003, 1).firstOffset()).isEqualTo(4);
        assertThat(refusal(PID + 1, (short) 0, 19, 1)).isEqualTo(AppendError.OUT_OF_ORDER_SEQUENCE);
    }

    @Test
    void sequencesWrapAroundAtIntegerMaxValue() {
        append(PID, EPOCH, Integer.MAX_VALUE - 2, 3);

        assertThat(refusal(PID, EPOCH, 1, 1)).isEqualTo(AppendError.OUT_OF_ORDER_SEQUENCE);
        LogAppendInfo afterWrap = append(PID, EPOCH, 0, 2);
        assertThat(afterWrap.duplicate()).isFalse();
        assertThat(afterWrap.firstOffset()).isEqualTo(3);
        assertThat(append(PID, EPOCH, 0, 2).duplicate()).isTrue();
        assertThat(append(PID, EPOCH, 2, 1).firstOffset()).isEqualTo(5);
    }

    @Test
    void aBatchWhoseSequencesWrapInsideItIsRecognisedOnRetry() {
        LogAppendInfo wrapping = append(PID, EPOCH, Integer.MAX_VALUE - 1, 4);

        LogAppendInfo retry = append(PID, EPOCH, Integer.MAX_VALUE - 1, 4);

        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.firstOffset()).isEqualTo(wrapping.firstOffset());
        assertThat(append(PID, EPOCH, 2, 1).duplicate()).isFalse();
    }

    @Test
    void aRetriedBatchSentTogetherWithOtherBatchesIsRefused() {
        append(PID, EPOCH, 0, 2);

        ByteBuffer both = TestBatches.concat(batch(PID, EPOCH, 0, 2), TestBatches.plain(1));

        assertThatThrownBy(() -> log.appendAsLeader(both, 0)).isInstanceOfSatisfying(LogAppendException.class,
                e -> assertThat(e.error()).isEqualTo(AppendError.OUT_OF_ORDER_SEQUENCE));
        assertThat(log.logEndOffset()).isEqualTo(2);
    }

    @Test
    void batchesWithoutAProducerAreNeverDuplicates() {
        ByteBuffer plain = TestBatches.plain(2);
        byte[] bytes = TestBatches.bytes(plain);

        log.appendAsLeader(plain, 0);
        LogAppendInfo again = log.appendAsLeader(ByteBuffer.wrap(bytes.clone()), 0);

        assertThat(again.duplicate()).isFalse();
        assertThat(again.firstOffset()).isEqualTo(2);
    }

    @Test
    void theStateSurvivesACleanReopenThroughTheSnapshot() {
        append(PID, EPOCH, 0, 3);
        append(PID, EPOCH, 3, 3);
        log.close();
        assertThat(dir.resolve(String.format("%020d%s", 6, ProducerStateManager.SNAPSHOT_SUFFIX))).exists();

        log = PartitionLog.open(TestLogs.TP, dir, TestLogs.TOPIC_ID, TestLogs.CONFIG, 6L, 0L, true, time, flusher, TestLogs.NO_DELAY);

        checkStateAfterReopen();
    }

    @Test
    void theStateSurvivesAnUncleanReopenByReplayingTheLog() throws IOException {
        append(PID, EPOCH, 0, 3);
        append(PID, EPOCH, 3, 3);
        try (var files = Files.list(dir)) {
            assertThat(files.filter(f -> f.toString().endsWith(ProducerStateManager.SNAPSHOT_SUFFIX))).isEmpty();
        }

        // The first log is abandoned, as by a crash.
        log = TestLogs.openAfterCrash(dir, TestLogs.CONFIG, time, flusher);

        checkStateAfterReopen();
    }

    @Test
    void theStateIsRebuiltFromTheLogWhenTheSnapshotIsLost() throws IOException {
        append(PID, EPOCH, 0, 3);
        append(PID, EPOCH, 3, 3);
        log.close();
        Files.delete(dir.resolve(String.format("%020d%s", 6, ProducerStateManager.SNAPSHOT_SUFFIX)));

        log = TestLogs.openAfterCrash(dir, TestLogs.CONFIG, time, flusher);

        checkStateAfterReopen();
    }

    @Test
    void theStateIsRebuiltFromASnapshotAtARollPlusTheBatchesAfterIt() {
        int batchSize = batch(PID, EPOCH, 0, 3).remaining();
        log.close();
        log = TestLogs.open(dir, TestLogs.CONFIG.withSegmentBytes(2 * batchSize), time, flusher);
        for (int i = 0; i < 5; i++) {
            append(PID, EPOCH, 3 * i, 3);
        }
        append(PID + 1, (short) 0, 0, 1);
        assertThat(log.segmentCount()).isEqualTo(3);
        assertThat(dir.resolve(String.format("%020d%s", 12, ProducerStateManager.SNAPSHOT_SUFFIX))).exists();

        log = TestLogs.openAfterCrash(dir, TestLogs.CONFIG.withSegmentBytes(2 * batchSize), time, flusher);

        LogAppendInfo retry = append(PID, EPOCH, 12, 3);
        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.firstOffset()).isEqualTo(12);
        assertThat(append(PID, EPOCH, 6, 3).duplicate()).isTrue();
        assertThat(append(PID + 1, (short) 0, 0, 1).duplicate()).isTrue();
        assertThat(refusal(PID, EPOCH, 16, 1)).isEqualTo(AppendError.OUT_OF_ORDER_SEQUENCE);
        assertThat(append(PID, EPOCH, 15, 1).firstOffset()).isEqualTo(16);
    }

    @Test
    void aProducerWhoseLastBatchWasTornIsExpectedToResendIt() throws IOException {
        append(PID, EPOCH, 0, 3);
        append(PID, EPOCH, 3, 3);
        Path active = TestLogs.lastLogFile(dir);
        // The second batch was never completely written before the crash.
        try (FileChannel channel = FileChannel.open(active, StandardOpenOption.WRITE)) {
            channel.truncate(Files.size(active) - 1);
        }

        log = TestLogs.openAfterCrash(dir, TestLogs.CONFIG, time, flusher);

        assertThat(log.logEndOffset()).isEqualTo(3);
        LogAppendInfo resent = append(PID, EPOCH, 3, 3);
        assertThat(resent.duplicate()).isFalse();
        assertThat(resent.firstOffset()).isEqualTo(3);
    }

    @Test
    void expiredProducersAreForgotten() {
        append(PID, EPOCH, 0, 3);

        log.removeExpiredProducers(7000L + 3 + 10_000L, 10_000L);

        assertThat(append(PID, EPOCH, 500, 1).duplicate()).as("accepted at any sequence, as a new producer").isFalse();
    }

    private void checkStateAfterReopen() {
        LogAppendInfo retry = append(PID, EPOCH, 3, 3);
        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.firstOffset()).isEqualTo(3);
        assertThat(retry.lastOffset()).isEqualTo(5);
        assertThat(append(PID, EPOCH, 0, 3).duplicate()).isTrue();
        assertThat(refusal(PID, EPOCH, 7, 1)).isEqualTo(AppendError.OUT_OF_ORDER_SEQUENCE);
        assertThat(refusal(PID, (short) (EPOCH - 1), 6, 1)).isEqualTo(AppendError.INVALID_PRODUCER_EPOCH);
        LogAppendInfo next = append(PID, EPOCH, 6, 1);
        assertThat(next.duplicate()).isFalse();
        assertThat(next.firstOffset()).isEqualTo(6);
        ByteBuffer stored = ByteBuffer.wrap(TestBatches.bytes(log.read(6, 1000, FetchIsolation.LOG_END, true).slice()));
        assertThat(BatchHeader.producerId(stored, 0)).isEqualTo(PID);
        assertThat(BatchHeader.baseSequence(stored, 0)).isEqualTo(6);
    }
}
