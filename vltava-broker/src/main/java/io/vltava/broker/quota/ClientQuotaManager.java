package io.vltava.broker.quota;

import io.vltava.metadata.image.MetadataDelta;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.image.MetadataPublisher;
import io.vltava.metadata.record.QuotaEntity;
import io.vltava.metadata.record.QuotaKey;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Enforces one byte-rate quota ({@code producer_byte_rate} or {@code consumer_byte_rate}) as Kafka
 * does: finds the quota of a request's user and client id, records the request's bytes in the rate
 * of whoever shares that quota, and when the rate is over the bound answers how long to throttle the
 * client: the time the rate needs, at no traffic, to come back to the bound over the measured window.
 *
 * <p>Quota precedence, most specific first: {@code /users/<u>/clients/<c>},
 * {@code /users/<u>/clients/<default>}, {@code /users/<u>}, {@code /users/<default>/clients/<c>},
 * {@code /users/<default>/clients/<default>}, {@code /users/<default>}, {@code /clients/<c>},
 * {@code /clients/<default>}. A quota set for a user alone is shared by all of that user's client ids;
 * one set for client ids alone is shared by all users of a client id; a default applies to each user
 * or client id separately.
 *
 * <p>What a (user, client id) resolves to is cached until the quotas change; with no quota of this kind
 * set anywhere, a request costs one volatile read. As in Kafka, the rate of a client that has sent
 * nothing for an hour is dropped (looked for at most once a minute, when a new client shows up), so
 * client ids that come and go do not pile up.
 *
 * <p>Threading: thread-safe. {@link #onMetadataUpdate} runs on the metadata apply thread; the other
 * methods on any event loop.
 */
public final class ClientQuotaManager implements MetadataPublisher {

    /** The user of every request until authentication exists: Kafka's anonymous principal. */
    public static final String ANONYMOUS = "ANONYMOUS";

    /** Resolved once per (user, client id) and quota generation; a client id with no quota has a null rate. */
    private record ClientQuota(Bounds bounds, double bound, SampledRate rate) {
    }

    /** Who shares a rate: Kafka's quota metric tags (an empty string for a part the quota does not split on). */
    private record SensorKey(String user, String clientId) {
    }

    /** The bounds of this quota by entity, as of one metadata change. */
    private record Bounds(Map<QuotaEntity, Double> byEntity) {
    }

    /** How long a rate is kept without traffic. */
    static final long INACTIVE_EXPIRY_MS = 3_600_000L;
    /** Least time between two looks for inactive rates. */
    private static final long EXPIRY_CHECK_INTERVAL_MS = 60_000L;

    private final QuotaKey key;
    private final ClientQuotaManagerConfig config;
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, ClientQuota>> resolved = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<SensorKey, SampledRate> rates = new ConcurrentHashMap<>();
    private volatile Bounds bounds = new Bounds(Map.of());
    private volatile long lastExpiryCheckMs;

    public ClientQuotaManager(QuotaKey key, ClientQuotaManagerConfig config) {
        this.key = key;
        this.config = config;
    }

    @Override
    public void onMetadataUpdate(MetadataDelta delta, MetadataImage newImage) {
        if (delta.changedQuotaEntities().isEmpty()) {
            return;
        }
        Map<QuotaEntity, Double> byEntity = new HashMap<>();
        newImage.clientQuotas().forEach((entity, values) -> {
            Double bound = values.get(key.key());
            if (bound != null) {
                byEntity.put(entity, bound);
            }
        });
        bounds = new Bounds(Map.copyOf(byEntity));
        resolved.clear();
    }

    /** Whether any quota of this kind is set. */
    public boolean enabled() {
        return !bounds.byEntity().isEmpty();
    }

    /**
     * Records {@code bytes} for the client at {@code nowMs} and returns how long, in milliseconds, to
     * throttle it: 0 when it has no quota or is within it.
     */
    public int recordAndGetThrottleTimeMs(String user, String clientId, double bytes, long nowMs) {
        ClientQuota quota = quota(user, clientId, nowMs);
        if (quota == null) {
            return 0;
        }
        double rate = quota.rate().record(bytes, nowMs);
        if (rate <= quota.bound()) {
            return 0;
        }
        double throttle = (rate - quota.bound()) / quota.bound() * quota.rate().windowMs(nowMs);
        return (int) Math.min(Integer.MAX_VALUE, Math.round(throttle));
    }

    /** Takes back bytes recorded earlier at {@code nowMs}, as for a fetch answered empty because it was throttled. */
    public void unrecord(String user, String clientId, double bytes, long nowMs) {
        ClientQuota quota = quota(user, clientId, nowMs);
        if (quota != null) {
            quota.rate().unrecord(bytes);
        }
    }

    /** The most bytes the client may take within one quota window, or {@link Integer#MAX_VALUE} when it has no quota. */
    public int maxValueInQuotaWindow(String user, String clientId, long nowMs) {
        ClientQuota quota = quota(user, clientId, nowMs);
        if (quota == null) {
            return Integer.MAX_VALUE;
        }
        double max = quota.bound() * (config.numSamples() - 1) * config.sampleWindowMs() / 1000.0;
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, max));
    }

    /** The client's current rate in bytes per second, or 0 when it has no quota (for tests and tools). */
    public double rate(String user, String clientId, long nowMs) {
        ClientQuota quota = quota(user, clientId, nowMs);
        return quota == null ? 0 : quota.rate().measure(nowMs);
    }

    /** How many rates are kept: one per user, client id or pair that shares a quota. */
    int rateCount() {
        return rates.size();
    }

    private ClientQuota quota(String user, String clientId, long nowMs) {
        Bounds current = bounds;
        if (current.byEntity().isEmpty()) {
            return null;
        }
        String client = clientId == null ? "" : clientId;
        ConcurrentHashMap<String, ClientQuota> clients = resolved.computeIfAbsent(user, ignored -> new ConcurrentHashMap<>());
        ClientQuota quota = clients.get(client);
        if (quota == null || quota.bounds() != current) {
            expireInactive(nowMs);
            quota = resolve(current, user, client, nowMs);
            clients.put(client, quota);
        }
        return quota.rate() == null ? null : quota;
    }

    /** Drops rates idle for {@link #INACTIVE_EXPIRY_MS}, and with them every cached resolution (they are rebuilt on demand). */
    private void expireInactive(long nowMs) {
        if (nowMs - lastExpiryCheckMs < EXPIRY_CHECK_INTERVAL_MS) {
            return;
        }
        lastExpiryCheckMs = nowMs;
        if (rates.values().removeIf(rate -> nowMs - rate.lastRecordMs() >= INACTIVE_EXPIRY_MS)) {
            resolved.clear();
        }
    }

    private ClientQuota resolve(Bounds current, String user, String clientId, long nowMs) {
        QuotaEntity.Part u = QuotaEntity.Part.named(user);
        QuotaEntity.Part c = QuotaEntity.Part.named(clientId);
        QuotaEntity.Part any = QuotaEntity.Part.DEFAULT;
        QuotaEntity[] precedence = {
                new QuotaEntity(u, c), new QuotaEntity(u, any), new QuotaEntity(u, null),
                new QuotaEntity(any, c), new QuotaEntity(any, any), new QuotaEntity(any, null),
                new QuotaEntity(null, c), new QuotaEntity(null, any)};
        for (QuotaEntity entity : precedence) {
            Double bound = current.byEntity().get(entity);
            if (bound != null) {
                SensorKey sensor = new SensorKey(entity.user() == null ? "" : user, entity.clientId() == null ? "" : clientId);
                SampledRate rate = rates.computeIfAbsent(sensor, ignored -> new SampledRate(config.numSamples(), config.sampleWindowMs(), nowMs));
                return new ClientQuota(current, bound, rate);
            }
        }
        return new ClientQuota(current, 0, null);
    }
}
