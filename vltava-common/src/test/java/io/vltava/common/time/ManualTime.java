package io.vltava.common.time;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Time} that moves only when a test tells it to.
 *
 * <p>Threading: safe from any thread.
 */
public final class ManualTime implements Time {

    private final AtomicLong nanos = new AtomicLong();
    private final long epochMillisAtStart;

    public ManualTime() {
        this(1_700_000_000_000L);
    }

    public ManualTime(long epochMillisAtStart) {
        this.epochMillisAtStart = epochMillisAtStart;
    }

    @Override
    public long milliseconds() {
        return epochMillisAtStart + nanos.get() / 1_000_000L;
    }

    @Override
    public long nanoseconds() {
        return nanos.get();
    }

    /** Moves both clocks forward. */
    public void advanceMillis(long millis) {
        nanos.addAndGet(millis * 1_000_000L);
    }
}
