package io.vltava.storage.log;

import io.vltava.storage.index.AbortedTransaction;
import java.util.List;

/**
 * The outcome of a read.
 *
 * @param fetchOffset         the requested offset and where it lies in the log
 * @param slice               the batches read (size 0 when there is nothing to return)
 * @param highWatermark       the high watermark when the read was made
 * @param logStartOffset      the log start offset when the read was made
 * @param logEndOffset        the log end offset when the read was made
 * @param lastStableOffset    the last stable offset when the read was made
 * @param abortedTransactions for a {@link FetchIsolation#TXN_COMMITTED} read, the aborted transactions that
 *                            overlap the range read (possibly empty); null for other reads
 */
public record LogReadInfo(LogOffsetMetadata fetchOffset, LogSlice slice, long highWatermark, long logStartOffset,
                          long logEndOffset, long lastStableOffset, List<AbortedTransaction> abortedTransactions) {

    /** A read outside transactions, whose last stable offset is taken to be the high watermark. */
    public LogReadInfo(LogOffsetMetadata fetchOffset, LogSlice slice, long highWatermark, long logStartOffset, long logEndOffset) {
        this(fetchOffset, slice, highWatermark, logStartOffset, logEndOffset, highWatermark, null);
    }
}
