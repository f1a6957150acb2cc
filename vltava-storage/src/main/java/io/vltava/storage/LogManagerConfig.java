package io.vltava.storage;

import io.vltava.storage.cleaner.LogCleanerConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * Settings of the {@link LogManager}.
 *
 * <p>Threading: immutable.
 *
 * @param logDirs                    directories holding partition logs ({@code log.dirs})
 * @param checkpointIntervalMs       how often recovery points are written ({@code log.flush.offset.checkpoint.interval.ms})
 * @param flushCheckIntervalMs       how often logs are checked against {@code flush.ms} ({@code log.flush.scheduler.interval.ms})
 * @param producerIdExpirationMs     idle time after which an idempotent producer is forgotten ({@code producer.id.expiration.ms})
 * @param producerExpirationCheckMs  how often producers are checked for expiry
 * @param retentionCheckIntervalMs   how often logs are checked for segments to delete by retention
 *                                   ({@code log.retention.check.interval.ms})
 * @param cleaner                    settings of the log cleaner
 * @param minFreeBytes               the logs of a directory with less free space refuse appends until space is freed
 *                                   ({@code log.dir.min.free.bytes})
 * @param freeSpaceCheckIntervalMs   how often the free space of each directory is checked
 *                                   ({@code log.dir.free.space.check.interval.ms})
 */
public record LogManagerConfig(List<Path> logDirs, long checkpointIntervalMs, long flushCheckIntervalMs, long producerIdExpirationMs,
                               long producerExpirationCheckMs, long retentionCheckIntervalMs, LogCleanerConfig cleaner, long minFreeBytes,
                               long freeSpaceCheckIntervalMs) {

    public LogManagerConfig {
        logDirs = List.copyOf(logDirs);
    }
}
