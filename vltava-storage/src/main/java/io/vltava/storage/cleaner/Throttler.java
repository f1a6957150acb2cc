package io.vltava.storage.cleaner;

import io.vltava.common.time.Time;

/**
 * Holds the cleaner threads together to a rate of I/O ({@code log.cleaner.io.max.bytes.per.second}):
 * every read and write is reported, and once per check interval the thread that reports finds the
 * rate since the previous check; if it was too high, that thread sleeps until the bytes of the
 * interval fit the rate.
 *
 * <p>Threading: safe from any thread. A thread sleeps holding the throttler, so the other cleaner
 * threads wait with it: the limit is shared, not per thread.
 */
final class Throttler {

    /** Sleeps for a while; the cleaner's wakes early when the cleaner stops. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private final double bytesPerSecond;
    private final long checkIntervalNanos;
    private final Time time;
    private final Sleeper sleeper;
    private long periodStartNanos;
    private long bytesInPeriod;

    /**
     * @param bytesPerSecond the rate; {@link Double#MAX_VALUE} (Kafka's default) or more means no limit
     */
    Throttler(double bytesPerSecond, long checkIntervalMs, Time time, Sleeper sleeper) {
        if (!(bytesPerSecond > 0)) {
            throw new IllegalArgumentException("The cleaner's I/O rate must be positive, not " + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
        this.checkIntervalNanos = checkIntervalMs * 1_000_000L;
        this.time = time;
        this.sleeper = sleeper;
        this.periodStartNanos = time.nanoseconds();
    }

    /** Reports {@code bytes} read or written, sleeping if the rate is above the limit. */
    synchronized void maybeThrottle(long bytes) {
        if (bytesPerSecond >= Double.MAX_VALUE) {
            return;
        }
        bytesInPeriod += bytes;
        long elapsedNanos = time.nanoseconds() - periodStartNanos;
        if (elapsedNanos < checkIntervalNanos) {
            return;
        }
        double neededNanos = bytesInPeriod / bytesPerSecond * 1e9;
        long sleepMs = (long) ((neededNanos - elapsedNanos) / 1_000_000);
        if (sleepMs > 0) {
            try {
                sleeper.sleep(sleepMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        periodStartNanos = time.nanoseconds();
        bytesInPeriod = 0;
    }
}
