package io.vltava.storage.epoch;

import io.vltava.storage.checkpoint.CheckpointFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which leader epoch started at which offset in one partition's log, kept in the partition's
 * {@code leader-epoch-checkpoint} ({@code epoch startOffset} lines). It answers OffsetForLeaderEpoch:
 * where did the log of a given epoch end.
 *
 * <p>Invariant: epochs and start offsets both increase; every stored batch's partition leader epoch
 * has an entry at or before its offset.
 *
 * <p>Durability: a new epoch ({@link #assign}) is only written by the next {@link #flush}, which the log
 * runs before it fsyncs its segments; so every entry starting below the log's recovery point is on disk,
 * and the entries after it, like the batches they describe, are rebuilt from the batches by recovery
 * (an epoch whose leader wrote nothing yet is assigned again by the leader). Truncations are written at
 * once, with whatever was assigned before them.
 *
 * <p>Threading: mutated under the log's lock; readers on any thread (synchronized).
 */
public final class LeaderEpochCache {

    public static final String FILE_NAME = "leader-epoch-checkpoint";
    public static final int UNDEFINED_EPOCH = -1;
    public static final long UNDEFINED_EPOCH_OFFSET = -1L;

    private final CheckpointFile file;
    private final TreeMap<Integer, Long> epochs = new TreeMap<>();
    /** Whether an assignment changed the entries since they were last written. */
    private boolean dirty;

    private LeaderEpochCache(Path dir) {
        this.file = new CheckpointFile(dir.resolve(FILE_NAME));
    }

    /** The cache of a partition whose directory was just created: empty, and nothing to read. */
    public static LeaderEpochCache empty(Path dir) {
        return new LeaderEpochCache(dir);
    }

    /** Loads the cache of the partition in {@code dir}; an unreadable file starts empty (recovery rebuilds it). */
    public static LeaderEpochCache load(Path dir) {
        LeaderEpochCache cache = new LeaderEpochCache(dir);
        try {
            for (String line : cache.file.read()) {
                String[] fields = line.trim().split(" ");
                cache.epochs.put(Integer.parseInt(fields[0]), Long.parseLong(fields[1]));
            }
        } catch (IOException | RuntimeException e) {
            cache.epochs.clear();
        }
        return cache;
    }

    /** Records that {@code epoch} starts at {@code startOffset}, if that is news; written by the next {@link #flush}. */
    public synchronized void assign(int epoch, long startOffset) {
        if (epoch < 0 || startOffset < 0) {
            return;
        }
        Map.Entry<Integer, Long> latest = epochs.lastEntry();
        if (latest != null && latest.getKey() == epoch && latest.getValue() <= startOffset) {
            return;
        }
        epochs.tailMap(epoch, true).clear();
        epochs.entrySet().removeIf(e -> e.getValue() >= startOffset);
        epochs.put(epoch, startOffset);
        dirty = true;
    }

    /**
     * Writes the entries, durably, if an assignment changed them since they were last written.
     *
     * @return whether it wrote them, which fsyncs the partition's directory too
     */
    public synchronized boolean flush() {
        if (!dirty) {
            return false;
        }
        persist();
        return true;
    }

    /** The latest epoch, or {@link #UNDEFINED_EPOCH}. */
    public synchronized int latestEpoch() {
        return epochs.isEmpty() ? UNDEFINED_EPOCH : epochs.lastKey();
    }

    /** The epoch of the leader that wrote {@code offset}: the last epoch starting at or before it, or -1. */
    public synchronized int epochFor(long offset) {
        int epoch = UNDEFINED_EPOCH;
        for (Map.Entry<Integer, Long> entry : epochs.entrySet()) {
            if (entry.getValue() > offset) {
                break;
            }
            epoch = entry.getKey();
        }
        return epoch;
    }

    /**
     * Where the log of {@code requestedEpoch} ended: the largest epoch at most the requested one, and the
     * start offset of the next epoch (the log end offset for the latest epoch); (-1, -1) when unknown.
     */
    public synchronized EpochEndOffset endOffsetFor(int requestedEpoch, long logEndOffset) {
        if (requestedEpoch == UNDEFINED_EPOCH) {
            return EpochEndOffset.UNDEFINED;
        }
        if (!epochs.isEmpty() && requestedEpoch == epochs.lastKey()) {
            return new EpochEndOffset(requestedEpoch, logEndOffset);
        }
        Map.Entry<Integer, Long> higher = epochs.higherEntry(requestedEpoch);
        if (higher == null) {
            return EpochEndOffset.UNDEFINED;
        }
        Map.Entry<Integer, Long> floor = epochs.floorEntry(requestedEpoch);
        return new EpochEndOffset(floor == null ? requestedEpoch : floor.getKey(), higher.getValue());
    }

    /** Forgets epochs that start at or after {@code endOffset}, after the log was truncated there. */
    public synchronized void truncateFromEnd(long endOffset) {
        if (epochs.entrySet().removeIf(e -> e.getValue() >= endOffset)) {
            persist();
        }
    }

    /**
     * Forgets what lies below a new log start offset: epochs that start before it are dropped, except
     * the latest of them, which now starts at {@code startOffset}.
     */
    public synchronized void truncateFromStart(long startOffset) {
        int holding = epochFor(startOffset);
        if (holding == UNDEFINED_EPOCH || holding == epochs.firstKey() && epochs.get(holding) == startOffset) {
            return;
        }
        epochs.headMap(holding, false).clear();
        epochs.put(holding, startOffset);
        persist();
    }

    private void persist() {
        List<String> lines = new ArrayList<>(epochs.size());
        epochs.forEach((epoch, offset) -> lines.add(epoch + " " + offset));
        try {
            file.write(lines);
            dirty = false;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file.file(), e);
        }
    }

    /** An epoch and the offset its log ended at. */
    public record EpochEndOffset(int epoch, long endOffset) {
        public static final EpochEndOffset UNDEFINED = new EpochEndOffset(UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET);
    }
}
