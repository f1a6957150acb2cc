package io.vltava.storage.log;

/** Why the log refused an append; the broker maps each to the Kafka error code clients expect. */
public enum AppendError {
    /** A producer's batch does not follow its previous one in sequence. */
    OUT_OF_ORDER_SEQUENCE,
    /** A producer wrote with an epoch older than one already seen. */
    INVALID_PRODUCER_EPOCH,
    /** A transaction marker came from a transaction coordinator older than the one that last wrote one for the producer. */
    TRANSACTION_COORDINATOR_FENCED,
    /** A producer with a transaction ongoing on the partition wrote a batch outside it. */
    INVALID_TXN_STATE,
    /** The batches are larger than a whole segment. */
    BATCH_LARGER_THAN_SEGMENT,
    /** The log's directory failed; the partition is offline. */
    STORAGE_ERROR
}
