package io.vltava.broker.quota;

import io.vltava.metadata.image.MetadataDelta;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.record.QuotaEntity;
import io.vltava.metadata.record.QuotaKey;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;

/**
 * The quotas of one kind and the meters that measure clients against them: finds the quota of a
 * (user, client id) by Kafka's precedence and the meter shared by everyone under that quota.
 *
 * <p>Precedence, most specific first: {@code /users/<u>/clients/<c>},
 * {@code /users/<u>/clients/<default>}, {@code /users/<u>}, {@code /users/<default>/clients/<c>},
 * {@code /users/<default>/clients/<default>}, {@code /users/<default>}, {@code /clients/<c>},
 * {@code /clients/<default>}. A quota set for a user alone is shared by all of that user's client ids;
 * one set for client ids alone is shared by all users of a client id; a default applies to each user
 * or client id separately.
 *
 * <p>What a (user, client id) resolves to is cached until the quotas change; with no quota of this kind
 * set anywhere, a look-up costs one volatile read. As in Kafka, the meter of a client that has recorded
 * nothing for an hour is dropped (looked for at most once a minute, when a new client shows up).
 *
 * <p>Threading: thread-safe. {@link #onMetadataUpdate} runs on the metadata apply thread; the other
 * methods on any thread.
 *
 * @param <M> what measures a client against its quota
 */
final class QuotaRegistry<M extends QuotaRegistry.Meter> {

    /** Measures the clients under one quota. */
    interface Meter {

        /** When something was last recorded. */
        long lastRecordMs();
    }

    /** A client's quota bound and the meter it shares. */
    record Resolved<M>(double bound, M meter) {
    }

    /** Resolved once per (user, client id) and quota generation; a client with no quota has a null meter. */
    private record Cached<M>(Bounds bounds, Resolved<M> resolved) {
    }

    /** Who shares a meter: Kafka's quota metric tags (an empty string for a part the quota does not split on). */
    private record SensorKey(String user, String clientId) {
    }

    /** The bounds of this quota by entity, as of one metadata change. */
    private record Bounds(Map<QuotaEntity, Double> byEntity) {
    }

    /** How long a meter is kept without traffic. */
    static final long INACTIVE_EXPIRY_MS = 3_600_000L;
    /** Least time between two looks for inactive meters. */
    private static final long EXPIRY_CHECK_INTERVAL_MS = 60_000L;

    private final QuotaKey key;
    private final LongFunction<M> newMeter;
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Cached<M>>> resolved = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<SensorKey, M> meters = new ConcurrentHashMap<>();
    private volatile Bounds bounds = new Bounds(Map.of());
    private volatile long lastExpiryCheckMs;

    /** {@code newMeter} makes a meter at the given time. */
    QuotaRegistry(QuotaKey key, LongFunction<M> newMeter) {
        this.key = key;
        this.newMeter = newMeter;
    }

    void onMetadataUpdate(MetadataDelta delta, MetadataImage newImage) {
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

    boolean enabled() {
        return !bounds.byEntity().isEmpty();
    }

    /** How many meters are kept: one per user, client id or pair that shares a quota. */
    int meterCount() {
        return meters.size();
    }

    /** The quota of the client and its meter, or null when it has none. */
    Resolved<M> resolve(String user, String clientId, long nowMs) {
        Bounds current = bounds;
        if (current.byEntity().isEmpty()) {
            return null;
        }
        String client = clientId == null ? "" : clientId;
        ConcurrentHashMap<String, Cached<M>> clients = resolved.computeIfAbsent(user, ignored -> new ConcurrentHashMap<>());
        Cached<M> cached = clients.get(client);
        if (cached == null || cached.bounds() != current) {
            expireInactive(nowMs);
            cached = new Cached<>(current, lookUp(current, user, client, nowMs));
            clients.put(client, cached);
        }
        return cached.resolved();
    }

    /** Drops meters idle for {@link #INACTIVE_EXPIRY_MS}, and with them every cached resolution (they are rebuilt on demand). */
    private void expireInactive(long nowMs) {
        if (nowMs - lastExpiryCheckMs < EXPIRY_CHECK_INTERVAL_MS) {
            return;
        }
        lastExpiryCheckMs = nowMs;
        if (meters.values().removeIf(meter -> nowMs - meter.lastRecordMs() >= INACTIVE_EXPIRY_MS)) {
            resolved.clear();
        }
    }

    private Resolved<M> lookUp(Bounds current, String user, String clientId, long nowMs) {
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
                return new Resolved<>(bound, meters.computeIfAbsent(sensor, ignored -> newMeter.apply(nowMs)));
            }
        }
        return null;
    }
}
