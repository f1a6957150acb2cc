package io.vltava.coordinator.txn;

import io.vltava.common.topic.TopicPartition;
import io.vltava.coordinator.runtime.CoordinatorRecord;
import io.vltava.coordinator.runtime.CoordinatorShard;
import io.vltava.coordinator.runtime.ShardContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.kafka.common.errors.ConcurrentTransactionsException;
import org.apache.kafka.common.errors.InvalidPidMappingException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.InvalidTxnTimeoutException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData.TopicData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transactional ids of one partition of __transaction_state and their transactions' state
 * machine (Kafka's, transaction version 1): InitProducerId bumps the epoch (aborting an ongoing
 * transaction first, which fences the old producer), AddPartitionsToTxn/AddOffsetsToTxn make the
 * transaction Ongoing, EndTxn writes PrepareCommit/PrepareAbort and answers once that is durable, then
 * the markers go to every partition and group through the {@link TransactionMarkerWriter}, retried
 * until all are written, and CompleteCommit/CompleteAbort is written. Timers abort transactions that
 * outlive their timeout (with an epoch bump) and forget ids idle for transactional.id.expiration.ms.
 * Every change is one {@link TransactionRecords} record of the id's whole state.
 *
 * <p>Threading: owned by the shard's thread (see {@link io.vltava.coordinator.runtime.CoordinatorRuntime}).
 */
public final class TransactionShard implements CoordinatorShard {

    private static final Logger log = LoggerFactory.getLogger(TransactionShard.class);
    static final String ABORT_TIMER = "abort-timed-out-transactions";
    static final String EXPIRE_TIMER = "expire-transactional-ids";
    static final long MARKER_RETRY_MS = 100;

    private final ShardContext context;
    private final TransactionCoordinatorConfig config;
    private final TransactionMarkerWriter markers;
    private final Map<String, TransactionMetadata> transactions = new HashMap<>();
    private final Map<String, MarkerRound> rounds = new HashMap<>();

    /** InitProducerId needs a producer id it does not have: the caller allocates one and asks again with it. */
    static final class NeedsProducerId extends RuntimeException {
        NeedsProducerId() {
            super("A new producer id is needed", null, false, false);
        }
    }

    /** The markers of one decided transaction still to be written. */
    private static final class MarkerRound {
        final long producerId;
        final short producerEpoch;
        final boolean commit;
        final Set<TopicPartition> partitions;
        final Set<String> groups;
        int inFlight;

        MarkerRound(TransactionMetadata txn) {
            this.producerId = txn.producerId;
            this.producerEpoch = txn.producerEpoch;
            this.commit = txn.state == TransactionState.PREPARE_COMMIT;
            this.partitions = new LinkedHashSet<>(txn.partitions);
            this.groups = new LinkedHashSet<>(txn.groups);
        }
    }

    public TransactionShard(ShardContext context, TransactionCoordinatorConfig config, TransactionMarkerWriter markers) {
        this.context = context;
        this.config = config;
        this.markers = markers;
    }

    @Override
    public void replay(CoordinatorRecord record) {
        String transactionalId = TransactionRecords.readKey(record.key());
        if (record.isTombstone()) {
            transactions.remove(transactionalId);
        } else {
            transactions.put(transactionalId, TransactionRecords.readValue(transactionalId, record.value()));
        }
    }

    @Override
    public void onLoaded() {
        for (TransactionMetadata txn : transactions.values()) {
            if (txn.state.isPrepare()) {
                log.info("Completing transaction {} of producer {} epoch {} left in {}", txn.transactionalId, txn.producerId, txn.producerEpoch,
                        txn.state.displayName());
                startMarkers(txn);
            }
        }
        context.schedule(ABORT_TIMER, config.abortTimedOutIntervalMs(), this::abortTimedOutTransactions);
        context.schedule(EXPIRE_TIMER, config.removeExpiredIntervalMs(), this::expireTransactionalIds);
    }

    @Override
    public void onUnloaded() {
        rounds.clear();
    }

    /** The state of {@code transactionalId}, or null. */
    public TransactionMetadata transaction(String transactionalId) {
        return transactions.get(transactionalId);
    }

    // ---- InitProducerId

    /**
     * InitProducerId with a transactional id. {@code expectedProducerId}/{@code expectedEpoch} are -1,
     * or the producer's current ones when it asks for an epoch bump (KIP-360).
     *
     * @param newProducerId an unused producer id, or -1: if one is needed the future fails with
     *     {@link NeedsProducerId}
     */
    public CompletableFuture<InitProducerIdResponseData> initProducerId(String transactionalId, int timeoutMs, long expectedProducerId,
                                                                        short expectedEpoch, long newProducerId) {
        if (timeoutMs <= 0 || timeoutMs > config.maxTimeoutMs()) {
            throw new InvalidTxnTimeoutException("The transaction timeout " + timeoutMs + " ms is not in (0, " + config.maxTimeoutMs() + "]");
        }
        long now = context.time().milliseconds();
        TransactionMetadata txn = transactions.get(transactionalId);
        if (txn == null) {
            if (newProducerId < 0) {
                return CompletableFuture.failedFuture(new NeedsProducerId());
            }
            txn = new TransactionMetadata(transactionalId);
            txn.producerId = newProducerId;
            txn.producerEpoch = 0;
            txn.timeoutMs = timeoutMs;
            txn.lastUpdateTimestamp = now;
            transactions.put(transactionalId, txn);
            return write(txn, answerOf(txn));
        }
        if (txn.pendingWrite) {
            throw concurrent(txn);
        }
        boolean expected = expectedProducerId >= 0;
        if (expected && !isKnownProducer(txn, expectedProducerId, expectedEpoch)) {
            throw fenced(txn, expectedProducerId, expectedEpoch);
        }
        switch (txn.state) {
            case ONGOING -> {
                // Fence the producer and abort its transaction; the client retries and gets a second bump.
                TransactionMetadata fenced = txn;
                fenceAndAbort(fenced, now);
                return write(fenced, () -> {
                    startMarkers(fenced);
                    return null;
                }).thenCompose(ignored -> CompletableFuture.failedFuture(concurrent(fenced)));
            }
            case EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT -> {
                boolean current = !expected || expectedEpoch == txn.producerEpoch;
                if (txn.epochExhausted() && current) {
                    if (newProducerId < 0) {
                        return CompletableFuture.failedFuture(new NeedsProducerId());
                    }
                    txn.lastProducerId = txn.producerId;
                    txn.lastProducerEpoch = expected ? txn.producerEpoch : -1;
                    txn.producerId = newProducerId;
                    txn.producerEpoch = 0;
                } else if (current) {
                    txn.lastProducerEpoch = txn.producerEpoch;
                    txn.producerEpoch++;
                } else if (expectedEpoch == txn.lastProducerEpoch) {
                    // A retry of a bump whose answer the producer never got: the same answer.
                    return CompletableFuture.completedFuture(answerOf(txn).get());
                } else {
                    throw fenced(txn, expectedProducerId, expectedEpoch);
                }
                txn.state = TransactionState.EMPTY;
                txn.timeoutMs = timeoutMs;
                txn.partitions.clear();
                txn.groups.clear();
                txn.startTimestamp = -1;
                txn.lastUpdateTimestamp = now;
                return write(txn, answerOf(txn));
            }
            default -> throw concurrent(txn);
        }
    }

    /**
     * Whether a producer that names its id and epoch may have its epoch bumped: it is the current
     * producer id (the epoch is checked then), or the previous one retrying after its epoch ran out.
     */
    private static boolean isKnownProducer(TransactionMetadata txn, long producerId, short epoch) {
        return producerId == txn.producerId || (producerId == txn.lastProducerId && epoch >= Short.MAX_VALUE - 1);
    }

    private static ProducerFencedException fenced(TransactionMetadata txn, long producerId, short epoch) {
        return new ProducerFencedException("Producer " + producerId + " epoch " + epoch + " is not the current producer of " + txn.transactionalId);
    }

    private static Supplier<InitProducerIdResponseData> answerOf(TransactionMetadata txn) {
        long producerId = txn.producerId;
        short epoch = txn.producerEpoch;
        return () -> new InitProducerIdResponseData().setErrorCode(Errors.NONE.code()).setProducerId(producerId).setProducerEpoch(epoch);
    }

    // ---- AddPartitionsToTxn, AddOffsetsToTxn

    /** Adds partitions to the producer's transaction, starting it if none is ongoing. */
    public CompletableFuture<Void> addPartitions(String transactionalId, long producerId, short producerEpoch, Collection<TopicPartition> partitions) {
        return add(transactionalId, producerId, producerEpoch, partitions, null);
    }

    /** AddOffsetsToTxn: the transaction will commit offsets of {@code groupId}. */
    public CompletableFuture<Void> addOffsets(String transactionalId, long producerId, short producerEpoch, String groupId) {
        return add(transactionalId, producerId, producerEpoch, List.of(), groupId);
    }

    private CompletableFuture<Void> add(String transactionalId, long producerId, short producerEpoch, Collection<TopicPartition> partitions,
                                        String groupId) {
        TransactionMetadata txn = checkProducer(transactionalId, producerId, producerEpoch);
        if (txn.pendingWrite || txn.state.isPrepare() || txn.state == TransactionState.DEAD || txn.state == TransactionState.PREPARE_EPOCH_FENCE) {
            throw concurrent(txn);
        }
        if (txn.state == TransactionState.ONGOING && txn.partitions.containsAll(partitions) && (groupId == null || txn.groups.contains(groupId))) {
            return CompletableFuture.completedFuture(null);
        }
        long now = context.time().milliseconds();
        if (txn.state.isIdle()) {
            txn.partitions.clear();
            txn.groups.clear();
            txn.startTimestamp = now;
            txn.state = TransactionState.ONGOING;
        }
        txn.partitions.addAll(partitions);
        if (groupId != null) {
            txn.groups.add(groupId);
        }
        txn.lastUpdateTimestamp = now;
        return write(txn, () -> null);
    }

    /**
     * AddPartitionsToTxn with verifyOnly (the broker checking a transactional produce): whether each
     * partition is in the producer's ongoing transaction, INVALID_TXN_STATE if not. Writes nothing.
     */
    public Map<TopicPartition, Errors> verifyPartitions(String transactionalId, long producerId, short producerEpoch,
                                                        Collection<TopicPartition> partitions) {
        TransactionMetadata txn = checkProducer(transactionalId, producerId, producerEpoch);
        // A write still pending (other partitions being added) does not matter: a partition is only ever
        // produced to once its own addition was answered, so membership alone decides. Answering
        // CONCURRENT_TRANSACTIONS here would refuse one batch and accept the next, a sequence gap.
        Map<TopicPartition, Errors> errors = new LinkedHashMap<>();
        for (TopicPartition partition : partitions) {
            boolean added = txn.state == TransactionState.ONGOING && txn.partitions.contains(partition);
            errors.put(partition, added ? Errors.NONE : Errors.INVALID_TXN_STATE);
        }
        return errors;
    }

    private TransactionMetadata checkProducer(String transactionalId, long producerId, short producerEpoch) {
        TransactionMetadata txn = transactions.get(transactionalId);
        if (txn == null || txn.producerId != producerId) {
            throw new InvalidPidMappingException("Producer " + producerId + " is not the producer of transactional id " + transactionalId);
        }
        if (txn.producerEpoch != producerEpoch) {
            throw new ProducerFencedException("Producer " + producerId + " epoch " + producerEpoch + " is fenced by epoch " + txn.producerEpoch
                    + " of transactional id " + transactionalId);
        }
        return txn;
    }

    // ---- EndTxn

    /** EndTxn: completes once the PrepareCommit/PrepareAbort record is durable; the markers follow. */
    public CompletableFuture<Void> endTransaction(String transactionalId, long producerId, short producerEpoch, boolean commit) {
        TransactionMetadata txn = checkProducer(transactionalId, producerId, producerEpoch);
        if (txn.pendingWrite) {
            throw concurrent(txn);
        }
        return switch (txn.state) {
            case ONGOING -> {
                txn.state = commit ? TransactionState.PREPARE_COMMIT : TransactionState.PREPARE_ABORT;
                txn.lastUpdateTimestamp = context.time().milliseconds();
                yield write(txn, () -> {
                    startMarkers(txn);
                    return null;
                });
            }
            case PREPARE_COMMIT -> commit ? CompletableFuture.failedFuture(concurrent(txn)) : invalidTransition(txn, commit);
            case PREPARE_ABORT -> commit ? invalidTransition(txn, commit) : CompletableFuture.failedFuture(concurrent(txn));
            case COMPLETE_COMMIT -> commit ? CompletableFuture.completedFuture(null) : invalidTransition(txn, commit);
            case COMPLETE_ABORT -> commit ? invalidTransition(txn, commit) : CompletableFuture.completedFuture(null);
            case EMPTY -> invalidTransition(txn, commit);
            case DEAD, PREPARE_EPOCH_FENCE -> CompletableFuture.failedFuture(concurrent(txn));
        };
    }

    private static CompletableFuture<Void> invalidTransition(TransactionMetadata txn, boolean commit) {
        return CompletableFuture.failedFuture(new InvalidTxnStateException("Cannot " + (commit ? "commit" : "abort") + " transactional id "
                + txn.transactionalId + " in state " + txn.state.displayName()));
    }

    // ---- markers

    private void startMarkers(TransactionMetadata txn) {
        MarkerRound round = new MarkerRound(txn);
        rounds.put(txn.transactionalId, round);
        sendMarkers(txn.transactionalId, round);
    }

    private void sendMarkers(String transactionalId, MarkerRound round) {
        if (rounds.get(transactionalId) != round) {
            return;
        }
        if (round.partitions.isEmpty() && round.groups.isEmpty()) {
            complete(transactionalId, round);
            return;
        }
        int coordinatorEpoch = context.leaderEpoch();
        for (TopicPartition partition : List.copyOf(round.partitions)) {
            round.inFlight++;
            CompletableFuture<Void> written;
            try {
                written = markers.writeMarker(partition, round.producerId, round.producerEpoch, coordinatorEpoch, round.commit);
            } catch (RuntimeException e) {
                written = CompletableFuture.failedFuture(e);
            }
            written.whenComplete((ignored, failure) -> context.execute(() -> onMarker(transactionalId, round, partition, null, failure)));
        }
        for (String group : List.copyOf(round.groups)) {
            round.inFlight++;
            CompletableFuture<Void> written;
            try {
                written = markers.completeGroup(group, round.producerId, round.producerEpoch, round.commit);
            } catch (RuntimeException e) {
                written = CompletableFuture.failedFuture(e);
            }
            written.whenComplete((ignored, failure) -> context.execute(() -> onMarker(transactionalId, round, null, group, failure)));
        }
    }

    private void onMarker(String transactionalId, MarkerRound round, TopicPartition partition, String group, Throwable failure) {
        if (rounds.get(transactionalId) != round) {
            return;
        }
        round.inFlight--;
        if (failure == null) {
            if (partition != null) {
                round.partitions.remove(partition);
            } else {
                round.groups.remove(group);
            }
        } else {
            log.debug("A {} marker of transactional id {} for {} failed; retrying", round.commit ? "commit" : "abort", transactionalId,
                    partition != null ? partition : "group " + group, failure);
        }
        if (round.inFlight > 0) {
            return;
        }
        if (round.partitions.isEmpty() && round.groups.isEmpty()) {
            complete(transactionalId, round);
        } else {
            context.schedule("markers-" + transactionalId, MARKER_RETRY_MS, () -> sendMarkers(transactionalId, round));
        }
    }

    /** Every marker is written: the transaction is complete. */
    private void complete(String transactionalId, MarkerRound round) {
        TransactionMetadata txn = transactions.get(transactionalId);
        if (txn == null || !txn.state.isPrepare() || txn.producerId != round.producerId || txn.producerEpoch != round.producerEpoch) {
            rounds.remove(transactionalId);
            return;
        }
        txn.state = round.commit ? TransactionState.COMPLETE_COMMIT : TransactionState.COMPLETE_ABORT;
        txn.partitions.clear();
        txn.groups.clear();
        txn.lastUpdateTimestamp = context.time().milliseconds();
        write(txn, () -> null).whenComplete((ignored, failure) -> {
            if (rounds.get(transactionalId) == round) {
                rounds.remove(transactionalId);
            }
        });
    }

    // ---- timers

    /** Aborts ongoing transactions older than their timeout, bumping the epoch so their producer is fenced. */
    void abortTimedOutTransactions() {
        long now = context.time().milliseconds();
        for (TransactionMetadata txn : List.copyOf(transactions.values())) {
            if (txn.state == TransactionState.ONGOING && !txn.pendingWrite && txn.startTimestamp + txn.timeoutMs <= now) {
                log.info("Aborting transaction of transactional id {} (producer {} epoch {}): it is older than its timeout of {} ms",
                        txn.transactionalId, txn.producerId, txn.producerEpoch, txn.timeoutMs);
                fenceAndAbort(txn, now);
                write(txn, () -> {
                    startMarkers(txn);
                    return null;
                });
            }
        }
        context.schedule(ABORT_TIMER, config.abortTimedOutIntervalMs(), this::abortTimedOutTransactions);
    }

    /** Bumps the epoch (so the producer's later requests are fenced) and starts aborting its transaction. */
    private static void fenceAndAbort(TransactionMetadata txn, long now) {
        if (!txn.epochExhausted()) {
            txn.producerEpoch++;
        }
        // No previous epoch: the fenced producer must not pass for one retrying its own bump.
        txn.lastProducerEpoch = -1;
        txn.state = TransactionState.PREPARE_ABORT;
        txn.lastUpdateTimestamp = now;
    }

    /** Forgets transactional ids with no transaction that have been idle for transactional.id.expiration.ms. */
    void expireTransactionalIds() {
        long now = context.time().milliseconds();
        for (TransactionMetadata txn : List.copyOf(transactions.values())) {
            if (txn.state.isIdle() && !txn.pendingWrite && txn.lastUpdateTimestamp + config.idExpirationMs() <= now) {
                log.info("Transactional id {} expired: idle since {}", txn.transactionalId, txn.lastUpdateTimestamp);
                txn.state = TransactionState.DEAD;
                txn.pendingWrite = true;
                context.append(List.of(TransactionRecords.tombstone(txn.transactionalId))).thenRun(() -> {
                    if (transactions.get(txn.transactionalId) == txn) {
                        transactions.remove(txn.transactionalId);
                    }
                });
            }
        }
        context.schedule(EXPIRE_TIMER, config.removeExpiredIntervalMs(), this::expireTransactionalIds);
    }

    // ---- admin

    /** DescribeTransactions of one id; TRANSACTIONAL_ID_NOT_FOUND if unknown. */
    public DescribeTransactionsResponseData.TransactionState describe(String transactionalId) {
        DescribeTransactionsResponseData.TransactionState described = new DescribeTransactionsResponseData.TransactionState()
                .setTransactionalId(transactionalId);
        TransactionMetadata txn = transactions.get(transactionalId);
        if (txn == null || txn.state == TransactionState.DEAD) {
            return described.setErrorCode(Errors.TRANSACTIONAL_ID_NOT_FOUND.code()).setTransactionState("").setProducerId(-1)
                    .setProducerEpoch((short) -1).setTransactionStartTimeMs(-1);
        }
        described.setErrorCode(Errors.NONE.code()).setTransactionState(txn.state.displayName()).setTransactionTimeoutMs(txn.timeoutMs)
                .setTransactionStartTimeMs(txn.startTimestamp).setProducerId(txn.producerId).setProducerEpoch(txn.producerEpoch);
        Map<String, List<Integer>> byTopic = new LinkedHashMap<>();
        for (TopicPartition partition : txn.partitions) {
            byTopic.computeIfAbsent(partition.topic(), ignored -> new ArrayList<>()).add(partition.partition());
        }
        byTopic.forEach((topic, partitions) -> described.topics().add(new TopicData().setTopic(topic).setPartitions(partitions)));
        return described;
    }

    /**
     * ListTransactions on this shard; each filter is ignored when empty (or negative for the duration,
     * null for the pattern).
     */
    public List<ListTransactionsResponseData.TransactionState> list(Set<TransactionState> states, Set<Long> producerIds, long minDurationMs,
                                                                    Pattern transactionalIdPattern) {
        long now = context.time().milliseconds();
        List<ListTransactionsResponseData.TransactionState> listed = new ArrayList<>();
        for (TransactionMetadata txn : transactions.values()) {
            if (txn.state == TransactionState.DEAD
                    || (!states.isEmpty() && !states.contains(txn.state))
                    || (!producerIds.isEmpty() && !producerIds.contains(txn.producerId))
                    || (minDurationMs >= 0 && (txn.startTimestamp < 0 || now - txn.startTimestamp < minDurationMs))
                    || (transactionalIdPattern != null && !transactionalIdPattern.matcher(txn.transactionalId).matches())) {
                continue;
            }
            listed.add(new ListTransactionsResponseData.TransactionState().setTransactionalId(txn.transactionalId)
                    .setProducerId(txn.producerId).setTransactionState(txn.state.displayName()));
        }
        return listed;
    }

    // ---- writes

    /** Writes {@code txn}'s state; other requests about it get CONCURRENT_TRANSACTIONS until it is durable. */
    private <T> CompletableFuture<T> write(TransactionMetadata txn, Supplier<T> onDurable) {
        txn.pendingWrite = true;
        return context.append(List.of(TransactionRecords.record(txn))).thenApply(ignored -> {
            txn.pendingWrite = false;
            return onDurable.get();
        });
    }

    private static ConcurrentTransactionsException concurrent(TransactionMetadata txn) {
        return new ConcurrentTransactionsException("Transactional id " + txn.transactionalId + " is in state " + txn.state.displayName()
                + (txn.pendingWrite ? " with a write in flight" : ""));
    }
}
