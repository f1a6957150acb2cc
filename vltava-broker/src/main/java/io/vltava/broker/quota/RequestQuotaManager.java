package io.vltava.broker.quota;

import io.vltava.metadata.image.MetadataDelta;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.image.MetadataPublisher;
import io.vltava.metadata.record.QuotaKey;

/**
 * Enforces {@code request_percentage} (KIP-124): the share of one request-handling thread a client may
 * use, measured as the time the broker spends in the handlers of the client's requests per second of
 * the quota window, in percent (100 is one thread kept busy). Vltava handles requests on its network
 * event loops, so the time counted is what an event loop spends in a request's handler until the
 * handler returns; waiting for the disk, the controller or new data is not counted. Over the quota, the
 * client is throttled for the time its rate needs to come back to the quota, at most one sample window
 * (as in Kafka); requests are never refused for it.
 *
 * <p>Threading: thread-safe. {@link #onMetadataUpdate} runs on the metadata apply thread; the other
 * methods on any event loop.
 */
public final class RequestQuotaManager implements MetadataPublisher {

    /** Percent-seconds of one thread in a nanosecond of handling. */
    private static final double PERCENT_SECONDS_PER_NANO = 100.0 / 1_000_000_000L;

    private final ClientQuotaManager rates;
    private final long maxThrottleTimeMs;

    public RequestQuotaManager(ClientQuotaManagerConfig config) {
        this.rates = new ClientQuotaManager(QuotaKey.REQUEST_PERCENTAGE, config);
        this.maxThrottleTimeMs = config.sampleWindowMs();
    }

    @Override
    public void onMetadataUpdate(MetadataDelta delta, MetadataImage newImage) {
        rates.onMetadataUpdate(delta, newImage);
    }

    /** Whether any {@code request_percentage} is set. */
    public boolean enabled() {
        return rates.enabled();
    }

    /**
     * Records {@code handlingNanos} spent on a request of the client at {@code nowMs} and returns how
     * long, in milliseconds, to throttle it: 0 when it has no quota or is within it.
     */
    public int recordAndGetThrottleTimeMs(String clientId, long handlingNanos, long nowMs) {
        int throttleTimeMs = rates.recordAndGetThrottleTimeMs(ClientQuotaManager.ANONYMOUS, clientId, handlingNanos * PERCENT_SECONDS_PER_NANO, nowMs);
        return (int) Math.min(throttleTimeMs, maxThrottleTimeMs);
    }
}
