package io.vltava.broker.quota;

import io.vltava.common.time.Time;
import io.vltava.metadata.image.MetadataDelta;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.image.MetadataPublisher;
import io.vltava.metadata.record.QuotaKey;
import io.vltava.network.RequestContext;

/**
 * Enforces {@code controller_mutation_rate} (KIP-599): the partitions a client may create or delete
 * per second through CreateTopics, CreatePartitions and DeleteTopics. Each client (by the precedence of
 * {@link QuotaRegistry}) has a {@link TokenBucket} with a burst of quota × samples × sample window; a
 * topic's partitions are let through while the bucket is not negative, so the topic that empties it
 * still passes and the ones after are refused. Once the request is answered, the client is throttled
 * until its bucket is back to zero.
 *
 * <p>Requests too old to carry THROTTLING_QUOTA_EXCEEDED are never refused: their partitions are taken
 * all the same (the bucket may go deep below zero) and the client is throttled.
 *
 * <p>Threading: thread-safe. {@link #onMetadataUpdate} runs on the metadata apply thread; the other
 * methods on any thread.
 */
public final class ControllerMutationQuotaManager implements MetadataPublisher {

    /** The error message of a topic refused for the quota. */
    public static final String EXCEEDED_MESSAGE = "The client is over its controller_mutation_rate quota; try again after the throttle time.";

    private final QuotaRegistry<TokenBucket> registry;
    private final Time time;

    public ControllerMutationQuotaManager(ClientQuotaManagerConfig config, Time time) {
        this.time = time;
        long windowMs = config.numSamples() * config.sampleWindowMs();
        this.registry = new QuotaRegistry<>(QuotaKey.CONTROLLER_MUTATION_RATE, nowMs -> new TokenBucket(windowMs, nowMs));
    }

    @Override
    public void onMetadataUpdate(MetadataDelta delta, MetadataImage newImage) {
        registry.onMetadataUpdate(delta, newImage);
    }

    /** Whether any {@code controller_mutation_rate} is set. */
    public boolean enabled() {
        return registry.enabled();
    }

    /**
     * Takes {@code partitions} mutations for the client and returns whether the topic may go on; with
     * {@code strict} false it always may.
     */
    public boolean tryRecord(RequestContext context, int partitions, boolean strict) {
        long nowMs = time.milliseconds();
        QuotaRegistry.Resolved<TokenBucket> quota = registry.resolve(ClientQuotaManager.ANONYMOUS, context.clientId(), nowMs);
        return quota == null || quota.meter().take(partitions, quota.bound(), strict, nowMs);
    }

    /**
     * How long, in milliseconds, the client is to be throttled now (0 when it is within its quota); when
     * positive the client's connection is muted for that time.
     */
    public int throttle(RequestContext context) {
        long nowMs = time.milliseconds();
        QuotaRegistry.Resolved<TokenBucket> quota = registry.resolve(ClientQuotaManager.ANONYMOUS, context.clientId(), nowMs);
        if (quota == null) {
            return 0;
        }
        int throttleTimeMs = quota.meter().throttleTimeMs(quota.bound(), nowMs);
        if (throttleTimeMs > 0) {
            context.muter().muteFor(throttleTimeMs);
        }
        return throttleTimeMs;
    }
}
