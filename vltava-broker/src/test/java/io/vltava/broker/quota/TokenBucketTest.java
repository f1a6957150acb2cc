package io.vltava.broker.quota;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenBucketTest {

    /** 5 permits a second with a 10-second window: a burst of 50. */
    private static final double RATE = 5;

    private final TokenBucket bucket = new TokenBucket(10_000, 0);

    @Test
    void startsFullAndLetsOneRequestTakeItBelowZero() {
        assertThat(bucket.tokens(RATE, 0)).isEqualTo(50);
        assertThat(bucket.take(45, RATE, true, 0)).isTrue();
        assertThat(bucket.take(20, RATE, true, 0)).as("5 left, not negative").isTrue();
        assertThat(bucket.tokens(RATE, 0)).isEqualTo(-15);
        assertThat(bucket.take(1, RATE, true, 0)).isFalse();
        assertThat(bucket.tokens(RATE, 0)).as("a refused request takes nothing").isEqualTo(-15);
    }

    @Test
    void throttlesUntilTheBucketIsBackToZero() {
        bucket.take(65, RATE, true, 0);

        assertThat(bucket.throttleTimeMs(RATE, 0)).isEqualTo(3000);
        assertThat(bucket.throttleTimeMs(RATE, 1000)).isEqualTo(2000);
        assertThat(bucket.throttleTimeMs(RATE, 3000)).isZero();
        assertThat(bucket.take(1, RATE, true, 3000)).isTrue();
    }

    @Test
    void permissiveTakesAlwaysGoThroughAndRefillStopsAtTheBurst() {
        bucket.take(60, RATE, false, 0);
        assertThat(bucket.take(60, RATE, false, 0)).isTrue();
        assertThat(bucket.tokens(RATE, 0)).isEqualTo(-70);

        assertThat(bucket.tokens(RATE, 1_000_000)).isEqualTo(50);
    }

    @Test
    void aChangedQuotaRefillsAtTheNewRate() {
        bucket.take(50, RATE, true, 0);

        assertThat(bucket.tokens(1, 2000)).isEqualTo(2);
        assertThat(bucket.tokens(1, 60_000)).as("the burst of 1 a second over 10 seconds").isEqualTo(10);
    }
}
