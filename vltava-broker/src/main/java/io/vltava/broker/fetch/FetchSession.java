package io.vltava.broker.fetch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.apache.kafka.common.protocol.Errors;

/**
 * An incremental fetch session (KIP-227): the partitions a client fetches, with their last request
 * parameters and the high watermark and log start offset last sent for each, so that a request need
 * only mention what changed and a response only what moved.
 *
 * <p>The order of the partitions is the read order; partitions that returned data move to the back,
 * so that a byte-limited fetch serves all partitions in turn.
 *
 * <p>Threading: synchronized; a session may be used by several connections in turn.
 */
public final class FetchSession {

    /** Epoch of a request that creates a session. */
    public static final int INITIAL_EPOCH = 0;
    /** Epoch of a request that closes its session. */
    public static final int FINAL_EPOCH = -1;

    private final int id;
    private final boolean usesTopicIds;
    private final long createdMs;
    private final LinkedHashMap<FetchPartitionKey, Cached> partitions = new LinkedHashMap<>();
    private int epoch;
    private long lastUsedMs;

    FetchSession(int id, boolean usesTopicIds, long nowMs) {
        this.id = id;
        this.usesTopicIds = usesTopicIds;
        this.createdMs = nowMs;
        this.lastUsedMs = nowMs;
        this.epoch = nextEpoch(INITIAL_EPOCH);
    }

    public int id() {
        return id;
    }

    public boolean usesTopicIds() {
        return usesTopicIds;
    }

    synchronized int size() {
        return partitions.size();
    }

    long createdMs() {
        return createdMs;
    }

    synchronized long lastUsedMs() {
        return lastUsedMs;
    }

    /** The epoch after {@code epoch}: it never returns to 0, and a negative epoch stays final. */
    public static int nextEpoch(int epoch) {
        if (epoch < 0) {
            return FINAL_EPOCH;
        }
        return epoch == Integer.MAX_VALUE ? 1 : epoch + 1;
    }

    /** Adds the partitions of a full response, with what was sent for each. */
    synchronized void fill(List<FetchedPartition> results) {
        for (FetchedPartition result : results) {
            Cached cached = new Cached(result.target());
            cached.highWatermark = result.error() == Errors.NONE ? result.highWatermark() : -1;
            cached.logStartOffset = result.logStartOffset();
            cached.lastStableOffset = result.error() == Errors.NONE ? result.lastStableOffset() : -1;
            partitions.put(result.target().key(), cached);
        }
    }

    /**
     * Applies an incremental request: updates or adds the partitions it names, removes the forgotten
     * ones, advances the epoch.
     *
     * @return false if the request's epoch is not the one expected (nothing is changed)
     */
    synchronized boolean update(int requestEpoch, List<FetchTarget> changed, List<FetchPartitionKey> forgotten, long nowMs) {
        if (requestEpoch != epoch) {
            return false;
        }
        for (FetchTarget target : changed) {
            Cached cached = partitions.get(target.key());
            if (cached == null) {
                partitions.put(target.key(), new Cached(target));
            } else {
                cached.target = target;
            }
        }
        for (FetchPartitionKey key : forgotten) {
            partitions.remove(key);
        }
        epoch = nextEpoch(epoch);
        lastUsedMs = nowMs;
        return true;
    }

    /** The partitions in read order, with their remembered request parameters. */
    public synchronized List<FetchTarget> targets() {
        List<FetchTarget> targets = new ArrayList<>(partitions.size());
        for (Cached cached : partitions.values()) {
            targets.add(cached.target);
        }
        return targets;
    }

    /**
     * Picks the results an incremental response must carry: partitions with data, an error, or a new
     * high watermark, last stable offset or log start offset; remembers what is sent and moves
     * partitions that returned data to the back of the read order.
     */
    public synchronized List<FetchedPartition> selectUpdates(List<FetchedPartition> results) {
        List<FetchedPartition> updates = new ArrayList<>();
        List<FetchPartitionKey> returnedData = new ArrayList<>();
        for (FetchedPartition result : results) {
            Cached cached = partitions.get(result.target().key());
            if (cached == null) {
                continue;
            }
            boolean include = result.bytes() > 0 || result.divergingEpoch() >= 0;
            if (result.error() != Errors.NONE) {
                include = true;
                cached.highWatermark = -1;
            } else {
                if (result.highWatermark() != cached.highWatermark) {
                    include = true;
                    cached.highWatermark = result.highWatermark();
                }
                if (result.logStartOffset() != cached.logStartOffset) {
                    include = true;
                    cached.logStartOffset = result.logStartOffset();
                }
                if (result.lastStableOffset() != cached.lastStableOffset) {
                    include = true;
                    cached.lastStableOffset = result.lastStableOffset();
                }
            }
            if (include) {
                updates.add(result);
            }
            if (result.bytes() > 0) {
                returnedData.add(result.target().key());
            }
        }
        for (FetchPartitionKey key : returnedData) {
            Cached cached = partitions.remove(key);
            partitions.put(key, cached);
        }
        return updates;
    }

    /** A partition of the session: the parameters last requested and what was last sent. */
    private static final class Cached {
        private FetchTarget target;
        private long highWatermark = -1;
        private long logStartOffset = -1;
        private long lastStableOffset = -1;

        Cached(FetchTarget target) {
            this.target = target;
        }
    }
}
