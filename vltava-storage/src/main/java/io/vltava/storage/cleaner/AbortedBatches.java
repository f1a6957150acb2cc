package io.vltava.storage.cleaner;

import io.vltava.storage.index.AbortedTransaction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Recognises the data batches of aborted transactions in the section a cleaning covers, from the log's
 * aborted transaction indexes: a transactional batch of producer P lies in an aborted transaction when
 * an entry of P starts at or before it and its ABORT marker comes after it. Such records are never
 * served to read_committed consumers, so the cleaner neither maps their keys (an aborted value must not
 * hide the committed one before it) nor keeps them. The section is below the last stable offset, so
 * every transaction there has ended.
 *
 * <p>Threading: one cleaning, on one thread.
 */
final class AbortedBatches {

    private final Map<Long, List<AbortedTransaction>> byProducer = new HashMap<>();

    AbortedBatches(List<AbortedTransaction> aborted) {
        for (AbortedTransaction transaction : aborted) {
            byProducer.computeIfAbsent(transaction.producerId(), id -> new ArrayList<>()).add(transaction);
        }
    }

    /** Whether {@code batch} holds records of an aborted transaction. */
    boolean isAborted(RecordBatch batch) {
        if (!batch.isTransactional() || batch.isControlBatch()) {
            return false;
        }
        List<AbortedTransaction> candidates = byProducer.get(batch.producerId());
        if (candidates == null) {
            return false;
        }
        for (AbortedTransaction transaction : candidates) {
            if (transaction.firstOffset() <= batch.baseOffset() && batch.lastOffset() < transaction.lastOffset()) {
                return true;
            }
        }
        return false;
    }
}
