package io.vltava.coordinator.txn;

/**
 * The transaction coordinator's settings, from the broker's transaction.* configuration keys.
 *
 * @param stateLogPartitions          transaction.state.log.num.partitions
 * @param maxTimeoutMs                transaction.max.timeout.ms: longest transaction.timeout.ms accepted
 * @param idExpirationMs              transactional.id.expiration.ms: idle ids are forgotten after this
 * @param abortTimedOutIntervalMs     transaction.abort.timed.out.transaction.cleanup.interval.ms
 * @param removeExpiredIntervalMs     transaction.remove.expired.transaction.cleanup.interval.ms
 *
 * <p>Threading: immutable.
 */
public record TransactionCoordinatorConfig(int stateLogPartitions, int maxTimeoutMs, long idExpirationMs, long abortTimedOutIntervalMs,
                                           long removeExpiredIntervalMs) {

    /** Kafka's defaults. */
    public static TransactionCoordinatorConfig defaults() {
        return new TransactionCoordinatorConfig(50, 900_000, 604_800_000L, 10_000L, 3_600_000L);
    }
}
