package io.vltava.storage.log;

import java.util.concurrent.CompletableFuture;

/**
 * The outcome of an append.
 *
 * @param firstOffset    offset of the first appended record (of the original batch for a duplicate)
 * @param lastOffset     offset of the last appended record
 * @param logAppendTime  the broker time stamped on the batches, or -1 when the log keeps CreateTime;
 *                       for a duplicate, the stored batch's max timestamp
 * @param logStartOffset the log start offset after the append
 * @param duplicate      whether the batch was a retry of one already in the log, and nothing was written
 * @param durable        completes once the records are on disk as the log's flush policy requires
 *                       (at once when the policy does not ask for a flush)
 */
public record LogAppendInfo(long firstOffset, long lastOffset, long logAppendTime, long logStartOffset, boolean duplicate,
                            CompletableFuture<Void> durable) {
}
