package io.vltava.storage.log;

/**
 * The settings of one partition's log, resolved from its topic's configuration and the broker's
 * defaults.
 *
 * @param segmentBytes      roll a segment once it would exceed this size ({@code segment.bytes})
 * @param segmentIndexBytes maximum size of a segment's offset index ({@code segment.index.bytes})
 * @param indexIntervalBytes bytes between offset index entries ({@code index.interval.bytes})
 * @param flushMessages     fsync after this many messages; 1 makes every acknowledgement durable ({@code flush.messages})
 * @param flushMs           fsync data older than this ({@code flush.ms})
 * @param timestampType     whose timestamp the log keeps ({@code message.timestamp.type})
 * @param fileDeleteDelayMs how long deleted files linger before removal ({@code file.delete.delay.ms})
 */
public record LogConfig(int segmentBytes, int segmentIndexBytes, int indexIntervalBytes, long flushMessages,
                        long flushMs, TimestampType timestampType, long fileDeleteDelayMs) {

    /** Kafka's defaults. */
    public static final LogConfig DEFAULT = new LogConfig(1024 * 1024 * 1024, 10 * 1024 * 1024, 4096,
            Long.MAX_VALUE, Long.MAX_VALUE, TimestampType.CREATE_TIME, 60_000L);

    public LogConfig withSegmentBytes(int bytes) {
        return new LogConfig(bytes, segmentIndexBytes, indexIntervalBytes, flushMessages, flushMs, timestampType, fileDeleteDelayMs);
    }

    public LogConfig withFlushMessages(long messages) {
        return new LogConfig(segmentBytes, segmentIndexBytes, indexIntervalBytes, messages, flushMs, timestampType, fileDeleteDelayMs);
    }

    public LogConfig withTimestampType(TimestampType type) {
        return new LogConfig(segmentBytes, segmentIndexBytes, indexIntervalBytes, flushMessages, flushMs, type, fileDeleteDelayMs);
    }
}
