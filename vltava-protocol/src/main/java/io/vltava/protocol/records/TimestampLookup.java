package io.vltava.protocol.records;

import java.nio.ByteBuffer;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;

/**
 * Finds records by timestamp inside stored batches, for ListOffsets: the log finds the batch by its
 * header, this finds the record within it (decompressing if needed).
 *
 * <p>Threading: stateless.
 */
public final class TimestampLookup {

    private TimestampLookup() {
    }

    /**
     * A record's offset and timestamp, and the leader epoch of its batch.
     *
     * <p>Threading: immutable; safe from any thread.
     */
    public record Found(long offset, long timestamp, int leaderEpoch) {
    }

    /**
     * The first record at or above offset {@code minOffset} (the log start offset) with a timestamp at
     * least {@code target} in the stored batches of {@code bytes}, or null.
     */
    public static Found firstAtOrAfter(ByteBuffer bytes, long target, long minOffset) {
        for (MutableRecordBatch batch : MemoryRecords.readableRecords(bytes).batches()) {
            try (CloseableIterator<Record> records = batch.skipKeyValueIterator(BufferSupplier.NO_CACHING)) {
                while (records.hasNext()) {
                    Record record = records.next();
                    if (record.timestamp() >= target && record.offset() >= minOffset) {
                        return new Found(record.offset(), record.timestamp(), batch.partitionLeaderEpoch());
                    }
                }
            }
        }
        return null;
    }

    /** The first record holding the largest timestamp in the stored batches of {@code bytes}, or null when empty. */
    public static Found maxTimestamp(ByteBuffer bytes) {
        Found best = null;
        for (MutableRecordBatch batch : MemoryRecords.readableRecords(bytes).batches()) {
            try (CloseableIterator<Record> records = batch.skipKeyValueIterator(BufferSupplier.NO_CACHING)) {
                while (records.hasNext()) {
                    Record record = records.next();
                    if (best == null || record.timestamp() > best.timestamp()) {
                        best = new Found(record.offset(), record.timestamp(), batch.partitionLeaderEpoch());
                    }
                }
            }
        }
        return best;
    }
}
