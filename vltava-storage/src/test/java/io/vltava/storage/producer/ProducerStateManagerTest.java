package io.vltava.storage.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.storage.TestBatches;
import io.vltava.storage.log.AppendError;
import io.vltava.storage.log.LogAppendException;
import io.vltava.storage.record.BatchHeader;
import io.vltava.storage.record.TransactionMarker;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerStateManagerTest {

    private static final long PID = 1000L;
    private static final short EPOCH = 3;

    @TempDir
    Path dir;

    private long nextOffset;

    /** Records an appended batch of {@code records} records from {@code firstSequence}, at the next offsets. */
    private BatchMetadata appended(ProducerStateManager manager, long producerId, short epoch, int firstSequence, int records) {
        ByteBuffer batch = TestBatches.batch().records(records).timestamp(5000L + nextOffset).producer(producerId, epoch, firstSequence)
                .build();
        BatchHeader.setBaseOffset(batch, 0, nextOffset);
        nextOffset += records;
        manager.onAppend(batch, 0);
        return new BatchMetadata(BatchHeader.lastSequence(batch, 0), BatchHeader.lastOffset(batch, 0), records - 1,
                BatchHeader.maxTimestamp(batch, 0));
    }

    private static AppendError refusal(Runnable check) {
        try {
            check.run();
        } catch (LogAppendException e) {
            return e.error();
        }
        throw new AssertionError("The append was not refused");
    }

    private List<String> snapshotFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(ProducerStateManager.SNAPSHOT_SUFFIX)).sorted()
                    .toList();
        }
    }

    @Test
    void aSnapshotOfUnchangedStateIsNotWrittenAgain() throws IOException {
        ProducerStateManager manager = new ProducerStateManager(dir);
        appended(manager, PID, EPOCH, 0, 5);
        manager.takeSnapshot(5);
        Path file = dir.resolve(String.format("%020d.snapshot", 5));
        FileTime marker = FileTime.fromMillis(0);
        Files.setLastModifiedTime(file, marker);

        manager.takeSnapshot(5);
        ProducerStateManager reloaded = new ProducerStateManager(dir);
        reloaded.loadLatestSnapshot(5);
        reloaded.takeSnapshot(5);
        assertThat(Files.getLastModifiedTime(file)).isEqualTo(marker);

        appended(reloaded, PID, EPOCH, 5, 1);
        reloaded.takeSnapshot(5);
        assertThat(Files.getLastModifiedTime(file)).isNotEqualTo(marker);
    }

    @Test
    void anUnknownProducerIsAcceptedAtAnySequence() {
        ProducerStateManager manager = new ProducerStateManager(dir);

        assertThat(manager.checkAppend(PID, EPOCH, 0, 4)).isNull();
        assertThat(manager.checkAppend(PID, EPOCH, 12345, 12349)).isNull();
        assertThat(manager.checkAppend(PID, (short) 0, Integer.MAX_VALUE, 3)).isNull();
        assertThat(manager.producerCount()).isZero();
    }

    @Test
    void acceptsTheNextSequenceAndRefusesAGap() {
        ProducerStateManager manager = new ProducerStateManager(dir);
        appended(manager, PID, EPOCH, 0, 5);

        assertThat(manager.checkAppend(PID, EPOCH, 5, 9)).isNull();
        assertThat(refusal(() -> manager.checkAppend(PID, EPOCH, 6, 9))).isEqualTo(AppendError.OUT_OF_ORDER_SEQUENCE);
        assertThat(refusal(() -> manager.checkAppend(PID, EPOCH, 3, 7))).isEqualTo(AppendError.OUT_OF_ORDER_SEQUENCE);
        assertThat(manager.producerCount()).isEqualTo(1);
        assertThat(manager.producerIds()).containsExactly(PID);
    }

    @Test
    void recognisesARetryOfAnyOfTheLastFiveBatches() {
        ProducerStateManager manager = new ProducerStateManager(dir);
        BatchMetadata first = appended(manager, PID, EPOCH, 0, 2);
        BatchMetadata second = appended(manager, PID, EPOCH, 2, 3);
        for (int i = 0; i < 3; i++) {
            appended(manager, PID, EPOCH, 5 + 2 * i, 2);
        }

        assertThat(manager.checkAppend(PID, EPOCH, 0, 1)).isEqualTo(first);
        assertThat(manager.checkAppend(PID, EPOCH, 2, 4)).isEqualTo(second);
        assertThat(second.firstOffset()).isEqualTo(2);
        assertThat(second.lastOffset()).isEqualTo(4);
        assertThat(second.firstSequence()).isEqualTo(2);

        appended(manager, PID, EPOCH, 11, 1);

        assertThat(refusal(() -> manager.checkAppend(PID, EPOCH, 0, 1))).as("the sixth-last batch is forgotten")
                .isEqualTo(AppendError.OUT_OF_ORDER_SEQUENCE);
        assertThat(manager.checkAppend(PID, EPOCH, 2, 4)).isEqualTo(second);
    }

    @Test
    void aRetryWithOtherBoundsIsNotADuplicate() {
        ProducerStateManager manager = new ProducerStateManager(dir);
        appended(manager, PID, EPOCH, 0, 5);

        assertThat(refusal(() -> manager.checkAppend(PID, EPOCH, 0, 3))).isEqualTo(AppendError.OUT_OF_ORDER_SEQUENCE);
    }

    @Test
    void anOlderEpochIsRefused() {
        ProducerStateManager manager = new ProducerStateManager(dir);
        appended(manager, PID, EPOCH, 0, 5);

        assertThat(refusal(() -> manager.checkAppend(PID, (short) (EPOCH - 1), 5, 9))).isEqualTo(AppendError.INVALID_PRODUCER_EPOCH);
        assertThat(refusal(() -> manager.checkAppend(PID, (short) (EPOCH - 1), 0, 4))).as("even a retry from the old epoch")
                .isEqualTo(AppendError.INVALID_PRODUCER_EPOCH);
    }

    @Test
    void aNewEpochMustStartAtSequenceZeroAndForgetsTheOldBatches() {
        ProducerStateManager manager = new ProducerStateManager(dir);
        appended(manager, PID, EPOCH, 0, 5);
        short newEpoch = EPOCH + 1;

        assertThat(refusal(() -> manager.checkAppend(PID, newEpoch, 5, 9))).isEqualTo(AppendError.OUT_OF_ORDER_SEQUENCE);
        assertThat(manager.checkAppend(PID, newEpoch, 0, 2)).isNull();

        BatchMetadata first = appended(manager, PID, newEpoch, 0, 3);

        assertThat(manager.checkAppend(PID, newEpoch, 0, 2)).isEqualTo(first);
        assertThat(manager.checkAppend(PID, newEpoch, 3, 3)).isNull();
        assertThat(refusal(() -> manager.checkAppend(PID, EPOCH, 0, 4))).isEqualTo(AppendError.INVALID_PRODUCER_EPOCH);
    }

    @Test
    void sequencesWrapAroundAtIntegerMaxValue() {
        ProducerStateManager manager = new ProducerStateManager(dir);
        appended(manager, PID, EPOCH, Integer.MAX_VALUE - 4, 5);

        assertThat(manager.checkAppend(PID, EPOCH, 0, 2)).isNull();
        assertThat(refusal(() -> manager.checkAppend(PID, EPOCH, 1, 2))).isEqualTo(AppendError.OUT_OF_ORDER_SEQUENCE);

        BatchMetadata wrapping = appended(manager, PID, EPOCH, 0, 3);
        assertThat(wrapping.lastSequence()).isEqualTo(2);

        BatchMetadata across = appended(manager, PID, EPOCH, 3, 1);
        assertThat(across.lastSequence()).isEqualTo(3);
    }

    @Test
    void aBatchThatWrapsInsideIsRecognisedOnRetry() {
        ProducerStateManager manager = new ProducerStateManager(dir);
        BatchMetadata wrapping = appended(manager, PID, EPOCH, Integer.MAX_VALUE - 1, 4);

        assertThat(wrapping.lastSequence()).isEqualTo(1);
        assertThat(wrapping.firstSequence()).isEqualTo(Integer.MAX_VALUE - 1);
        assertThat(manager.checkAppend(PID, EPOCH, Integer.MAX_VALUE - 1, 1)).isEqualTo(wrapping);
        assertThat(manager.checkAppend(PID, EPOCH, 2, 5)).isNull();
    }

    @Test
    void producersAreIndependent() {
        ProducerStateManager manager = new ProducerStateManager(dir);
        appended(manager, PID, EPOCH, 0, 5);
        appended(manager, PID + 1, (short) 0, 100, 5);

        assertThat(manager.checkAppend(PID, EPOCH, 5, 5)).isNull();
        assertThat(manager.checkAppend(PID + 1, (short) 0, 105, 105)).isNull();
        assertThat(manager.producerCount()).isEqualTo(2);
    }

    @Test
    void batchesWithoutAProducerAreIgnored() {
        ProducerStateManager manager = new ProducerStateManager(dir);

        manager.onAppend(TestBatches.plain(3), 0);

        assertThat(manager.producerCount()).isZero();
    }

    @Test
    void aSnapshotRestoresTheState() throws IOException {
        ProducerStateManager manager = new ProducerStateManager(dir);
        appended(manager, PID, EPOCH, 0, 2);
        BatchMetadata last = appended(manager, PID, EPOCH, 2, 2);
        BatchMetadata other = appended(manager, PID + 1, (short) 0, 7, 1);
        manager.takeSnapshot(nextOffset);

        assertThat(snapshotFiles()).containsExactly(String.format("%020d.snapshot", nextOffset));

        ProducerStateManager restored = new ProducerStateManager(dir);
        assertThat(restored.loadLatestSnapshot(Long.MAX_VALUE)).isEqualTo(nextOffset);
        assertThat(restored.producerCount()).isEqualTo(2);
        assertThat(restored.checkAppend(PID, EPOCH, 2, 3)).isEqualTo(last);
        assertThat(restored.checkAppend(PID + 1, (short) 0, 7, 7)).isEqualTo(other);
        assertThat(restored.checkAppend(PID, EPOCH, 4, 4)).isNull();
        assertThat(refusal(() -> restored.checkAppend(PID, EPOCH, 5, 5))).isEqualTo(AppendError.OUT_OF_ORDER_SEQUENCE);
        assertThat(refusal(() -> restored.checkAppend(PID, (short) (EPOCH - 1), 4, 4))).isEqualTo(AppendError.INVALID_PRODUCER_EPOCH);
    }

    @Test
    void anEmptyStateSnapshotsAndRestores() {
        ProducerStateManager manager = new ProducerStateManager(dir);
        manager.takeSnapshot(0);

        ProducerStateManager restored = new ProducerStateManager(dir);
        assertThat(restored.loadLatestSnapshot(10)).isZero();
        assertThat(restored.producerCount()).isZero();
    }

    @Test
    void loadsTheNewestSnapshotAtOrBelowTheOffsetAndDeletesThoseAbove() throws IOException {
        ProducerStateManager manager = new ProducerStateManager(dir);
        appended(manager, PID, EPOCH, 0, 5);
        manager.takeSnapshot(5);
        appended(manager, PID, EPOCH, 5, 5);
        manager.takeSnapshot(10);
        appended(manager, PID, EPOCH, 10, 5);
        manager.takeSnapshot(15);

        ProducerStateManager restored = new ProducerStateManager(dir);
        assertThat(restored.loadLatestSnapshot(12)).isEqualTo(10);

        assertThat(snapshotFiles()).containsExactly(String.format("%020d.snapshot", 5), String.format("%020d.snapshot", 10));
        assertThat(restored.checkAppend(PID, EPOCH, 10, 14)).isNull();
        assertThat(new ProducerStateManager(dir).loadLatestSnapshot(4)).isEqualTo(-1);
        assertThat(snapshotFiles()).isEmpty();
    }

    @Test
    void aCorruptSnapshotIsDeletedAndAnOlderOneUsed() throws IOException {
        ProducerStateManager manager = new ProducerStateManager(dir);
        appended(manager, PID, EPOCH, 0, 5);
        manager.takeSnapshot(5);
        appended(manager, PID, EPOCH, 5, 5);
        manager.takeSnapshot(10);
        Path newest = dir.resolve(String.format("%020d.snapshot", 10));
        byte[] bytes = Files.readAllBytes(newest);
        bytes[bytes.length - 3] ^= 0x01;
        Files.write(newest, bytes);

        ProducerStateManager restored = new ProducerStateManager(dir);

        assertThat(restored.loadLatestSnapshot(Long.MAX_VALUE)).isEqualTo(5);
        assertThat(newest).doesNotExist();
        assertThat(restored.checkAppend(PID, EPOCH, 5, 9)).isNull();
    }

    @Test
    void truncatedOrForeignSnapshotsAreDeleted() throws IOException {
        Files.write(dir.resolve(String.format("%020d.snapshot", 3)), new byte[] {0, 1, 0});
        Files.write(dir.resolve(String.format("%020d.snapshot", 4)), new byte[] {0, 9, 0, 0, 0, 0, 0, 0, 0, 0});
        Files.write(dir.resolve("not-a-number.snapshot"), new byte[] {1});

        ProducerStateManager manager = new ProducerStateManager(dir);

        assertThat(manager.loadLatestSnapshot(Long.MAX_VALUE)).isEqualTo(-1);
        assertThat(snapshotFiles()).containsExactly("not-a-number.snapshot");
    }

    @Test
    void keepsOnlyTheNewestSnapshots() throws IOException {
        ProducerStateManager manager = new ProducerStateManager(dir);
        for (long offset : new long[] {10, 20, 30, 40}) {
            manager.takeSnapshot(offset);
        }

        manager.deleteOldSnapshots(2);
        assertThat(snapshotFiles()).containsExactly(String.format("%020d.snapshot", 30), String.format("%020d.snapshot", 40));
    }

    @Test
    void forgetsProducersIdleForLongerThanTheExpiration() {
        ProducerStateManager manager = new ProducerStateManager(dir);
        ByteBuffer old = TestBatches.batch().timestamp(1_000L).producer(PID, EPOCH, 0).build();
        ByteBuffer recent = TestBatches.batch().timestamp(9_000L).producer(PID + 1, EPOCH, 0).build();
        manager.onAppend(old, 0);
        manager.onAppend(recent, 0);

        assertThat(manager.removeExpired(10_000L, 5_000L)).isEqualTo(1);

        assertThat(manager.producerIds()).containsExactly(PID + 1);
        assertThat(manager.checkAppend(PID, EPOCH, 77, 77)).as("an expired producer is unknown again").isNull();
    }

    @Test
    void batchMetadataComputesItsFirstSequenceAndOffset() {
        BatchMetadata batch = new BatchMetadata(9, 109, 4, 0L);

        assertThat(batch.firstSequence()).isEqualTo(5);
        assertThat(batch.firstOffset()).isEqualTo(105);
        assertThat(BatchMetadata.decrementSequence(1, 3)).isEqualTo(Integer.MAX_VALUE - 1);
        assertThat(BatchMetadata.decrementSequence(0, 1)).isEqualTo(Integer.MAX_VALUE);
        assertThat(BatchMetadata.isNext(Integer.MAX_VALUE, 0)).isTrue();
        assertThat(BatchMetadata.isNext(4, 5)).isTrue();
        assertThat(BatchMetadata.isNext(4, 6)).isFalse();
    }

    /** Records an appended transactional batch (the attribute is set on the header; the manager does not check the CRC). */
    private long transactional(ProducerStateManager manager, long producerId, short epoch, int firstSequence, int records) {
        ByteBuffer batch = TestBatches.batch().records(records).timestamp(5000L + nextOffset).producer(producerId, epoch, firstSequence)
                .build();
        batch.putShort(BatchHeader.ATTRIBUTES_OFFSET, (short) (BatchHeader.attributes(batch, 0) | 0x10));
        long first = nextOffset;
        BatchHeader.setBaseOffset(batch, 0, first);
        nextOffset += records;
        manager.onAppend(batch, 0);
        return first;
    }

    private long marker(ProducerStateManager manager, long producerId, short epoch, int coordinatorEpoch, boolean commit) {
        TransactionMarker marker = new TransactionMarker(producerId, epoch, coordinatorEpoch, commit);
        manager.checkMarker(marker);
        long first = manager.onMarker(marker, nextOffset, 9000L + nextOffset);
        nextOffset++;
        manager.onHighWatermark(nextOffset);
        return first;
    }

    @Test
    void ongoingTransactionsAreOrderedByFirstOffsetAndEndWithTheirMarkers() {
        ProducerStateManager manager = new ProducerStateManager(dir);
        long firstA = transactional(manager, PID, EPOCH, 0, 2);
        long firstB = transactional(manager, PID + 1, EPOCH, 0, 1);
        transactional(manager, PID, EPOCH, 2, 2);

        assertThat(manager.firstUnstableOffset()).isEqualTo(firstA);
        assertThat(manager.ongoingTransactions()).containsExactly(Map.entry(firstA, PID), Map.entry(firstB, PID + 1));

        assertThat(marker(manager, PID, EPOCH, 0, true)).isEqualTo(firstA);
        assertThat(manager.firstUnstableOffset()).isEqualTo(firstB);
        assertThat(marker(manager, PID + 1, EPOCH, 0, false)).isEqualTo(firstB);
        assertThat(manager.firstUnstableOffset()).isEqualTo(-1);
        assertThat(marker(manager, PID + 1, EPOCH, 0, false)).as("a repeated marker ends nothing").isEqualTo(-1);
    }

    @Test
    void aCompletedTransactionStaysUnstableUntilTheHighWatermarkPassesItsMarker() {
        ProducerStateManager manager = new ProducerStateManager(dir);
        long first = transactional(manager, PID, EPOCH, 0, 2);
        long markerOffset = nextOffset;

        manager.onMarker(new TransactionMarker(PID, EPOCH, 0, true), markerOffset, 9000L);

        assertThat(manager.firstOngoingOffset()).isEqualTo(-1);
        assertThat(manager.firstUnstableOffset()).isEqualTo(first);
        manager.onHighWatermark(markerOffset);
        assertThat(manager.firstUnstableOffset()).isEqualTo(first);
        manager.onHighWatermark(markerOffset + 1);
        assertThat(manager.firstUnstableOffset()).isEqualTo(-1);
    }

    @Test
    void markersAreFencedByProducerAndCoordinatorEpochAndANewerEpochResetsTheSequences() {
        ProducerStateManager manager = new ProducerStateManager(dir);
        transactional(manager, PID, EPOCH, 0, 3);
        marker(manager, PID, EPOCH, 4, false);

        assertThat(refusal(() -> manager.checkMarker(new TransactionMarker(PID, (short) (EPOCH - 1), 4, true))))
                .isEqualTo(AppendError.INVALID_PRODUCER_EPOCH);
        assertThat(refusal(() -> manager.checkMarker(new TransactionMarker(PID, EPOCH, 3, true))))
                .isEqualTo(AppendError.TRANSACTION_COORDINATOR_FENCED);

        marker(manager, PID, (short) (EPOCH + 1), 4, false);
        assertThat(refusal(() -> manager.checkAppend(PID, EPOCH, 3, 3))).isEqualTo(AppendError.INVALID_PRODUCER_EPOCH);
        assertThat(manager.checkAppend(PID, (short) (EPOCH + 1), 0, 0)).isNull();
    }

    @Test
    void aWriteOutsideTheOngoingTransactionIsRefused() {
        ProducerStateManager manager = new ProducerStateManager(dir);
        transactional(manager, PID, EPOCH, 0, 1);

        manager.checkTransactional(PID, true);
        assertThat(refusal(() -> manager.checkTransactional(PID, false))).isEqualTo(AppendError.INVALID_TXN_STATE);
        marker(manager, PID, EPOCH, 0, true);
        manager.checkTransactional(PID, false);
    }

    @Test
    void aProducerWithAnOngoingTransactionIsNeverExpired() {
        ProducerStateManager manager = new ProducerStateManager(dir);
        transactional(manager, PID, EPOCH, 0, 1);
        appended(manager, PID + 1, EPOCH, 0, 1);

        manager.removeExpired(Long.MAX_VALUE, 1);

        assertThat(manager.producerIds()).containsExactly(PID);
        marker(manager, PID, EPOCH, 0, true);
        manager.removeExpired(Long.MAX_VALUE, 1);
        assertThat(manager.producerIds()).isEmpty();
    }

    @Test
    void aSnapshotKeepsTheOngoingTransactionsAndTheCoordinatorEpochs() {
        ProducerStateManager manager = new ProducerStateManager(dir);
        transactional(manager, PID, EPOCH, 0, 2);
        marker(manager, PID, EPOCH, 6, false);
        long open = transactional(manager, PID, EPOCH, 2, 1);
        marker(manager, PID + 1, (short) 0, 2, true);
        manager.takeSnapshot(nextOffset);

        ProducerStateManager reloaded = new ProducerStateManager(dir);
        assertThat(reloaded.loadLatestSnapshot(nextOffset)).isEqualTo(nextOffset);

        assertThat(reloaded.ongoingTransactions()).containsExactly(Map.entry(open, PID));
        assertThat(refusal(() -> reloaded.checkMarker(new TransactionMarker(PID, EPOCH, 5, true))))
                .isEqualTo(AppendError.TRANSACTION_COORDINATOR_FENCED);
        assertThat(reloaded.checkAppend(PID, EPOCH, 2, 2)).as("the retry is recognised").isNotNull();
        assertThat(reloaded.producerIds()).containsExactlyInAnyOrder(PID, PID + 1);
    }

    @Test
    void aVersionOneSnapshotIsStillRead() throws IOException {
        ByteBuffer v1 = ByteBuffer.allocate(2 + 4 + 4 + 8 + 2 + 1 + 24);
        v1.putShort((short) 1).putInt(0).putInt(1).putLong(PID).putShort(EPOCH).put((byte) 1).putInt(4).putLong(9L).putInt(4).putLong(777L);
        CRC32C crc = new CRC32C();
        crc.update(v1.array(), 6, v1.capacity() - 6);
        v1.putInt(2, (int) crc.getValue());
        Files.write(dir.resolve(String.format("%020d.snapshot", 10)), v1.array());

        ProducerStateManager manager = new ProducerStateManager(dir);

        assertThat(manager.loadLatestSnapshot(10)).isEqualTo(10);
        assertThat(manager.checkAppend(PID, EPOCH, 0, 4)).isEqualTo(new BatchMetadata(4, 9L, 4, 777L));
        assertThat(manager.firstUnstableOffset()).isEqualTo(-1);
    }
}
