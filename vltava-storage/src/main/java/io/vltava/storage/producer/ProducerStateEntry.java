package io.vltava.storage.producer;

import java.util.ArrayDeque;

/**
 * The state of one idempotent producer in one partition: its epoch and the last few batches it wrote.
 *
 * <p>Threading: guarded by the owning log's lock.
 */
final class ProducerStateEntry {

    /** Batches remembered per producer: the Java producer keeps at most 5 requests in flight. */
    static final int BATCHES_TO_RETAIN = 5;

    private final long producerId;
    private short epoch;
    private long lastTimestamp;
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
        if (batchEpoch != epoch) {
            batches.clear();
            epoch = batchEpoch;
        }
        if (batches.size() == BATCHES_TO_RETAIN) {
            batches.pollFirst();
        }
        batches.addLast(batch);
        lastTimestamp = batch.timestamp();
    }
}
