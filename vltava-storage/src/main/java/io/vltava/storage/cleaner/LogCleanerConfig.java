package io.vltava.storage.cleaner;

/**
 * Settings of the log cleaner, which compacts the logs of topics with {@code cleanup.policy=compact}.
 *
 * <p>Threading: immutable.
 *
 * @param enabled               whether compacted topics are cleaned at all ({@code log.cleaner.enable})
 * @param threads               cleaner threads ({@code log.cleaner.threads})
 * @param dedupeBufferSize      memory, across all cleaner threads, for the key map of one cleaning
 *                              ({@code log.cleaner.dedupe.buffer.size})
 * @param ioBufferSize          memory, across all cleaner threads, for reading and writing batches
 *                              ({@code log.cleaner.io.buffer.size})
 * @param ioMaxBytesPerSecond   read plus write bandwidth the cleaners may use together
 *                              ({@code log.cleaner.io.max.bytes.per.second})
 * @param backoffMs             pause when no log needs cleaning ({@code log.cleaner.backoff.ms})
 */
public record LogCleanerConfig(boolean enabled, int threads, long dedupeBufferSize, int ioBufferSize, double ioMaxBytesPerSecond,
                               long backoffMs) {

    /** Kafka's defaults. */
    public static final LogCleanerConfig DEFAULT = new LogCleanerConfig(true, 1, 128L * 1024 * 1024, 512 * 1024, Double.MAX_VALUE, 15_000L);
}
