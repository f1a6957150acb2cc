package io.vltava.storage.cleaner;

import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * What one cleaning keeps, told to {@link MemoryRecords#filterTo} batch by batch and record by record.
 *
 * <p>A record is kept if it lies at or past the end of the mapped dirty section, has no key, or is the
 * latest record of its key (its key's offset in the map is not above its own, or its key is not in the
 * map). A kept tombstone (a record without value) is dropped once its batch's delete horizon has passed:
 * filterTo stamps a batch that keeps a tombstone with {@code now + delete.retention.ms} the first time it
 * rewrites it (Kafka's rule for magic v2 batches), so a tombstone stays readable for at least
 * {@code delete.retention.ms} after the cleaning that first kept it. Control batches are kept whole; the
 * records of aborted transactions in the mapped section are dropped.
 *
 * <p>A batch that loses all its records is dropped, except two kept as empty batches (header only):
 * the last batch of an idempotent producer the log still remembers, so its sequence and epoch survive a
 * rebuild of the producer state from the log, and the last batch of the cleaned group, so the cleaned
 * segment still ends where the group did (which lets a restart tell which segments a {@code .swap} file
 * replaces).
 *
 * <p>Threading: one cleaning of one group of segments, on one thread.
 */
final class CleanerFilter extends MemoryRecords.RecordFilter {

    private static final BatchRetentionResult KEEP_EVEN_IF_EMPTY = new BatchRetentionResult(BatchRetention.RETAIN_EMPTY, false);
    private static final BatchRetentionResult DROP_IF_EMPTY = new BatchRetentionResult(BatchRetention.DELETE_EMPTY, false);

    private final OffsetMap map;
    private final long mappedEnd;
    private final long groupEnd;
    private final Map<Long, Long> lastBatchOffsetsOfProducers;
    private final AbortedBatches aborted;

    /**
     * @param nowMs                       the time of the cleaning
     * @param deleteRetentionMs           the log's {@code delete.retention.ms}
     * @param map                         the latest offset of each key of the mapped dirty section
     * @param mappedEnd                   the offset after the mapped dirty section; later records are kept as they are
     * @param groupEnd                    the offset after the last batch of the group being cleaned (-1 if it has none)
     * @param lastBatchOffsetsOfProducers the last offset of the last batch of each producer the log remembers
     * @param aborted                     the batches of aborted transactions
     */
    CleanerFilter(long nowMs, long deleteRetentionMs, OffsetMap map, long mappedEnd, long groupEnd, Map<Long, Long> lastBatchOffsetsOfProducers,
                  AbortedBatches aborted) {
        super(nowMs, deleteRetentionMs);
        this.map = map;
        this.mappedEnd = mappedEnd;
        this.groupEnd = groupEnd;
        this.lastBatchOffsetsOfProducers = lastBatchOffsetsOfProducers;
        this.aborted = aborted;
    }

    @Override
    protected BatchRetentionResult checkBatchRetention(RecordBatch batch) {
        if (batch.nextOffset() == groupEnd) {
            return KEEP_EVEN_IF_EMPTY;
        }
        if (batch.hasProducerId()) {
            Long producersLast = lastBatchOffsetsOfProducers.get(batch.producerId());
            if (producersLast != null && producersLast == batch.lastOffset()) {
                return KEEP_EVEN_IF_EMPTY;
            }
        }
        return DROP_IF_EMPTY;
    }

    @Override
    protected boolean shouldRetainRecord(RecordBatch batch, Record record) {
        if (batch.isControlBatch()) {
            return true;
        }
        long offset = record.offset();
        if (offset >= mappedEnd) {
            return true;
        }
        if (aborted.isAborted(batch)) {
            return false;
        }
        if (!record.hasKey()) {
            return true;
        }
        if (map.get(record.key()) > offset) {
            return false;
        }
        if (record.hasValue()) {
            return true;
        }
        OptionalLong deleteHorizon = batch.deleteHorizonMs();
        return deleteHorizon.isEmpty() || currentTime < deleteHorizon.getAsLong();
    }
}
