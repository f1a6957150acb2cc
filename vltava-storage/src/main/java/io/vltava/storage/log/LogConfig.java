package io.vltava.storage.log;

/**
 * The settings of one partition's log, resolved from its topic's configuration and the broker's
 * defaults. Build one with {@link #builder()} or change a few settings of another with
 * {@link #toBuilder()}.
 *
 * <p>Threading: immutable.
 *
 * @param segmentBytes           roll a segment once it would exceed this size ({@code segment.bytes})
 * @param segmentMs              roll the active segment once appended batches are this much newer than its first batch, by record
 *                               timestamp, or by the clock when the first batch has none ({@code segment.ms})
 * @param segmentJitterMs        most a segment's roll time is brought forward at random, to spread rolls ({@code segment.jitter.ms})
 * @param segmentIndexBytes      maximum size of each of a segment's indexes, offset and time ({@code segment.index.bytes})
 * @param indexIntervalBytes     bytes between index entries ({@code index.interval.bytes})
 * @param flushMessages          fsync after this many messages; 1 makes every acknowledgement durable ({@code flush.messages})
 * @param flushMs                fsync data older than this ({@code flush.ms})
 * @param timestampType          whose timestamp the log keeps ({@code message.timestamp.type})
 * @param fileDeleteDelayMs      how long deleted files linger before removal ({@code file.delete.delay.ms})
 * @param retentionMs            delete segments whose newest record is older than this; -1 keeps them for ever ({@code retention.ms})
 * @param retentionBytes         delete the oldest segments while the log is larger than this; -1 for no limit ({@code retention.bytes})
 * @param delete                 whether retention deletes old segments ({@code cleanup.policy} holds {@code delete})
 * @param compact                whether the cleaner keeps only the latest record per key ({@code cleanup.policy} holds {@code compact})
 * @param deleteRetentionMs      how long a tombstone survives compaction ({@code delete.retention.ms})
 * @param minCleanableDirtyRatio share of the log not yet compacted that makes it worth cleaning ({@code min.cleanable.dirty.ratio})
 * @param minCompactionLagMs     records younger than this are not compacted ({@code min.compaction.lag.ms})
 * @param maxCompactionLagMs     records older than this make the log due for cleaning whatever its dirty ratio ({@code max.compaction.lag.ms})
 * @param preallocate            whether a new segment's file is allocated at its full size ({@code preallocate})
 */
public record LogConfig(int segmentBytes, long segmentMs, long segmentJitterMs, int segmentIndexBytes, int indexIntervalBytes,
                        long flushMessages, long flushMs, TimestampType timestampType, long fileDeleteDelayMs, long retentionMs,
                        long retentionBytes, boolean delete, boolean compact, long deleteRetentionMs, double minCleanableDirtyRatio,
                        long minCompactionLagMs, long maxCompactionLagMs, boolean preallocate) {

    /** Kafka's defaults. */
    public static final LogConfig DEFAULT = new LogConfig(1024 * 1024 * 1024, 604_800_000L, 0L, 10 * 1024 * 1024, 4096,
            Long.MAX_VALUE, Long.MAX_VALUE, TimestampType.CREATE_TIME, 60_000L, 604_800_000L, -1L, true, false, 86_400_000L, 0.5,
            0L, Long.MAX_VALUE, false);

    public static Builder builder() {
        return DEFAULT.toBuilder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public LogConfig withSegmentBytes(int bytes) {
        return toBuilder().segmentBytes(bytes).build();
    }

    public LogConfig withFlushMessages(long messages) {
        return toBuilder().flushMessages(messages).build();
    }

    public LogConfig withTimestampType(TimestampType type) {
        return toBuilder().timestampType(type).build();
    }

    /** Builds a {@link LogConfig}, starting from Kafka's defaults or another config. Not thread-safe. */
    public static final class Builder {

        private int segmentBytes;
        private long segmentMs;
        private long segmentJitterMs;
        private int segmentIndexBytes;
        private int indexIntervalBytes;
        private long flushMessages;
        private long flushMs;
        private TimestampType timestampType;
        private long fileDeleteDelayMs;
        private long retentionMs;
        private long retentionBytes;
        private boolean delete;
        private boolean compact;
        private long deleteRetentionMs;
        private double minCleanableDirtyRatio;
        private long minCompactionLagMs;
        private long maxCompactionLagMs;
        private boolean preallocate;

        private Builder(LogConfig from) {
            segmentBytes = from.segmentBytes;
            segmentMs = from.segmentMs;
            segmentJitterMs = from.segmentJitterMs;
            segmentIndexBytes = from.segmentIndexBytes;
            indexIntervalBytes = from.indexIntervalBytes;
            flushMessages = from.flushMessages;
            flushMs = from.flushMs;
            timestampType = from.timestampType;
            fileDeleteDelayMs = from.fileDeleteDelayMs;
            retentionMs = from.retentionMs;
            retentionBytes = from.retentionBytes;
            delete = from.delete;
            compact = from.compact;
            deleteRetentionMs = from.deleteRetentionMs;
            minCleanableDirtyRatio = from.minCleanableDirtyRatio;
            minCompactionLagMs = from.minCompactionLagMs;
            maxCompactionLagMs = from.maxCompactionLagMs;
            preallocate = from.preallocate;
        }

        public Builder segmentBytes(int value) {
            segmentBytes = value;
            return this;
        }

        public Builder segmentMs(long value) {
            segmentMs = value;
            return this;
        }

        public Builder segmentJitterMs(long value) {
            segmentJitterMs = value;
            return this;
        }

        public Builder segmentIndexBytes(int value) {
            segmentIndexBytes = value;
            return this;
        }

        public Builder indexIntervalBytes(int value) {
            indexIntervalBytes = value;
            return this;
        }

        public Builder flushMessages(long value) {
            flushMessages = value;
            return this;
        }

        public Builder flushMs(long value) {
            flushMs = value;
            return this;
        }

        public Builder timestampType(TimestampType value) {
            timestampType = value;
            return this;
        }

        public Builder fileDeleteDelayMs(long value) {
            fileDeleteDelayMs = value;
            return this;
        }

        public Builder retentionMs(long value) {
            retentionMs = value;
            return this;
        }

        public Builder retentionBytes(long value) {
            retentionBytes = value;
            return this;
        }

        /** The two halves of {@code cleanup.policy}. */
        public Builder cleanupPolicy(boolean deleteOldSegments, boolean compactByKey) {
            delete = deleteOldSegments;
            compact = compactByKey;
            return this;
        }

        public Builder deleteRetentionMs(long value) {
            deleteRetentionMs = value;
            return this;
        }

        public Builder minCleanableDirtyRatio(double value) {
            minCleanableDirtyRatio = value;
            return this;
        }

        public Builder minCompactionLagMs(long value) {
            minCompactionLagMs = value;
            return this;
        }

        public Builder maxCompactionLagMs(long value) {
            maxCompactionLagMs = value;
            return this;
        }

        public Builder preallocate(boolean value) {
            preallocate = value;
            return this;
        }

        public LogConfig build() {
            return new LogConfig(segmentBytes, segmentMs, segmentJitterMs, segmentIndexBytes, indexIntervalBytes, flushMessages, flushMs,
                    timestampType, fileDeleteDelayMs, retentionMs, retentionBytes, delete, compact, deleteRetentionMs,
                    minCleanableDirtyRatio, minCompactionLagMs, maxCompactionLagMs, preallocate);
        }
    }
}
