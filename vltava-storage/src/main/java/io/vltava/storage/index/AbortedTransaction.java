package io.vltava.storage.index;

/**
 * One aborted transaction of one producer on one partition, as the aborted transaction index keeps it
 * and as read_committed fetches return it.
 *
 * <p>Threading: immutable.
 *
 * @param producerId       the producer whose transaction was aborted
 * @param firstOffset      the offset of the transaction's first batch on the partition
 * @param lastOffset       the offset of the ABORT marker that ended it
 * @param lastStableOffset the partition's last stable offset right after the marker was written
 */
public record AbortedTransaction(long producerId, long firstOffset, long lastOffset, long lastStableOffset) {
}
