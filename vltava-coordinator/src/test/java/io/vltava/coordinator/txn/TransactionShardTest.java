package io.vltava.coordinator.txn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vltava.common.topic.TopicPartition;
import io.vltava.coordinator.runtime.CoordinatorRecord;
import io.vltava.coordinator.runtime.ManualShardContext;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.kafka.common.errors.ConcurrentTransactionsException;
import org.apache.kafka.common.errors.InvalidPidMappingException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.InvalidTxnTimeoutException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class TransactionShardTest {

    private static final String TXN = "txn-1";
    private static final TopicPartition A0 = new TopicPartition("a", 0);
    private static final TopicPartition B1 = new TopicPartition("b", 1);
    private static final TransactionCoordinatorConfig CONFIG = TransactionCoordinatorConfig.defaults();

    private final ManualShardContext context = new ManualShardContext();
    private final FakeMarkerWriter writer = new FakeMarkerWriter();
    private TransactionShard shard = loaded(context, List.of());
    private long nextProducerId = 1000;

    private TransactionShard loaded(ManualShardContext shardContext, List<CoordinatorRecord> records) {
        TransactionShard loading = new TransactionShard(shardContext, CONFIG, writer);
        records.forEach(loading::replay);
        loading.onLoaded();
        return loading;
    }

    /** InitProducerId as the facade does it: with a new producer id only when the shard asks for one. */
    private InitProducerIdResponseData init(int timeoutMs, long producerId, short epoch) {
        CompletableFuture<InitProducerIdResponseData> first = shard.initProducerId(TXN, timeoutMs, producerId, epoch, -1);
        if (first.isCompletedExceptionally() && causeOf(first) instanceof TransactionShard.NeedsProducerId) {
            first = shard.initProducerId(TXN, timeoutMs, producerId, epoch, nextProducerId++);
        }
        return first.join();
    }

    private InitProducerIdResponseData init() {
        return init(60_000, -1, (short) -1);
    }

    private static Throwable causeOf(CompletableFuture<?> future) {
        try {
            future.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    /** The failure of an operation, whether it throws or returns a failed future. */
    private static Throwable failureOf(Supplier<CompletableFuture<?>> operation) {
        try {
            return causeOf(operation.get());
        } catch (RuntimeException e) {
            return e;
        }
    }

    private TransactionState state() {
        return shard.transaction(TXN).state();
    }

    @Test
    void aNewTransactionalIdGetsANewProducerIdWithEpochZeroAndEachInitBumpsTheEpoch() {
        InitProducerIdResponseData first = init();
        assertThat(first.producerId()).isEqualTo(1000);
        assertThat(first.producerEpoch()).isEqualTo((short) 0);
        InitProducerIdResponseData second = init();
        assertThat(second.producerId()).isEqualTo(1000);
        assertThat(second.producerEpoch()).isEqualTo((short) 1);
        assertThat(state()).isEqualTo(TransactionState.EMPTY);
        assertThat(context.log()).hasSize(2);
    }

    @Test
    void aTimeoutAboveTheMaximumIsRefused() {
        assertThat(failureOf(() -> shard.initProducerId(TXN, CONFIG.maxTimeoutMs() + 1, -1, (short) -1, 5)))
                .isInstanceOf(InvalidTxnTimeoutException.class);
        assertThat(failureOf(() -> shard.initProducerId(TXN, 0, -1, (short) -1, 5))).isInstanceOf(InvalidTxnTimeoutException.class);
    }

    @Test
    void aCommitWritesPrepareCommitThenAMarkerToEveryPartitionAndGroupThenCompleteCommit() {
        InitProducerIdResponseData producer = init();
        long id = producer.producerId();
        short epoch = producer.producerEpoch();
        shard.addPartitions(TXN, id, epoch, List.of(A0)).join();
        shard.addPartitions(TXN, id, epoch, List.of(B1)).join();
        shard.addOffsets(TXN, id, epoch, "group-1").join();
        assertThat(state()).isEqualTo(TransactionState.ONGOING);
        assertThat(shard.transaction(TXN).partitions()).containsExactlyInAnyOrder(A0, B1);

        shard.endTransaction(TXN, id, epoch, true).join();
        assertThat(writer.markers).containsExactlyInAnyOrder(new FakeMarkerWriter.Marker(A0, id, epoch, true),
                new FakeMarkerWriter.Marker(B1, id, epoch, true));
        assertThat(writer.groups).containsExactly(new FakeMarkerWriter.GroupCompletion("group-1", id, epoch, true));
        assertThat(state()).isEqualTo(TransactionState.PREPARE_COMMIT);
        context.runDueTimers();
        assertThat(state()).isEqualTo(TransactionState.COMPLETE_COMMIT);
        assertThat(shard.transaction(TXN).partitions()).isEmpty();
        // A retried EndTxn(commit) succeeds; an abort now is an invalid transition.
        shard.endTransaction(TXN, id, epoch, true).join();
        assertThat(failureOf(() -> shard.endTransaction(TXN, id, epoch, false))).isInstanceOf(InvalidTxnStateException.class);
        // The next transaction starts from nothing.
        shard.addPartitions(TXN, id, epoch, List.of(B1)).join();
        assertThat(shard.transaction(TXN).partitions()).containsExactly(B1);
    }

    @Test
    void anAbortWritesAbortMarkers() {
        InitProducerIdResponseData producer = init();
        shard.addPartitions(TXN, producer.producerId(), producer.producerEpoch(), List.of(A0)).join();
        shard.endTransaction(TXN, producer.producerId(), producer.producerEpoch(), false).join();
        context.runDueTimers();
        assertThat(writer.markers).containsExactly(new FakeMarkerWriter.Marker(A0, producer.producerId(), producer.producerEpoch(), false));
        assertThat(state()).isEqualTo(TransactionState.COMPLETE_ABORT);
    }

    @Test
    void aSecondInitFencesTheOngoingTransactionAbortsItAndTheRetryGetsTheNextEpoch() {
        InitProducerIdResponseData old = init();
        shard.addPartitions(TXN, old.producerId(), old.producerEpoch(), List.of(A0)).join();

        assertThat(failureOf(() -> shard.initProducerId(TXN, 60_000, -1, (short) -1, -1))).isInstanceOf(ConcurrentTransactionsException.class);
        context.runDueTimers();
        assertThat(writer.markers).containsExactly(new FakeMarkerWriter.Marker(A0, old.producerId(), (short) 1, false));
        assertThat(state()).isEqualTo(TransactionState.COMPLETE_ABORT);

        InitProducerIdResponseData fresh = init();
        assertThat(fresh.producerId()).isEqualTo(old.producerId());
        assertThat(fresh.producerEpoch()).isEqualTo((short) 2);
        assertThat(failureOf(() -> shard.addPartitions(TXN, old.producerId(), old.producerEpoch(), List.of(A0))))
                .isInstanceOf(ProducerFencedException.class);
        assertThat(failureOf(() -> shard.endTransaction(TXN, old.producerId(), old.producerEpoch(), true)))
                .isInstanceOf(ProducerFencedException.class);
    }

    @Test
    void requestsWhileMarkersAreBeingWrittenGetConcurrentTransactions() {
        InitProducerIdResponseData producer = init();
        shard.addPartitions(TXN, producer.producerId(), producer.producerEpoch(), List.of(A0)).join();
        writer.hold = true;
        shard.endTransaction(TXN, producer.producerId(), producer.producerEpoch(), true).join();
        assertThat(failureOf(() -> shard.addPartitions(TXN, producer.producerId(), producer.producerEpoch(), List.of(B1))))
                .isInstanceOf(ConcurrentTransactionsException.class);
        assertThat(failureOf(() -> shard.endTransaction(TXN, producer.producerId(), producer.producerEpoch(), true)))
                .isInstanceOf(ConcurrentTransactionsException.class);
        assertThat(failureOf(() -> shard.endTransaction(TXN, producer.producerId(), producer.producerEpoch(), false)))
                .isInstanceOf(InvalidTxnStateException.class);
        assertThat(failureOf(() -> shard.initProducerId(TXN, 60_000, -1, (short) -1, -1))).isInstanceOf(ConcurrentTransactionsException.class);
        writer.held.forEach(future -> future.complete(null));
        context.runDueTimers();
        assertThat(state()).isEqualTo(TransactionState.COMPLETE_COMMIT);
    }

    @Test
    void aRequestWhileARecordIsBeingWrittenGetsConcurrentTransactions() {
        InitProducerIdResponseData producer = init();
        context.holdAppends();
        CompletableFuture<Void> adding = shard.addPartitions(TXN, producer.producerId(), producer.producerEpoch(), List.of(A0));
        assertThat(failureOf(() -> shard.endTransaction(TXN, producer.producerId(), producer.producerEpoch(), true)))
                .isInstanceOf(ConcurrentTransactionsException.class);
        assertThat(adding).isNotDone();
        context.completeHeld();
        assertThat(adding).isCompleted();
        shard.endTransaction(TXN, producer.producerId(), producer.producerEpoch(), true).join();
    }

    @Test
    void failedMarkersAreRetriedUntilWritten() {
        InitProducerIdResponseData producer = init();
        shard.addPartitions(TXN, producer.producerId(), producer.producerEpoch(), List.of(A0, B1)).join();
        writer.failuresLeft = 3;
        shard.endTransaction(TXN, producer.producerId(), producer.producerEpoch(), true).join();
        context.runDueTimers();
        assertThat(state()).isEqualTo(TransactionState.PREPARE_COMMIT);
        context.advance(TransactionShard.MARKER_RETRY_MS);
        context.advance(TransactionShard.MARKER_RETRY_MS);
        assertThat(state()).isEqualTo(TransactionState.COMPLETE_COMMIT);
        assertThat(writer.markers).extracting(FakeMarkerWriter.Marker::partition).containsExactlyInAnyOrder(A0, B1);
    }

    @Test
    void wrongProducersAndStatesAreRefusedWithTheErrorsTheProducerExpects() {
        assertThat(failureOf(() -> shard.addPartitions(TXN, 1, (short) 0, List.of(A0)))).isInstanceOf(InvalidPidMappingException.class);
        InitProducerIdResponseData producer = init();
        assertThat(failureOf(() -> shard.addPartitions(TXN, producer.producerId() + 1, producer.producerEpoch(), List.of(A0))))
                .isInstanceOf(InvalidPidMappingException.class);
        assertThat(failureOf(() -> shard.addPartitions(TXN, producer.producerId(), (short) 7, List.of(A0))))
                .isInstanceOf(ProducerFencedException.class);
        assertThat(failureOf(() -> shard.endTransaction(TXN, producer.producerId(), producer.producerEpoch(), true)))
                .isInstanceOf(InvalidTxnStateException.class);
        assertThat(failureOf(() -> shard.initProducerId(TXN, 60_000, producer.producerId(), (short) 9, -1)))
                .isInstanceOf(ProducerFencedException.class);
    }

    @Test
    void anInitWithTheCurrentProducerBumpsAndItsRetryGetsTheSameAnswer() {
        InitProducerIdResponseData producer = init();
        InitProducerIdResponseData bumped = init(60_000, producer.producerId(), producer.producerEpoch());
        assertThat(bumped.producerEpoch()).isEqualTo((short) 1);
        InitProducerIdResponseData retried = init(60_000, producer.producerId(), producer.producerEpoch());
        assertThat(retried.producerEpoch()).isEqualTo((short) 1);
    }

    @Test
    void anExhaustedEpochGetsANewProducerId() {
        InitProducerIdResponseData producer = init();
        while (producer.producerEpoch() < Short.MAX_VALUE - 1) {
            producer = init();
        }
        long exhausted = producer.producerId();
        InitProducerIdResponseData renewed = init(60_000, exhausted, producer.producerEpoch());
        assertThat(renewed.producerId()).isNotEqualTo(exhausted);
        assertThat(renewed.producerEpoch()).isEqualTo((short) 0);
        // The old producer's retry gets the new id again; another epoch of the old id is fenced.
        assertThat(init(60_000, exhausted, (short) (Short.MAX_VALUE - 1)).producerId()).isEqualTo(renewed.producerId());
        assertThat(failureOf(() -> shard.initProducerId(TXN, 60_000, exhausted, (short) 3, -1))).isInstanceOf(ProducerFencedException.class);
    }

    @Test
    void aTransactionOlderThanItsTimeoutIsAbortedWithAnEpochBumpThatFencesItsProducer() {
        InitProducerIdResponseData producer = init(1_000, -1, (short) -1);
        shard.addPartitions(TXN, producer.producerId(), producer.producerEpoch(), List.of(A0)).join();
        context.advance(CONFIG.abortTimedOutIntervalMs());
        assertThat(state()).isEqualTo(TransactionState.COMPLETE_ABORT);
        assertThat(writer.markers).containsExactly(new FakeMarkerWriter.Marker(A0, producer.producerId(), (short) 1, false));
        assertThat(failureOf(() -> shard.endTransaction(TXN, producer.producerId(), producer.producerEpoch(), true)))
                .isInstanceOf(ProducerFencedException.class);
        assertThat(failureOf(() -> shard.initProducerId(TXN, 1_000, producer.producerId(), producer.producerEpoch(), -1)))
                .as("the fenced producer asking for a bump").isInstanceOf(ProducerFencedException.class);
        assertThat(init().producerEpoch()).isEqualTo((short) 2);
    }

    @Test
    void aTransactionWithinItsTimeoutIsLeftAlone() {
        InitProducerIdResponseData producer = init(60_000, -1, (short) -1);
        shard.addPartitions(TXN, producer.producerId(), producer.producerEpoch(), List.of(A0)).join();
        context.advance(CONFIG.abortTimedOutIntervalMs() * 5);
        assertThat(state()).isEqualTo(TransactionState.ONGOING);
    }

    @Test
    void aShardLoadedMidPrepareCommitWritesTheMarkersAndCompletes() {
        InitProducerIdResponseData producer = init();
        shard.addPartitions(TXN, producer.producerId(), producer.producerEpoch(), List.of(A0, B1)).join();
        writer.hold = true;
        shard.endTransaction(TXN, producer.producerId(), producer.producerEpoch(), true).join();
        List<CoordinatorRecord> durable = context.log();

        writer.hold = false;
        writer.markers.clear();
        ManualShardContext reloaded = new ManualShardContext();
        shard = loaded(reloaded, durable);
        assertThat(state()).isEqualTo(TransactionState.PREPARE_COMMIT);
        reloaded.runDueTimers();
        assertThat(state()).isEqualTo(TransactionState.COMPLETE_COMMIT);
        assertThat(writer.markers).containsExactlyInAnyOrder(new FakeMarkerWriter.Marker(A0, producer.producerId(), producer.producerEpoch(), true),
                new FakeMarkerWriter.Marker(B1, producer.producerId(), producer.producerEpoch(), true));
    }

    @Test
    void recordsReplayToTheSameState() {
        InitProducerIdResponseData producer = init(30_000, -1, (short) -1);
        shard.addPartitions(TXN, producer.producerId(), producer.producerEpoch(), List.of(A0)).join();
        shard.addOffsets(TXN, producer.producerId(), producer.producerEpoch(), "g").join();
        TransactionShard replayed = loaded(new ManualShardContext(), context.log());
        TransactionMetadata txn = replayed.transaction(TXN);
        assertThat(txn.state()).isEqualTo(TransactionState.ONGOING);
        assertThat(txn.producerId()).isEqualTo(producer.producerId());
        assertThat(txn.producerEpoch()).isEqualTo(producer.producerEpoch());
        assertThat(txn.timeoutMs()).isEqualTo(30_000);
        assertThat(txn.partitions()).containsExactly(A0);
        assertThat(txn.groups()).containsExactly("g");
        assertThat(txn.startTimestamp()).isEqualTo(shard.transaction(TXN).startTimestamp());
    }

    @Test
    void idleTransactionalIdsExpire() {
        init();
        context.advance(CONFIG.idExpirationMs() + CONFIG.removeExpiredIntervalMs());
        assertThat(shard.transaction(TXN)).isNull();
        assertThat(context.log().get(context.log().size() - 1).isTombstone()).isTrue();
        assertThat(loaded(new ManualShardContext(), context.log()).transaction(TXN)).isNull();
        assertThat(shard.describe(TXN).errorCode()).isEqualTo(Errors.TRANSACTIONAL_ID_NOT_FOUND.code());
    }

    @Test
    void verifyOnlyTellsWhichPartitionsAreInTheTransaction() {
        InitProducerIdResponseData producer = init();
        shard.addPartitions(TXN, producer.producerId(), producer.producerEpoch(), List.of(A0)).join();
        Map<TopicPartition, Errors> verified = shard.verifyPartitions(TXN, producer.producerId(), producer.producerEpoch(), List.of(A0, B1));
        assertThat(verified).containsEntry(A0, Errors.NONE).containsEntry(B1, Errors.INVALID_TXN_STATE);
        assertThat(shard.transaction(TXN).partitions()).containsExactly(A0);
    }

    @Test
    void anAddedPartitionIsVerifiedWhileAnotherIsBeingAdded() {
        InitProducerIdResponseData producer = init();
        shard.addPartitions(TXN, producer.producerId(), producer.producerEpoch(), List.of(A0)).join();
        context.holdAppends();
        shard.addPartitions(TXN, producer.producerId(), producer.producerEpoch(), List.of(B1));

        assertThat(shard.verifyPartitions(TXN, producer.producerId(), producer.producerEpoch(), List.of(A0))).containsEntry(A0, Errors.NONE);
        context.completeHeld();
    }

    @Test
    void describeAndListShowTheTransactions() {
        InitProducerIdResponseData producer = init();
        shard.addPartitions(TXN, producer.producerId(), producer.producerEpoch(), List.of(A0)).join();
        var described = shard.describe(TXN);
        assertThat(described.transactionState()).isEqualTo("Ongoing");
        assertThat(described.producerId()).isEqualTo(producer.producerId());
        assertThat(described.topics()).hasSize(1);
        assertThat(shard.list(Set.of(), Set.of(), -1, null)).hasSize(1);
        assertThat(shard.list(Set.of(TransactionState.COMPLETE_COMMIT), Set.of(), -1, null)).isEmpty();
        assertThat(shard.list(Set.of(), Set.of(producer.producerId() + 1), -1, null)).isEmpty();
        assertThat(shard.list(Set.of(), Set.of(), 10_000, null)).isEmpty();
        context.advance(10_000);
        assertThat(shard.list(Set.of(), Set.of(), 10_000, null)).hasSize(1);
        assertThat(shard.list(Set.of(), Set.of(), -1, Pattern.compile("txn-.*"))).hasSize(1);
        assertThat(shard.list(Set.of(), Set.of(), -1, Pattern.compile("other"))).isEmpty();
    }
}
