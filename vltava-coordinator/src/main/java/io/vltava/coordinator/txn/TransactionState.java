package io.vltava.coordinator.txn;

/**
 * Where a transactional id's current transaction stands, with the names and ids Kafka uses
 * (DescribeTransactions and ListTransactions show the names; the ids are what records store).
 *
 * <p>Threading: immutable.
 */
public enum TransactionState {
    /** No transaction yet, or the last one was fully completed before a new producer epoch. */
    EMPTY(0, "Empty"),
    /** Partitions or offsets have been added; the producer is writing. */
    ONGOING(1, "Ongoing"),
    /** EndTxn(commit) is durable; markers are being written. */
    PREPARE_COMMIT(2, "PrepareCommit"),
    /** EndTxn(abort), a fencing InitProducerId or a timeout is durable; markers are being written. */
    PREPARE_ABORT(3, "PrepareAbort"),
    /** Every marker of a commit is written. */
    COMPLETE_COMMIT(4, "CompleteCommit"),
    /** Every marker of an abort is written. */
    COMPLETE_ABORT(5, "CompleteAbort"),
    /** The transactional id expired and is being removed. */
    DEAD(6, "Dead"),
    /** Kafka's state for an epoch bump in flight; this coordinator bumps with the PrepareAbort record instead. */
    PREPARE_EPOCH_FENCE(7, "PrepareEpochFence");

    private final short id;
    private final String displayName;

    TransactionState(int id, String displayName) {
        this.id = (short) id;
        this.displayName = displayName;
    }

    public short id() {
        return id;
    }

    /** Kafka's name, e.g. "PrepareCommit". */
    public String displayName() {
        return displayName;
    }

    /** Whether no transaction is in progress: a new one may start. */
    public boolean isIdle() {
        return this == EMPTY || this == COMPLETE_COMMIT || this == COMPLETE_ABORT;
    }

    public boolean isPrepare() {
        return this == PREPARE_COMMIT || this == PREPARE_ABORT;
    }

    /** @throws IllegalStateException for an id this code does not know */
    public static TransactionState of(short id) {
        for (TransactionState state : values()) {
            if (state.id == id) {
                return state;
            }
        }
        throw new IllegalStateException("Unknown transaction state " + id);
    }

    /** The state with Kafka's name {@code name}, or null. */
    public static TransactionState named(String name) {
        for (TransactionState state : values()) {
            if (state.displayName.equals(name)) {
                return state;
            }
        }
        return null;
    }
}
