package io.vltava.coordinator.txn;

import io.vltava.common.topic.TopicPartition;
import java.util.concurrent.CompletableFuture;

/**
 * Where the transaction coordinator sends its decisions: a COMMIT or ABORT marker to each data
 * partition of a transaction (WriteTxnMarkers semantics), and the outcome to the group coordinator of
 * each group whose offsets the transaction committed. The broker implements it in-process today; it
 * can later send WriteTxnMarkers to the partitions' leaders instead.
 *
 * <p>Threading: called on a transaction shard's thread; the futures may complete on any thread.
 */
public interface TransactionMarkerWriter {

    /**
     * Writes the marker to {@code partition}.
     *
     * @return completes once the marker is durable, or at once if the partition no longer exists;
     *     exceptionally if it must be retried
     */
    CompletableFuture<Void> writeMarker(TopicPartition partition, long producerId, short producerEpoch, int coordinatorEpoch, boolean commit);

    /**
     * Makes the offsets the transaction staged for {@code groupId} committed, or drops them.
     *
     * @return completes once done; exceptionally if it must be retried
     */
    CompletableFuture<Void> completeGroup(String groupId, long producerId, short producerEpoch, boolean commit);
}
