package io.vltava.storage.log;

/**
 * The outcome of a read.
 *
 * @param fetchOffset    the requested offset and where it lies in the log
 * @param slice          the batches read (size 0 when there is nothing to return)
 * @param highWatermark  the high watermark when the read was made
 * @param logStartOffset the log start offset when the read was made
 * @param logEndOffset   the log end offset when the read was made
 */
public record LogReadInfo(LogOffsetMetadata fetchOffset, LogSlice slice, long highWatermark, long logStartOffset,
                          long logEndOffset) {
}
