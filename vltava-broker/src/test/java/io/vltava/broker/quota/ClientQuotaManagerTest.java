package io.vltava.broker.quota;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.metadata.image.MetadataDelta;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.record.ClientQuotaRecord;
import io.vltava.metadata.record.QuotaEntity;
import io.vltava.metadata.record.QuotaKey;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientQuotaManagerTest {

    private static final QuotaEntity.Part DEFAULT = QuotaEntity.Part.DEFAULT;

    private final ClientQuotaManager quotas = new ClientQuotaManager(QuotaKey.PRODUCER_BYTE_RATE, new ClientQuotaManagerConfig(11, 1000));
    private MetadataImage image = MetadataImage.EMPTY;

    private void set(QuotaEntity.Part user, QuotaEntity.Part clientId, String key, Double value) {
        MetadataDelta delta = new MetadataDelta(image);
        delta.replay(new ClientQuotaRecord(new QuotaEntity(user, clientId), key, value));
        image = delta.apply(image.offset() + 1);
        quotas.onMetadataUpdate(delta, image);
    }

    private static QuotaEntity.Part named(String name) {
        return QuotaEntity.Part.named(name);
    }

    /**
     * The bound that applies to (user, client), found from the throttle time of 1 MB recorded at {@code nowMs}, long after any
     * earlier traffic: its rate is measured over 10 s.
     */
    private double boundOf(String user, String client, long nowMs) {
        double bytes = 1_000_000;
        int throttle = quotas.recordAndGetThrottleTimeMs(user, client, bytes, nowMs);
        // throttle = (rate - bound) / bound * 10 000 with rate = bytes / 10  =>  bound = rate * 10 000 / (throttle + 10 000)
        return Math.round(bytes / 10 * 10_000 / (throttle + 10_000.0));
    }

    @Test
    void withoutQuotasNothingIsMeasuredOrThrottled() {
        assertThat(quotas.enabled()).isFalse();
        assertThat(quotas.recordAndGetThrottleTimeMs("ANONYMOUS", "app", 1e12, 0)).isZero();
        assertThat(quotas.maxValueInQuotaWindow("ANONYMOUS", "app", 0)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void throttlesForTheTimeTheRateNeedsToComeBackToTheBound() {
        set(null, named("app"), "producer_byte_rate", 1000.0);

        // At first the rate is measured over 10 samples of 1 s: 20 000 B / 10 s = 2 000 B/s, twice the bound.
        assertThat(quotas.recordAndGetThrottleTimeMs("ANONYMOUS", "app", 20_000, 0)).isEqualTo(10_000);
        assertThat(quotas.rate("ANONYMOUS", "app", 0)).isEqualTo(2000.0);
        // 15 s later the samples of the burst have left the 11 s window.
        assertThat(quotas.recordAndGetThrottleTimeMs("ANONYMOUS", "app", 100, 15_000)).isZero();
        assertThat(quotas.maxValueInQuotaWindow("ANONYMOUS", "app", 15_000)).isEqualTo(10_000);
    }

    @Test
    void withinTheBoundNothingIsThrottled() {
        set(null, named("app"), "producer_byte_rate", 1000.0);

        for (long t = 0; t < 30_000; t += 100) {
            assertThat(quotas.recordAndGetThrottleTimeMs("ANONYMOUS", "app", 90, t)).isZero();
        }
        assertThat(quotas.rate("ANONYMOUS", "app", 30_000)).isBetween(800.0, 1000.0);
    }

    @Test
    void theMostSpecificQuotaWinsInKafkasOrder() {
        List<QuotaEntity> order = List.of(
                new QuotaEntity(named("u"), named("c")), new QuotaEntity(named("u"), DEFAULT), new QuotaEntity(named("u"), null),
                new QuotaEntity(DEFAULT, named("c")), new QuotaEntity(DEFAULT, DEFAULT), new QuotaEntity(DEFAULT, null),
                new QuotaEntity(null, named("c")), new QuotaEntity(null, DEFAULT));
        for (int i = 0; i < order.size(); i++) {
            set(order.get(i).user(), order.get(i).clientId(), "producer_byte_rate", 1000.0 * (i + 1));
        }
        for (int i = 0; i < order.size(); i++) {
            assertThat(boundOf("u", "c", i * 100_000L)).as("with %s and below set", order.get(i)).isEqualTo(1000.0 * (i + 1));
            set(order.get(i).user(), order.get(i).clientId(), "producer_byte_rate", null);
        }
        assertThat(quotas.enabled()).isFalse();
    }

    @Test
    void theRateOfAClientIdleForAnHourIsForgotten() {
        set(null, DEFAULT, "producer_byte_rate", 1000.0);
        quotas.recordAndGetThrottleTimeMs("ANONYMOUS", "gone", 9_000, 0);
        quotas.recordAndGetThrottleTimeMs("ANONYMOUS", "still-here", 9_000, ClientQuotaManager.INACTIVE_EXPIRY_MS - 1000);
        assertThat(quotas.rateCount()).isEqualTo(2);

        quotas.recordAndGetThrottleTimeMs("ANONYMOUS", "new", 1, ClientQuotaManager.INACTIVE_EXPIRY_MS + 60_000);

        assertThat(quotas.rateCount()).as("still-here and new").isEqualTo(2);
    }

    @Test
    void otherQuotaKeysDoNotApply() {
        set(null, named("app"), "consumer_byte_rate", 1.0);

        assertThat(quotas.enabled()).isFalse();
        assertThat(quotas.recordAndGetThrottleTimeMs("ANONYMOUS", "app", 1e9, 0)).isZero();
    }

    @Test
    void aDefaultAppliesToEachClientIdApartAndAUserQuotaIsSharedByItsClients() {
        set(null, DEFAULT, "producer_byte_rate", 1000.0);
        set(named("alice"), null, "producer_byte_rate", 1000.0);

        assertThat(quotas.recordAndGetThrottleTimeMs("ANONYMOUS", "one", 8_000, 0)).isZero();
        assertThat(quotas.recordAndGetThrottleTimeMs("ANONYMOUS", "two", 8_000, 0)).as("a rate of its own").isZero();
        assertThat(quotas.recordAndGetThrottleTimeMs("alice", "one", 8_000, 0)).isZero();
        assertThat(quotas.recordAndGetThrottleTimeMs("alice", "two", 8_000, 0)).as("alice's clients share her rate").isPositive();
    }
}
