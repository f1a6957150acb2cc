package io.vltava.storage.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vltava.common.time.ManualTime;
import io.vltava.storage.TestBatches;
import io.vltava.storage.index.AbortedTransaction;
import io.vltava.storage.producer.ProducerStateManager;
import io.vltava.storage.record.BatchHeader;
import io.vltava.storage.record.TransactionMarker;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Transactions through the log: markers, the last stable offset, read_committed reads and the aborted transaction index. */
class PartitionLogTransactionTest {

    private static final long PID_A = 100L;
    private static final long PID_B = 200L;
    private static final short EPOCH = 1;
    private static final int LEADER_EPOCH = 0;
    private static final LogConfig SMALL_SEGMENTS = TestLogs.CONFIG.withSegmentBytes(300);

    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime();
    private LogFlusher flusher;
    private PartitionLog log;
    private int sequenceA;
    private int sequenceB;

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

    /** A transactional batch stamped with the clock's time, as the markers are (an older time would roll the segment). */
    private ByteBuffer transactional(long producerId, short epoch, int firstSequence, int records) {
        SimpleRecord[] values = new SimpleRecord[records];
        for (int i = 0; i < records; i++) {
            values[i] = new SimpleRecord(time.milliseconds(), ("k" + i).getBytes(), ("value-" + producerId + "-" + (firstSequence + i)).getBytes());
        }
        return MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, epoch, firstSequence, values).buffer();
    }

    /** Appends a transactional batch of {@code records} records for A or B, with their next sequences. */
    private LogAppendInfo send(long producerId, int records) {
        int sequence = producerId == PID_A ? sequenceA : sequenceB;
        LogAppendInfo info = log.appendAsLeader(transactional(producerId, EPOCH, sequence, records), LEADER_EPOCH);
        if (producerId == PID_A) {
            sequenceA += records;
        } else {
            sequenceB += records;
        }
        return info;
    }

    private long marker(long producerId, boolean commit) {
        long offset = log.appendTransactionMarker(producerId, EPOCH, 0, commit, LEADER_EPOCH).firstOffset();
        log.maybeIncrementHighWatermark(log.logEndOffset());
        return offset;
    }

    private void plain(int records) {
        log.appendAsLeader(TestBatches.plain(records), LEADER_EPOCH);
        log.maybeIncrementHighWatermark(log.logEndOffset());
    }

    private void reopen(LogConfig config, boolean clean) {
        log.close();
        log = clean ? TestLogs.open(dir, config, time, flusher) : TestLogs.openAfterCrash(dir, config, time, flusher);
        log.maybeIncrementHighWatermark(log.logEndOffset());
    }

    /** The offsets of the data batches a read returned, first to last. */
    private static List<Long> batchBaseOffsets(LogReadInfo read) {
        return TestBatches.split(TestBatches.bytes(read.slice())).stream().map(b -> BatchHeader.baseOffset(b, 0)).toList();
    }

    @Test
    void theLastStableOffsetStopsAtTheEarliestOngoingTransactionAndNeverPassesTheHighWatermark() {
        log.appendAsLeader(TestBatches.plain(2), LEADER_EPOCH);
        assertThat(log.lastStableOffset()).as("the high watermark has not moved yet").isZero();
        send(PID_A, 2);
        plain(1);
        send(PID_B, 1);
        send(PID_A, 1);
        log.maybeIncrementHighWatermark(log.logEndOffset());
        assertThat(log.lastStableOffset()).isEqualTo(2);

        marker(PID_A, true);
        assertThat(log.lastStableOffset()).as("B's transaction started at 5").isEqualTo(5);

        long abort = marker(PID_B, false);
        assertThat(log.lastStableOffset()).isEqualTo(abort + 1).isEqualTo(log.highWatermark());
        assertThat(log.collectAbortedTransactions(0, Long.MAX_VALUE)).containsExactly(new AbortedTransaction(PID_B, 5, abort, abort + 1));
    }

    @Test
    void aCommittedTransactionStaysUnstableUntilTheHighWatermarkPassesItsMarker() {
        send(PID_A, 2);
        log.maybeIncrementHighWatermark(log.logEndOffset());

        long commit = log.appendTransactionMarker(PID_A, EPOCH, 0, true, LEADER_EPOCH).firstOffset();

        assertThat(log.lastStableOffset()).isZero();
        assertThat(log.read(0, Integer.MAX_VALUE, FetchIsolation.TXN_COMMITTED, true).slice().size()).isZero();
        log.maybeIncrementHighWatermark(commit + 1);
        assertThat(log.lastStableOffset()).isEqualTo(commit + 1);
    }

    @Test
    void aReadCommittedReadStopsAtTheLastStableOffsetAndListsTheAbortedTransactions() {
        send(PID_A, 2);
        long abort = marker(PID_A, false);
        send(PID_B, 2);
        log.maybeIncrementHighWatermark(log.logEndOffset());

        LogReadInfo committed = log.read(0, Integer.MAX_VALUE, FetchIsolation.TXN_COMMITTED, true);
        LogReadInfo uncommitted = log.read(0, Integer.MAX_VALUE, FetchIsolation.HIGH_WATERMARK, true);

        assertThat(committed.lastStableOffset()).isEqualTo(3);
        assertThat(batchBaseOffsets(committed)).containsExactly(0L, abort);
        assertThat(committed.abortedTransactions()).containsExactly(new AbortedTransaction(PID_A, 0, abort, 3));
        assertThat(batchBaseOffsets(uncommitted)).containsExactly(0L, abort, 3L);
        assertThat(uncommitted.abortedTransactions()).isNull();
        assertThat(uncommitted.lastStableOffset()).isEqualTo(3);

        LogReadInfo atTheLso = log.read(3, Integer.MAX_VALUE, FetchIsolation.TXN_COMMITTED, true);
        assertThat(atTheLso.slice().size()).isZero();
        assertThat(atTheLso.abortedTransactions()).isEmpty();
        assertThat(log.read(abort + 1, Integer.MAX_VALUE, FetchIsolation.TXN_COMMITTED, true).abortedTransactions())
                .as("a read after the abort's marker does not list it").isEmpty();
    }

    @Test
    void theMarkerIsAControlBatchOfTheProducer() {
        send(PID_A, 1);
        long offset = marker(PID_A, true);

        List<ByteBuffer> batches = TestBatches.split(TestLogs.readAll(log, offset));
        ByteBuffer batch = batches.get(0);

        assertThat(BatchHeader.isControl(batch, 0)).isTrue();
        assertThat(BatchHeader.isTransactional(batch, 0)).isTrue();
        assertThat(BatchHeader.baseOffset(batch, 0)).isEqualTo(offset);
        assertThat(BatchHeader.partitionLeaderEpoch(batch, 0)).isEqualTo(LEADER_EPOCH);
        assertThat(TransactionMarker.read(batch, 0)).isEqualTo(new TransactionMarker(PID_A, EPOCH, 0, true));
    }

    @Test
    void aMarkerFromAnOlderProducerEpochOrCoordinatorEpochIsRefused() {
        send(PID_A, 1);
        log.appendTransactionMarker(PID_A, EPOCH, 5, true, LEADER_EPOCH);
        long end = log.logEndOffset();

        assertThatThrownBy(() -> log.appendTransactionMarker(PID_A, (short) (EPOCH - 1), 5, false, LEADER_EPOCH))
                .isInstanceOfSatisfying(LogAppendException.class, e -> assertThat(e.error()).isEqualTo(AppendError.INVALID_PRODUCER_EPOCH));
        assertThatThrownBy(() -> log.appendTransactionMarker(PID_A, EPOCH, 4, false, LEADER_EPOCH))
                .isInstanceOfSatisfying(LogAppendException.class,
                        e -> assertThat(e.error()).isEqualTo(AppendError.TRANSACTION_COORDINATOR_FENCED));
        assertThat(log.logEndOffset()).isEqualTo(end);
    }

    @Test
    void aMarkerWithANewerEpochFencesTheOldEpochAndAnUnknownProducerGetsItsMarkerAllTheSame() {
        send(PID_A, 2);
        log.appendTransactionMarker(PID_A, (short) (EPOCH + 1), 0, false, LEADER_EPOCH);

        assertThatThrownBy(() -> send(PID_A, 1))
                .isInstanceOfSatisfying(LogAppendException.class, e -> assertThat(e.error()).isEqualTo(AppendError.INVALID_PRODUCER_EPOCH));
        long unknown = log.appendTransactionMarker(999L, EPOCH, 0, true, LEADER_EPOCH).firstOffset();
        assertThat(unknown).isEqualTo(3);
    }

    @Test
    void aProducerInATransactionCannotWriteOutsideIt() {
        send(PID_A, 1);

        assertThatThrownBy(() -> log.appendAsLeader(TestBatches.idempotent(PID_A, EPOCH, sequenceA, 1), LEADER_EPOCH))
                .isInstanceOfSatisfying(LogAppendException.class, e -> assertThat(e.error()).isEqualTo(AppendError.INVALID_TXN_STATE));
    }

    @Test
    void aProducerWithAnOngoingTransactionIsNotExpired() {
        send(PID_A, 1);
        log.maybeIncrementHighWatermark(log.logEndOffset());

        log.removeExpiredProducers(time.milliseconds() + 1_000_000_000L, 1);

        assertThat(log.lastStableOffset()).isZero();
        marker(PID_A, true);
        assertThat(log.lastStableOffset()).isEqualTo(log.logEndOffset());
    }

    /** A transaction A aborts across segments, one B commits and one A leaves open. */
    private long[] transactionsAcrossSegments() {
        reopen(SMALL_SEGMENTS, true);
        send(PID_A, 2);
        plain(3);
        send(PID_B, 1);
        send(PID_A, 2);
        long abortA = marker(PID_A, false);
        plain(2);
        long commitB = marker(PID_B, true);
        long openA = send(PID_A, 1).firstOffset();
        log.maybeIncrementHighWatermark(log.logEndOffset());
        assertThat(log.segmentCount()).isGreaterThan(2);
        return new long[] {abortA, commitB, openA};
    }

    @Test
    void abortsAreIndexedInTheSegmentOfTheirMarkerAndSurviveACleanRestart() throws IOException {
        long[] offsets = transactionsAcrossSegments();
        List<AbortedTransaction> before = log.collectAbortedTransactions(0, Long.MAX_VALUE);
        assertThat(before).containsExactly(new AbortedTransaction(PID_A, 0, offsets[0], 5));
        LogSegment holding = log.logSegments().stream().filter(s -> s.baseOffset() <= offsets[0]).reduce((a, b) -> b).orElseThrow();
        assertThat(holding.txnIndex().all()).containsExactly(before.get(0));
        assertThat(Files.size(holding.txnIndex().file())).isEqualTo(34);

        reopen(SMALL_SEGMENTS, true);

        assertThat(log.collectAbortedTransactions(0, Long.MAX_VALUE)).isEqualTo(before);
        assertThat(log.lastStableOffset()).as("A's open transaction came back from the snapshot").isEqualTo(offsets[2]);
        assertThat(TestLogs.files(dir, LogSegment.TXN_INDEX_SUFFIX)).hasSize(1);
    }

    @Test
    void anUncleanRestartRebuildsTheAbortedTransactionIndexesAndTheOngoingTransactionsFromTheLog() throws IOException {
        long[] offsets = transactionsAcrossSegments();
        List<AbortedTransaction> before = log.collectAbortedTransactions(0, Long.MAX_VALUE);
        log.close();
        for (Path file : TestLogs.files(dir, LogSegment.TXN_INDEX_SUFFIX)) {
            Files.delete(file);
        }
        for (Path file : TestLogs.files(dir, ProducerStateManager.SNAPSHOT_SUFFIX)) {
            Files.delete(file);
        }

        log = TestLogs.openAfterCrash(dir, SMALL_SEGMENTS, time, flusher);
        log.maybeIncrementHighWatermark(log.logEndOffset());

        assertThat(log.collectAbortedTransactions(0, Long.MAX_VALUE)).isEqualTo(before);
        assertThat(log.lastStableOffset()).isEqualTo(offsets[2]);
        marker(PID_A, false);
        assertThat(log.collectAbortedTransactions(offsets[2], Long.MAX_VALUE)).hasSize(1);
    }

    @Test
    void retentionDeletesTheAbortedTransactionIndexWithItsSegment() {
        long[] offsets = transactionsAcrossSegments();
        marker(PID_A, true);
        plain(1);
        assertThat(TestLogs.files(dir, LogSegment.TXN_INDEX_SUFFIX)).hasSize(1);

        log.deleteRecordsBefore(log.highWatermark());
        log.deleteOldSegments();

        assertThat(TestLogs.files(dir, LogSegment.TXN_INDEX_SUFFIX)).isEmpty();
        assertThat(TestLogs.files(dir, LogSegment.TXN_INDEX_SUFFIX + LogSegment.DELETED_SUFFIX)).isEmpty();
        assertThat(log.collectAbortedTransactions(offsets[0], Long.MAX_VALUE)).isEmpty();
    }
}
