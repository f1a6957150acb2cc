package io.vltava.storage.cleaner;

import io.vltava.storage.log.LogConfig;
import io.vltava.storage.log.LogSegment;
import io.vltava.storage.log.PartitionLog;
import java.io.IOException;
import java.util.List;

/**
 * A log as the cleaner sees it before a cleaning: its dirty section, the records from
 * {@code firstDirtyOffset} up to (not including) {@code firstUncleanableOffset}, and how much of the
 * log is clean or dirty, which decides whether a cleaning is worth it.
 *
 * <p>Threading: immutable (the log itself is thread-safe).
 *
 * @param log                    the log
 * @param firstDirtyOffset       the first offset not yet cleaned
 * @param firstUncleanableOffset the first offset this cleaning must leave alone; a segment base offset, or
 *                               {@code firstDirtyOffset} when nothing may be cleaned
 * @param cleanBytes             bytes of the segments before the one holding the first dirty offset
 * @param cleanableBytes         bytes of the segments from that one to the first uncleanable offset
 * @param needCompactionNow      whether a dirty segment holds records older than {@code max.compaction.lag.ms}
 */
record LogToClean(PartitionLog log, long firstDirtyOffset, long firstUncleanableOffset, long cleanBytes, long cleanableBytes,
                  boolean needCompactionNow) {

    /**
     * Works out the dirty section of {@code log} at {@code nowMs}. It starts at the checkpointed offset
     * (the log start when there is none, or when it lies outside the log). It ends before the active
     * segment, before the segments holding the last stable offset (at or below the high watermark) and the
     * recovery point (so that no record a reader may not see yet, no transaction still open, and no segment
     * the flusher has still to fsync, is rewritten), and before
     * the first segment with a record newer than {@code min.compaction.lag.ms}.
     */
    static LogToClean of(PartitionLog log, Long checkpointed, long nowMs) throws IOException {
        LogConfig config = log.config();
        List<LogSegment> segments = log.logSegments();
        LogSegment active = segments.get(segments.size() - 1);
        long logStart = log.logStartOffset();
        long firstDirty = checkpointed == null || checkpointed < logStart || checkpointed > log.logEndOffset() ? logStart : checkpointed;
        long dirtySegmentBase = baseOfSegmentHolding(segments, firstDirty);

        long uncleanable = Math.min(active.baseOffset(),
                Math.min(baseOfSegmentHolding(segments, log.lastStableOffset()), baseOfSegmentHolding(segments, log.recoveryPoint())));
        long minLagMs = Math.max(config.minCompactionLagMs(), 0L);
        long maxLagMs = Math.max(config.maxCompactionLagMs(), 0L);
        long earliestDirtyTimestamp = Long.MAX_VALUE;
        boolean lagChecked = minLagMs == 0;
        for (LogSegment segment : segments) {
            if (segment == active || segment.baseOffset() < dirtySegmentBase) {
                continue;
            }
            if (!lagChecked && segment.largestTimestamp() > nowMs - minLagMs) {
                uncleanable = Math.min(uncleanable, segment.baseOffset());
                lagChecked = true;
            }
            if (maxLagMs < Long.MAX_VALUE) {
                long first = segment.firstBatchTimestamp();
                if (first > 0) {
                    earliestDirtyTimestamp = Math.min(earliestDirtyTimestamp, first);
                }
            }
        }
        uncleanable = Math.max(uncleanable, firstDirty);

        long cleanBytes = 0;
        long cleanableBytes = 0;
        for (LogSegment segment : segments) {
            if (segment.baseOffset() < dirtySegmentBase) {
                cleanBytes += segment.size();
            } else if (firstDirty < uncleanable && segment.baseOffset() < uncleanable) {
                cleanableBytes += segment.size();
            }
        }
        boolean overdue = earliestDirtyTimestamp < nowMs - maxLagMs;
        return new LogToClean(log, firstDirty, uncleanable, cleanBytes, cleanableBytes, overdue);
    }

    /** The base offset of the last segment starting at or below {@code offset} (the first segment's if none does). */
    private static long baseOfSegmentHolding(List<LogSegment> segments, long offset) {
        long base = segments.get(0).baseOffset();
        for (LogSegment segment : segments) {
            if (segment.baseOffset() > offset) {
                break;
            }
            base = segment.baseOffset();
        }
        return base;
    }

    /** Dirty bytes over all bytes, 0 for an empty log. */
    double cleanableRatio() {
        long total = cleanBytes + cleanableBytes;
        return total == 0 ? 0.0 : (double) cleanableBytes / total;
    }

    /** Whether the log should be cleaned now: it has dirty bytes, and enough of them or some overdue. */
    boolean isDue() {
        return cleanableBytes > 0 && (needCompactionNow || cleanableRatio() >= log.config().minCleanableDirtyRatio());
    }
}
