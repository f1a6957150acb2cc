package io.vltava.broker.fetch;

import io.vltava.protocol.records.LogSliceRecords;
import io.vltava.storage.log.LogOffsetMetadata;
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
 */
public record FetchedPartition(FetchTarget target, Errors error, long highWatermark, long logStartOffset, LogSliceRecords records,
                               int divergingEpoch, long divergingEndOffset, LogOffsetMetadata position) {

    public static FetchedPartition error(FetchTarget target, Errors error) {
        return new FetchedPartition(target, error, -1, -1, null, -1, -1, null);
    }

    public int bytes() {
        return records == null ? 0 : records.sizeInBytes();
    }
}
