package io.vltava.broker.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.common.time.ManualTime;
import io.vltava.protocol.records.LogSliceRecords;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class FetchSessionCacheTest {

    private final ManualTime time = new ManualTime();
    /** The epoch each session expects next, as its client would track it. */
    private final Map<Integer, Integer> nextEpochs = new HashMap<>();

    /** A full response of {@code partitions} partitions of topic "events". */
    private static List<FetchedPartition> response(int partitions) {
        List<FetchedPartition> results = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            FetchTarget target = new FetchTarget(new FetchPartitionKey(null, "events", p), 0, 1024, -1, -1);
            results.add(new FetchedPartition(target, Errors.NONE, 0, 0, LogSliceRecords.EMPTY, -1, -1, null));
        }
        return results;
    }

    private void use(FetchSessionCache cache, FetchSession session) {
        int epoch = nextEpochs.getOrDefault(session.id(), 1);
        assertThat(cache.update(session, epoch, List.of(), List.of())).isTrue();
        nextEpochs.put(session.id(), FetchSession.nextEpoch(epoch));
    }

    @Test
    void createsSessionsWithDistinctNonZeroIds() {
        FetchSessionCache cache = new FetchSessionCache(100, time);
        Set<Integer> ids = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            FetchSession session = cache.create(i % 2 == 0, response(2));
            assertThat(session.id()).isNotZero();
            ids.add(session.id());
            assertThat(cache.get(session.id())).isSameAs(session);
        }
        assertThat(ids).hasSize(100).allSatisfy(id -> assertThat(cache.get(id)).isNotNull());
    }

    @Test
    void aCreatedSessionHoldsTheResponsePartitionsAndItsTopicIdMode() {
        FetchSessionCache cache = new FetchSessionCache(10, time);
        FetchSession session = cache.create(true, response(3));
        assertThat(session.usesTopicIds()).isTrue();
        assertThat(session.targets()).hasSize(3);
        assertThat(session.createdMs()).isEqualTo(time.milliseconds());
        assertThat(cache.update(session, 1, List.of(), List.of())).as("expects epoch 1").isTrue();
    }

    @Test
    void removeForgetsASession() {
        FetchSessionCache cache = new FetchSessionCache(10, time);
        FetchSession session = cache.create(false, response(1));
        cache.remove(session.id());
        assertThat(cache.get(session.id())).isNull();
        cache.remove(12345);
    }

    @Test
    void updateStampsTheSessionWithTheCacheClock() {
        FetchSessionCache cache = new FetchSessionCache(10, time);
        FetchSession session = cache.create(false, response(1));
        time.advanceMillis(500);
        use(cache, session);
        assertThat(session.lastUsedMs()).isEqualTo(time.milliseconds());
        assertThat(cache.update(session, 1, List.of(), List.of())).as("epoch 1 was used").isFalse();
    }

    @Test
    void aCacheWithoutSlotsCreatesNothing() {
        FetchSessionCache cache = new FetchSessionCache(0, time);
        assertThat(cache.create(false, response(5))).isNull();
        time.advanceMillis(1_000_000);
        assertThat(cache.create(false, response(5))).isNull();
    }

    @Test
    void aFullCacheOfRecentlyUsedYoungSessionsTakesNoNewcomer() {
        FetchSessionCache cache = new FetchSessionCache(2, time);
        FetchSession first = cache.create(false, response(1));
        FetchSession second = cache.create(false, response(1));
        time.advanceMillis(60_000);

        assertThat(cache.create(false, response(50))).as("sessions younger than 120 s are never evicted").isNull();
        assertThat(cache.get(first.id())).isSameAs(first);
        assertThat(cache.get(second.id())).isSameAs(second);
    }

    @Test
    void aSessionIdleForMoreThanTwoMinutesMakesRoom() {
        FetchSessionCache cache = new FetchSessionCache(2, time);
        FetchSession idle = cache.create(false, response(5));
        FetchSession busy = cache.create(false, response(5));
        time.advanceMillis(60_000);
        use(cache, busy);
        time.advanceMillis(60_001);

        FetchSession newcomer = cache.create(false, response(1));

        assertThat(newcomer).as("even a smaller newcomer takes the place of an idle session").isNotNull();
        assertThat(cache.get(idle.id())).isNull();
        assertThat(cache.get(busy.id())).isSameAs(busy);
        assertThat(cache.get(newcomer.id())).isSameAs(newcomer);
    }

    @Test
    void aSessionIdleForExactlyTwoMinutesStays() {
        FetchSessionCache cache = new FetchSessionCache(1, time);
        FetchSession session = cache.create(false, response(5));
        time.advanceMillis(120_000);
        assertThat(cache.create(false, response(1))).isNull();
        assertThat(cache.get(session.id())).isSameAs(session);
    }

    @Test
    void aBiggerNewcomerReplacesTheSmallestOldSession() {
        FetchSessionCache cache = new FetchSessionCache(3, time);
        FetchSession small = cache.create(false, response(2));
        FetchSession medium = cache.create(false, response(4));
        time.advanceMillis(100_000);
        FetchSession young = cache.create(false, response(1));
        time.advanceMillis(20_001);
        use(cache, small);
        use(cache, medium);
        use(cache, young);

        FetchSession newcomer = cache.create(false, response(3));

        assertThat(newcomer).isNotNull();
        assertThat(cache.get(small.id())).as("the smallest session older than 120 s").isNull();
        assertThat(cache.get(medium.id())).isSameAs(medium);
        assertThat(cache.get(young.id())).as("smaller, but younger than 120 s").isSameAs(young);
    }

    @Test
    void aNewcomerNoBiggerThanTheSmallestOldSessionGetsNoSession() {
        FetchSessionCache cache = new FetchSessionCache(2, time);
        FetchSession first = cache.create(false, response(3));
        FetchSession second = cache.create(false, response(4));
        time.advanceMillis(120_001);
        use(cache, first);
        use(cache, second);

        assertThat(cache.create(false, response(3))).as("as big as the smallest, not bigger").isNull();
        assertThat(cache.create(false, response(1))).isNull();
        assertThat(cache.get(first.id())).isSameAs(first);
        assertThat(cache.get(second.id())).isSameAs(second);
    }
}
