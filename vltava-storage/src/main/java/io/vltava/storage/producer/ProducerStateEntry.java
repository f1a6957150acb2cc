package io.vltava.storage.producer;

import java.util.ArrayDeque;

/**
 * The state of one idempotent or transactional producer in one partition: its epoch, the last few
 * batches it wrote, the first offset of its ongoing transaction and the epoch of the transaction
 * coordinator that last ended one of its transactions.
 *
 * <p>Threading: guarded by the owning log's lock.
 */
final class ProducerStateEntry {

    /** Batches remembered per producer: the Java producer keeps at most 5 requests in flight. */
    static final int BATCHES_TO_RETAIN = 5;
    /** {@link #currentTxnFirstOffset()} when no transaction is ongoing. */
    static final long NO_TRANSACTION = -1L;
    /** {@link #coordinatorEpoch()} before any marker was written for the producer. */
    static final int NO_COORDINATOR_EPOCH = -1;

    private final long producerId;
    private short epoch;
    private long lastTimestamp;
    private long currentTxnFirstOffset = NO_TRANSACTION;
    private int coordinatorEpoch = NO_COORDINATOR_EPOCH;
    private final ArrayDeque<BatchMetadata> batches = new ArrayDeque<>(BATCHES_TO_RETAIN);

    ProducerStateEntry(long producerId, short epoch) {
        this.producerId = producerId;
        this.epoch = epoch;
    }

    long producerId() {
        return producerId;
    }

    short epoch() {
        return epoch;
    }

    long lastTimestamp() {
        return lastTimestamp;
    }

    /** The offset of the first batch of the producer's ongoing transaction here, or {@link #NO_TRANSACTION}. */
    long currentTxnFirstOffset() {
        return currentTxnFirstOffset;
    }

    void currentTxnFirstOffset(long offset) {
        currentTxnFirstOffset = offset;
    }

    int coordinatorEpoch() {
        return coordinatorEpoch;
    }

    Iterable<BatchMetadata> batches() {
        return batches;
    }

    int batchCount() {
        return batches.size();
    }

    /** The sequence of the last remembered record, or -1 when no batch is remembered. */
    int lastSequence() {
        BatchMetadata last = batches.peekLast();
        return last == null ? -1 : last.lastSequence();
    }

    /** The last remembered batch, or null when none is. */
    BatchMetadata lastBatch() {
        return batches.peekLast();
    }

    /** The remembered batch with exactly these sequences, or null. */
    BatchMetadata find(int firstSequence, int lastSequence) {
        for (BatchMetadata batch : batches) {
            if (batch.firstSequence() == firstSequence && batch.lastSequence() == lastSequence) {
                return batch;
            }
        }
        return null;
    }

    /** Records a batch written with {@code batchEpoch}; a new epoch forgets the old epoch's batches. */
    void add(short batchEpoch, BatchMetadata batch) {
        moveToEpoch(batchEpoch);
        if (batches.size() == BATCHES_TO_RETAIN) {
            batches.pollFirst();
        }
        batches.addLast(batch);
        lastTimestamp = batch.timestamp();
    }

    /**
     * Records a transaction marker written with {@code markerEpoch} by the coordinator of
     * {@code markerCoordinatorEpoch}: a new epoch forgets the old epoch's batches, and the transaction ends.
     */
    void endTransaction(short markerEpoch, int markerCoordinatorEpoch, long timestamp) {
        moveToEpoch(markerEpoch);
        coordinatorEpoch = markerCoordinatorEpoch;
        currentTxnFirstOffset = NO_TRANSACTION;
        lastTimestamp = timestamp;
    }

    /** Restores the fields a snapshot keeps beside the batches; a last timestamp of -1 keeps the one the batches gave. */
    void restoreTransaction(long txnFirstOffset, int snapshotCoordinatorEpoch, long snapshotLastTimestamp) {
        currentTxnFirstOffset = txnFirstOffset;
        coordinatorEpoch = snapshotCoordinatorEpoch;
        if (snapshotLastTimestamp != -1L) {
            lastTimestamp = snapshotLastTimestamp;
        }
    }

    private void moveToEpoch(short newEpoch) {
        if (newEpoch != epoch) {
            batches.clear();
            epoch = newEpoch;
        }
    }
}
