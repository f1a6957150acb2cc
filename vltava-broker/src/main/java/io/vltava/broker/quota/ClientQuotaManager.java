package io.vltava.broker.quota;

import io.vltava.metadata.image.MetadataDelta;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.image.MetadataPublisher;
import io.vltava.metadata.record.QuotaKey;

/**
 * Enforces one byte-rate quota ({@code producer_byte_rate} or {@code consumer_byte_rate}) as Kafka
 * does: finds the quota of a request's user and client id (by the precedence of {@link QuotaRegistry}),
 * records the request's bytes in the rate of whoever shares that quota, and when the rate is over the
 * bound answers how long to throttle the client: the time the rate needs, at no traffic, to come back
 * to the bound over the measured window.
 *
 * <p>Threading: thread-safe. {@link #onMetadataUpdate} runs on the metadata apply thread; the other
 * methods on any event loop.
 */
public final class ClientQuotaManager implements MetadataPublisher {

    /** The user of every request until authentication exists: Kafka's anonymous principal. */
    public static final String ANONYMOUS = "ANONYMOUS";

    /** How long a rate is kept without traffic. */
    static final long INACTIVE_EXPIRY_MS = QuotaRegistry.INACTIVE_EXPIRY_MS;

    private final ClientQuotaManagerConfig config;
    private final QuotaRegistry<SampledRate> registry;

    public ClientQuotaManager(QuotaKey key, ClientQuotaManagerConfig config) {
        this.config = config;
        this.registry = new QuotaRegistry<>(key, nowMs -> new SampledRate(config.numSamples(), config.sampleWindowMs(), nowMs));
    }

    @Override
    public void onMetadataUpdate(MetadataDelta delta, MetadataImage newImage) {
        registry.onMetadataUpdate(delta, newImage);
    }

    /** Whether any quota of this kind is set. */
    public boolean enabled() {
        return registry.enabled();
    }

    /**
     * Records {@code bytes} for the client at {@code nowMs} and returns how long, in milliseconds, to
     * throttle it: 0 when it has no quota or is within it.
     */
    public int recordAndGetThrottleTimeMs(String user, String clientId, double bytes, long nowMs) {
        QuotaRegistry.Resolved<SampledRate> quota = registry.resolve(user, clientId, nowMs);
        if (quota == null) {
            return 0;
        }
        double rate = quota.meter().record(bytes, nowMs);
        if (rate <= quota.bound()) {
            return 0;
        }
        double throttle = (rate - quota.bound()) / quota.bound() * quota.meter().windowMs(nowMs);
        return (int) Math.min(Integer.MAX_VALUE, Math.round(throttle));
    }

    /** Takes back bytes recorded earlier at {@code nowMs}, as for a fetch answered empty because it was throttled. */
    public void unrecord(String user, String clientId, double bytes, long nowMs) {
        QuotaRegistry.Resolved<SampledRate> quota = registry.resolve(user, clientId, nowMs);
        if (quota != null) {
            quota.meter().unrecord(bytes);
        }
    }

    /** The most bytes the client may take within one quota window, or {@link Integer#MAX_VALUE} when it has no quota. */
    public int maxValueInQuotaWindow(String user, String clientId, long nowMs) {
        QuotaRegistry.Resolved<SampledRate> quota = registry.resolve(user, clientId, nowMs);
        if (quota == null) {
            return Integer.MAX_VALUE;
        }
        double max = quota.bound() * (config.numSamples() - 1) * config.sampleWindowMs() / 1000.0;
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, max));
    }

    /** The client's current rate in bytes per second, or 0 when it has no quota (for tests and tools). */
    public double rate(String user, String clientId, long nowMs) {
        QuotaRegistry.Resolved<SampledRate> quota = registry.resolve(user, clientId, nowMs);
        return quota == null ? 0 : quota.meter().measure(nowMs);
    }

    /** How many rates are kept: one per user, client id or pair that shares a quota. */
    int rateCount() {
        return registry.meterCount();
    }
}
