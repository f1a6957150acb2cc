package io.vltava.broker.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.protocol.records.LogSliceRecords;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class FetchSessionTest {

    private static final UUID TOPIC_ID = UUID.randomUUID();
    private static final FetchTarget A = target(0, 0);
    private static final FetchTarget B = target(1, 0);
    private static final FetchTarget C = target(2, 0);

    private static FetchTarget target(int partition, long fetchOffset) {
        return new FetchTarget(new FetchPartitionKey(TOPIC_ID, "events", partition), fetchOffset, 1024, -1, -1);
    }

    /** A successful read: {@code bytes} of data, high watermark and log start offset as given. */
    private static FetchedPartition read(FetchTarget target, int bytes, long highWatermark, long logStartOffset) {
        LogSliceRecords records = bytes == 0 ? LogSliceRecords.EMPTY : new LogSliceRecords(null, 0, bytes);
        return new FetchedPartition(target, Errors.NONE, highWatermark, logStartOffset, records, -1, -1, null);
    }

    private static FetchedPartition nothing(FetchTarget target) {
        return read(target, 0, 10, 0);
    }

    private static FetchSession sessionWith(FetchTarget... targets) {
        FetchSession session = new FetchSession(42, true, 1_000L);
        session.fill(java.util.Arrays.stream(targets).map(FetchSessionTest::nothing).toList());
        return session;
    }

    private static List<Integer> partitionsOf(List<FetchedPartition> results) {
        return results.stream().map(r -> r.target().key().partition()).toList();
    }

    private static List<Integer> readOrder(FetchSession session) {
        return session.targets().stream().map(t -> t.key().partition()).toList();
    }

    // ---- epochs ----

    @Test
    void nextEpochCountsUpWrapsToOneAndKeepsTheFinalEpoch() {
        assertThat(FetchSession.nextEpoch(0)).isEqualTo(1);
        assertThat(FetchSession.nextEpoch(1)).isEqualTo(2);
        assertThat(FetchSession.nextEpoch(Integer.MAX_VALUE)).as("never wraps to 0 or below").isEqualTo(1);
        assertThat(FetchSession.nextEpoch(-1)).isEqualTo(-1);
        assertThat(FetchSession.nextEpoch(-7)).isEqualTo(-1);
        assertThat(FetchSession.nextEpoch(Integer.MIN_VALUE)).isEqualTo(-1);
    }

    @Property
    void nextEpochOfAValidEpochIsNeverTheInitialOne(@ForAll @IntRange(min = 0) int epoch) {
        assertThat(FetchSession.nextEpoch(epoch)).isPositive();
    }

    @Test
    void aNewSessionExpectsEpochOne() {
        FetchSession session = new FetchSession(7, false, 5L);
        assertThat(session.id()).isEqualTo(7);
        assertThat(session.usesTopicIds()).isFalse();
        assertThat(session.createdMs()).isEqualTo(5L);
        assertThat(session.lastUsedMs()).isEqualTo(5L);
        assertThat(session.update(FetchSession.INITIAL_EPOCH, List.of(), List.of(), 6L)).isFalse();
        assertThat(session.update(1, List.of(), List.of(), 6L)).isTrue();
    }

    // ---- creation and update ----

    @Test
    void fillKeepsThePartitionsOfTheFullResponseInResponseOrder() {
        FetchSession session = sessionWith(C, A, B);
        assertThat(readOrder(session)).containsExactly(2, 0, 1);
        assertThat(session.size()).isEqualTo(3);
    }

    @Test
    void anUpdateReplacesParametersAddsNewPartitionsAtTheEndAndForgetsOthers() {
        FetchSession session = sessionWith(A, B);
        FetchTarget movedA = new FetchTarget(A.key(), 55, 2048, 3, 2);

        boolean applied = session.update(1, List.of(movedA, C), List.of(B.key()), 9_000L);

        assertThat(applied).isTrue();
        assertThat(session.targets()).containsExactly(movedA, C);
        assertThat(session.lastUsedMs()).isEqualTo(9_000L);
        assertThat(session.update(2, List.of(), List.of(), 9_001L)).as("the next epoch").isTrue();
    }

    @Test
    void anUpdateWithTheWrongEpochChangesNothing() {
        FetchSession session = sessionWith(A, B);

        assertThat(session.update(2, List.of(C), List.of(A.key()), 9_000L)).isFalse();
        assertThat(session.update(0, List.of(C), List.of(), 9_000L)).isFalse();

        assertThat(session.targets()).containsExactly(A, B);
        assertThat(session.lastUsedMs()).isEqualTo(1_000L);
        assertThat(session.update(1, List.of(), List.of(), 9_000L)).as("still expects epoch 1").isTrue();
    }

    @Test
    void epochsFollowEachOtherAcrossUpdates() {
        FetchSession session = sessionWith(A);
        for (int epoch = 1; epoch <= 5; epoch++) {
            assertThat(session.update(epoch, List.of(), List.of(), epoch)).isTrue();
        }
        assertThat(session.update(5, List.of(), List.of(), 6)).as("a replayed epoch").isFalse();
        assertThat(session.update(6, List.of(), List.of(), 6)).isTrue();
    }

    @Test
    void forgettingAnUnknownPartitionIsIgnored() {
        FetchSession session = sessionWith(A);
        assertThat(session.update(1, List.of(), List.of(C.key()), 2L)).isTrue();
        assertThat(session.targets()).containsExactly(A);
    }

    // ---- what an incremental response carries ----

    @Test
    void aPartitionWithNothingNewIsLeftOut() {
        FetchSession session = sessionWith(A, B);
        assertThat(session.selectUpdates(List.of(nothing(A), nothing(B)))).isEmpty();
    }

    @Test
    void aPartitionWithDataIsIncluded() {
        FetchSession session = sessionWith(A, B);
        List<FetchedPartition> updates = session.selectUpdates(List.of(nothing(A), read(B, 100, 10, 0)));
        assertThat(partitionsOf(updates)).containsExactly(1);
    }

    @Test
    void aChangedHighWatermarkIsSentOnce() {
        FetchSession session = sessionWith(A, B);
        assertThat(partitionsOf(session.selectUpdates(List.of(read(A, 0, 11, 0), nothing(B))))).containsExactly(0);
        assertThat(session.selectUpdates(List.of(read(A, 0, 11, 0), nothing(B)))).as("already sent").isEmpty();
    }

    @Test
    void aChangedLogStartOffsetIsSentOnce() {
        FetchSession session = sessionWith(A, B);
        assertThat(partitionsOf(session.selectUpdates(List.of(nothing(A), read(B, 0, 10, 4))))).containsExactly(1);
        assertThat(session.selectUpdates(List.of(nothing(A), read(B, 0, 10, 4)))).isEmpty();
    }

    @Test
    void anErrorIsAlwaysSentAndThePartitionIsResentOnceTheErrorClears() {
        FetchSession session = sessionWith(A, B);
        FetchedPartition failed = FetchedPartition.error(A, Errors.NOT_LEADER_OR_FOLLOWER);

        assertThat(partitionsOf(session.selectUpdates(List.of(failed, nothing(B))))).containsExactly(0);
        assertThat(partitionsOf(session.selectUpdates(List.of(failed, nothing(B))))).as("errors are never filtered").containsExactly(0);
        assertThat(partitionsOf(session.selectUpdates(List.of(nothing(A), nothing(B)))))
                .as("the same high watermark as before the error, but the client saw the error last").containsExactly(0);
        assertThat(session.selectUpdates(List.of(nothing(A), nothing(B)))).isEmpty();
    }

    @Test
    void aPartitionFilledWithAnErrorIsResentOnceItReadsCleanly() {
        FetchSession session = new FetchSession(1, true, 0L);
        session.fill(List.of(FetchedPartition.error(A, Errors.UNKNOWN_TOPIC_OR_PARTITION)));
        assertThat(partitionsOf(session.selectUpdates(List.of(nothing(A))))).containsExactly(0);
    }

    @Test
    void aDivergingEpochIsAlwaysSent() {
        FetchSession session = sessionWith(A, B);
        FetchedPartition diverging = new FetchedPartition(A, Errors.NONE, 10, 0, LogSliceRecords.EMPTY, 3, 7, null);
        assertThat(partitionsOf(session.selectUpdates(List.of(diverging, nothing(B))))).containsExactly(0);
        assertThat(partitionsOf(session.selectUpdates(List.of(diverging, nothing(B))))).containsExactly(0);
    }

    @Test
    void aPartitionAddedByAnUpdateIsSentInItsFirstResponse() {
        FetchSession session = sessionWith(A);
        session.update(1, List.of(B), List.of(), 2L);
        assertThat(partitionsOf(session.selectUpdates(List.of(nothing(A), nothing(B))))).containsExactly(1);
    }

    @Test
    void resultsOfPartitionsNoLongerInTheSessionAreDropped() {
        FetchSession session = sessionWith(A);
        assertThat(session.selectUpdates(List.of(read(C, 100, 99, 0)))).isEmpty();
        assertThat(readOrder(session)).containsExactly(0);
    }

    @Test
    void partitionsThatReturnedDataMoveToTheBackInTheirOrder() {
        FetchSession session = sessionWith(A, B, C);

        session.selectUpdates(List.of(read(A, 10, 10, 0), read(B, 10, 10, 0), nothing(C)));
        assertThat(readOrder(session)).containsExactly(2, 0, 1);

        session.selectUpdates(List.of(read(C, 10, 10, 0), nothing(A), nothing(B)));
        assertThat(readOrder(session)).containsExactly(0, 1, 2);
    }

    @Test
    void aMovedPartitionKeepsItsParameters() {
        FetchSession session = sessionWith(A, B);
        session.selectUpdates(List.of(read(A, 10, 10, 0), nothing(B)));
        assertThat(session.targets()).containsExactly(B, A);
    }
}
