package io.vltava.broker.quota;

/**
 * How client rates are measured: over {@code numSamples} samples of {@code sampleWindowMs} each
 * (Kafka's {@code quota.window.num} and {@code quota.window.size.seconds}).
 *
 * <p>Threading: immutable; safe from any thread.
 */
public record ClientQuotaManagerConfig(int numSamples, long sampleWindowMs) {

    public ClientQuotaManagerConfig {
        if (numSamples < 1) {
            throw new IllegalArgumentException("A quota window needs at least 1 sample, not " + numSamples);
        }
        if (sampleWindowMs < 1) {
            throw new IllegalArgumentException("A quota sample window must be positive, not " + sampleWindowMs + " ms");
        }
    }
}
