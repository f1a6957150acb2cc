package io.vltava.broker.fetch;

import io.vltava.common.time.Time;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The broker's incremental fetch sessions, at most {@code max.incremental.fetch.session.cache.slots}.
 *
 * <p>When it is full, a new session takes the place of one idle for longer than the eviction time, or
 * else of the smallest session older than the eviction time if the new one has more partitions;
 * otherwise no session is created (session id 0), which clients handle by sending full fetches.
 *
 * <p>Threading: synchronized.
 */
public final class FetchSessionCache {

    /** Sessions younger or more recently used than this are not evicted for a newcomer (Kafka's value). */
    static final long EVICTION_MS = 120_000L;

    private final int maxSessions;
    private final Time time;
    private final Map<Integer, FetchSession> sessions = new HashMap<>();

    public FetchSessionCache(int maxSessions, Time time) {
        this.maxSessions = maxSessions;
        this.time = time;
    }

    public synchronized FetchSession get(int id) {
        return sessions.get(id);
    }

    public synchronized void remove(int id) {
        sessions.remove(id);
    }

    /**
     * Applies an incremental request to {@code session}.
     *
     * @return false if the request's epoch is not the session's next one
     */
    public boolean update(FetchSession session, int requestEpoch, List<FetchTarget> changed, List<FetchPartitionKey> forgotten) {
        return session.update(requestEpoch, changed, forgotten, time.milliseconds());
    }

    /**
     * Creates a session holding the partitions of a full fetch response.
     *
     * @return the session, or null when the cache has no room for it
     */
    public synchronized FetchSession create(boolean usesTopicIds, List<FetchedPartition> results) {
        long now = time.milliseconds();
        if (sessions.size() >= maxSessions && !evictFor(results.size(), now)) {
            return null;
        }
        int id;
        do {
            id = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
        } while (sessions.containsKey(id));
        FetchSession session = new FetchSession(id, usesTopicIds, now);
        session.fill(results);
        sessions.put(id, session);
        return session;
    }

    private boolean evictFor(int newSize, long now) {
        if (maxSessions == 0) {
            return false;
        }
        FetchSession idlest = sessions.values().stream().min(Comparator.comparingLong(FetchSession::lastUsedMs)).orElseThrow();
        if (now - idlest.lastUsedMs() > EVICTION_MS) {
            sessions.remove(idlest.id());
            return true;
        }
        FetchSession smallest = sessions.values().stream()
                .filter(s -> now - s.createdMs() > EVICTION_MS)
                .min(Comparator.comparingInt(FetchSession::size).thenComparingInt(FetchSession::id))
                .orElse(null);
        if (smallest != null && newSize > smallest.size()) {
            sessions.remove(smallest.id());
            return true;
        }
        return false;
    }
}
