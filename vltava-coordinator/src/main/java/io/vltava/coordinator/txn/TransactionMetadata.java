package io.vltava.coordinator.txn;

import io.vltava.common.topic.TopicPartition;
import java.util.Set;
import java.util.TreeSet;

/**
 * The durable state of one transactional id, as its latest record in __transaction_state says, plus
 * whether a write about it is still in flight (then other requests get CONCURRENT_TRANSACTIONS).
 *
 * <p>Threading: owned by the shard's thread.
 */
public final class TransactionMetadata {

    final String transactionalId;
    long producerId;
    /** The producer id before the last change of id (epoch exhaustion); -1 if none. */
    long lastProducerId = -1;
    short producerEpoch;
    /** The epoch before the last bump, so a retried InitProducerId can be recognised; -1 if none. */
    short lastProducerEpoch = -1;
    int timeoutMs;
    TransactionState state = TransactionState.EMPTY;
    final Set<TopicPartition> partitions = new TreeSet<>(TopicPartition.COMPARATOR);
    final Set<String> groups = new TreeSet<>();
    long startTimestamp = -1;
    long lastUpdateTimestamp;
    /** A record about this id is being written; not durable state. */
    boolean pendingWrite;

    TransactionMetadata(String transactionalId) {
        this.transactionalId = transactionalId;
    }

    public String transactionalId() {
        return transactionalId;
    }

    public long producerId() {
        return producerId;
    }

    public short producerEpoch() {
        return producerEpoch;
    }

    public int timeoutMs() {
        return timeoutMs;
    }

    public TransactionState state() {
        return state;
    }

    public Set<TopicPartition> partitions() {
        return Set.copyOf(partitions);
    }

    public Set<String> groups() {
        return Set.copyOf(groups);
    }

    public long startTimestamp() {
        return startTimestamp;
    }

    public long lastUpdateTimestamp() {
        return lastUpdateTimestamp;
    }

    /** Whether the epoch cannot be bumped again without a new producer id. */
    boolean epochExhausted() {
        return producerEpoch >= Short.MAX_VALUE - 1;
    }
}
