package io.vltava.storage.cleaner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vltava.common.time.ManualTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThrottlerTest {

    private final ManualTime time = new ManualTime();
    private final List<Long> sleeps = new ArrayList<>();

    private Throttler throttler(double bytesPerSecond) {
        return new Throttler(bytesPerSecond, 100, time, millis -> {
            sleeps.add(millis);
            time.advanceMillis(millis);
        });
    }

    @Test
    void anUnlimitedThrottlerNeverSleeps() {
        Throttler throttler = throttler(Double.MAX_VALUE);
        for (int i = 0; i < 100; i++) {
            throttler.maybeThrottle(1 << 30);
            time.advanceMillis(1000);
        }
        assertThat(sleeps).isEmpty();
    }

    @Test
    void sleepsUntilTheBytesFitTheRate() {
        Throttler throttler = throttler(1000);
        long start = time.milliseconds();
        for (int i = 0; i < 50; i++) {
            throttler.maybeThrottle(100);
            time.advanceMillis(10);
        }
        long elapsed = time.milliseconds() - start;
        assertThat(sleeps).isNotEmpty();
        assertThat(elapsed).isBetween(4_000L, 5_500L);
    }

    @Test
    void doesNotSleepBelowTheRate() {
        Throttler throttler = throttler(1000);
        for (int i = 0; i < 50; i++) {
            throttler.maybeThrottle(50);
            time.advanceMillis(100);
        }
        assertThat(sleeps).isEmpty();
    }

    @Test
    void refusesARateThatIsNotPositive() {
        assertThatThrownBy(() -> throttler(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> throttler(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
