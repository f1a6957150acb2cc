package io.vltava.broker.quota;

/**
 * A rate over a sliding window of samples, measured as Kafka's quota metrics measure it: values go
 * into the current sample, a sample older than the sample window starts the next one, samples older
 * than the whole window are forgotten, and the rate divides what the samples hold by the time they
 * cover, counted as at least all but one whole sample windows (so a new client's first burst is not
 * measured over a few milliseconds).
 *
 * <p>Threading: thread-safe; every method locks the rate (it is shared by the connections of one
 * client, which may be on different event loops).
 */
final class SampledRate implements QuotaRegistry.Meter {

    private final long sampleWindowMs;
    private final long[] starts;
    private final double[] values;
    /** Samples in use so far (they are created one by one up to the configured number). */
    private int used;
    private int current;
    private volatile long lastRecordMs;

    SampledRate(int samples, long sampleWindowMs, long nowMs) {
        this.sampleWindowMs = sampleWindowMs;
        this.starts = new long[samples];
        this.values = new double[samples];
        this.starts[0] = nowMs;
        this.used = 1;
        this.lastRecordMs = nowMs;
    }

    /** Adds {@code value} at {@code nowMs} and returns the rate, per second, including it. */
    synchronized double record(double value, long nowMs) {
        if (nowMs - starts[current] >= sampleWindowMs) {
            current = (current + 1) % starts.length;
            if (current >= used) {
                used++;
            }
            starts[current] = nowMs;
            values[current] = 0;
        }
        values[current] += value;
        lastRecordMs = nowMs;
        return measure(nowMs);
    }

    @Override
    public long lastRecordMs() {
        return lastRecordMs;
    }

    /** Takes back a value recorded earlier (what Kafka does for a fetch answered empty because it was throttled). */
    synchronized void unrecord(double value) {
        values[current] -= value;
    }

    /** The rate per second at {@code nowMs}. */
    synchronized double measure(long nowMs) {
        return total(nowMs) * 1000.0 / windowMs(nowMs);
    }

    /** The time, in milliseconds, the rate is measured over at {@code nowMs}. */
    synchronized long windowMs(long nowMs) {
        purgeObsolete(nowMs);
        long oldest = starts[0];
        for (int i = 1; i < used; i++) {
            oldest = Math.min(oldest, starts[i]);
        }
        long elapsed = nowMs - oldest;
        long fullWindows = elapsed / sampleWindowMs;
        long minFullWindows = starts.length - 1;
        if (fullWindows < minFullWindows) {
            elapsed += (minFullWindows - fullWindows) * sampleWindowMs;
        }
        return Math.max(elapsed, 1);
    }

    private double total(long nowMs) {
        purgeObsolete(nowMs);
        double total = 0;
        for (int i = 0; i < used; i++) {
            total += values[i];
        }
        return total;
    }

    private void purgeObsolete(long nowMs) {
        long expireAge = starts.length * sampleWindowMs;
        for (int i = 0; i < used; i++) {
            if (nowMs - starts[i] >= expireAge) {
                starts[i] = nowMs;
                values[i] = 0;
            }
        }
    }
}
