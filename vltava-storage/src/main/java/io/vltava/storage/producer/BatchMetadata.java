package io.vltava.storage.producer;

import io.vltava.storage.record.BatchHeader;

/**
 * What is remembered of one appended batch of an idempotent producer, enough to recognise a retry of
 * it and answer with its original offsets.
 *
 * @param lastSequence the sequence of the batch's last record
 * @param lastOffset   the offset of the batch's last record
 * @param offsetDelta  records in the batch minus one
 * @param timestamp    the batch's max timestamp as stored
 */
public record BatchMetadata(int lastSequence, long lastOffset, int offsetDelta, long timestamp) {

    public int firstSequence() {
        return decrementSequence(lastSequence, offsetDelta);
    }

    public long firstOffset() {
        return lastOffset - offsetDelta;
    }

    /** {@code sequence - decrement}, wrapping below 0 to Integer.MAX_VALUE as sequences do. */
    static int decrementSequence(int sequence, int decrement) {
        if (sequence < decrement) {
            return Integer.MAX_VALUE - (decrement - sequence) + 1;
        }
        return sequence - decrement;
    }

    static boolean isNext(int lastSequence, int nextSequence) {
        return nextSequence == BatchHeader.incrementSequence(lastSequence, 1);
    }
}
