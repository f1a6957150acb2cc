package io.vltava.broker.fetch;

import io.vltava.protocol.records.LogSliceRecords;
import io.vltava.storage.index.AbortedTransaction;
import io.vltava.storage.log.LogOffsetMetadata;
import java.util.List;
import org.apache.kafka.common.protocol.Errors;

/**
 * The result of reading one partition for a fetch.
 *
 * <p>Threading: immutable; safe from any thread (its records are read from the log file by position).
 *
 * @param target             what was asked
 * @param error              the partition's error, NONE on success
 * @param highWatermark      the high watermark, or -1 with an error
 * @param logStartOffset     the log start offset, or -1 with an error
 * @param records            the data, or null with an error
 * @param divergingEpoch     the epoch the client's log diverges at, or -1
 * @param divergingEndOffset where that epoch ends, or -1
 * @param position           where the read started in the log, for a fetch that waits for more; null with an error
 * @param lastStableOffset   the last stable offset, or -1 with an error
 * @param abortedTransactions for a read_committed read, the aborted transactions overlapping the records; null otherwise
 */
public record FetchedPartition(FetchTarget target, Errors error, long highWatermark, long logStartOffset, LogSliceRecords records,
                               int divergingEpoch, long divergingEndOffset, LogOffsetMetadata position, long lastStableOffset,
                               List<AbortedTransaction> abortedTransactions) {

    /** A result outside transactions: the last stable offset is the high watermark. */
    public FetchedPartition(FetchTarget target, Errors error, long highWatermark, long logStartOffset, LogSliceRecords records,
                            int divergingEpoch, long divergingEndOffset, LogOffsetMetadata position) {
        this(target, error, highWatermark, logStartOffset, records, divergingEpoch, divergingEndOffset, position, highWatermark, null);
    }

    public static FetchedPartition error(FetchTarget target, Errors error) {
        return new FetchedPartition(target, error, -1, -1, null, -1, -1, null);
    }

    public int bytes() {
        return records == null ? 0 : records.sizeInBytes();
    }
}
