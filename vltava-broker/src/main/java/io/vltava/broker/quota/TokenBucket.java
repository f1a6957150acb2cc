package io.vltava.broker.quota;

/**
 * A token bucket as KIP-599 measures controller mutations: it refills at the quota's rate up to a burst
 * of quota × window, each mutation takes its permits out, and it may go below zero (a request is let
 * through while the bucket is not negative, however much it takes).
 *
 * <p>Threading: thread-safe; every method locks the bucket (it is shared by the connections of one
 * client, which may be on different event loops).
 */
final class TokenBucket implements QuotaRegistry.Meter {

    private final double windowSeconds;
    private double tokens = Double.NaN;
    private long lastUpdateMs;
    private volatile long lastRecordMs;

    /** A full bucket at {@code nowMs} whose burst is the quota times {@code windowMs}. */
    TokenBucket(long windowMs, long nowMs) {
        this.windowSeconds = windowMs / 1000.0;
        this.lastUpdateMs = nowMs;
        this.lastRecordMs = nowMs;
    }

    /** The tokens at {@code nowMs} for a quota of {@code rate} permits per second. */
    synchronized double tokens(double rate, long nowMs) {
        double burst = rate * windowSeconds;
        if (Double.isNaN(tokens)) {
            tokens = burst;
        } else if (nowMs > lastUpdateMs) {
            tokens = Math.min(burst, tokens + rate * (nowMs - lastUpdateMs) / 1000.0);
        }
        lastUpdateMs = Math.max(lastUpdateMs, nowMs);
        return tokens;
    }

    /**
     * Takes {@code permits} out at {@code nowMs}; when {@code strict}, only if the bucket is not negative.
     * Returns whether they were taken.
     */
    synchronized boolean take(double permits, double rate, boolean strict, long nowMs) {
        if (strict && tokens(rate, nowMs) < 0) {
            return false;
        }
        tokens = tokens(rate, nowMs) - permits;
        lastRecordMs = nowMs;
        return true;
    }

    /** Milliseconds until the bucket, refilled at {@code rate}, is back to zero: 0 when it is not negative. */
    synchronized int throttleTimeMs(double rate, long nowMs) {
        double current = tokens(rate, nowMs);
        if (current >= 0) {
            return 0;
        }
        return (int) Math.min(Integer.MAX_VALUE, Math.ceil(-current / rate * 1000.0));
    }

    @Override
    public long lastRecordMs() {
        return lastRecordMs;
    }
}
