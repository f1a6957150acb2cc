package io.vltava.bench;

import io.vltava.common.time.Scheduler;
import io.vltava.common.time.Time;
import io.vltava.common.topic.TopicPartition;
import io.vltava.storage.log.LogConfig;
import io.vltava.storage.log.LogFlusher;
import io.vltava.storage.log.PartitionLog;
import io.vltava.testing.TestDirectories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One or more {@link PartitionLog}s (partitions of one topic) sharing one {@link LogFlusher}, as the
 * partitions of a broker's log directory do, in a fresh directory deleted with its files on
 * {@link #close()}. Closing does not fsync: the data is thrown away, and deleting the files drops
 * their dirty pages instead of writing them back.
 *
 * <p>Threading: append to each log from one thread at a time (the log's rule); open and close from the
 * thread that drives the benchmark.
 */
public final class TempLogDir implements AutoCloseable {

    private static final String TOPIC = "bench";
    private static final UUID TOPIC_ID = new UUID(0x0be4_c400_0000_0001L, 0x0000_0000_0000_0001L);
    private static final Scheduler AT_ONCE = (task, delayMs) -> task.run();

    private final Path root;
    private final LogFlusher flusher;
    private final List<PartitionLog> logs = new ArrayList<>();

    private TempLogDir(Path root, LogConfig config, int partitions) {
        this.root = root;
        this.flusher = new LogFlusher("bench-log-flusher");
        for (int partition = 0; partition < partitions; partition++) {
            logs.add(PartitionLog.open(new TopicPartition(TOPIC, partition), root.resolve(TOPIC + "-" + partition), TOPIC_ID, config, 0L,
                    0L, true, Time.SYSTEM, flusher, AT_ONCE));
        }
    }

    /** Opens {@code partitions} empty logs in a new directory under {@code parent}. */
    public static TempLogDir open(Path parent, LogConfig config, int partitions) {
        try {
            Files.createDirectories(parent);
            return new TempLogDir(Files.createTempDirectory(parent, "vltava-bench-"), config, partitions);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a log directory under " + parent, e);
        }
    }

    /** Opens one empty log in a new directory under {@code java.io.tmpdir}. */
    public static TempLogDir open(LogConfig config) {
        return open(Path.of(System.getProperty("java.io.tmpdir")), config, 1);
    }

    /** The first (or only) log. */
    public PartitionLog log() {
        return logs.get(0);
    }

    /** Every log, by partition. */
    public List<PartitionLog> logs() {
        return logs;
    }

    /**
     * Appends to the first log batches of {@code recordsPerBatch} records of {@code valueBytes} bytes until the log holds
     * at least {@code bytes}, with timestamps that grow by one millisecond per record from
     * {@code firstTimestamp}, then moves the high watermark to the log end so every batch is readable.
     */
    public void preload(long bytes, int recordsPerBatch, int valueBytes, long firstTimestamp) {
        long timestamp = firstTimestamp;
        long seed = 0;
        PartitionLog log = log();
        while (log.sizeInBytes() < bytes) {
            ByteBuffer batch = RecordBatches.batch(recordsPerBatch, valueBytes, timestamp, seed++);
            log.appendAsLeader(batch, 0);
            timestamp += recordsPerBatch;
        }
        log.maybeIncrementHighWatermark(log.logEndOffset());
    }

    /** Closes the logs without an fsync, stops the flusher and deletes the directory. */
    @Override
    public void close() {
        for (PartitionLog log : logs) {
            log.closeWithoutFlush();
        }
        flusher.close();
        TestDirectories.deleteQuietly(root);
    }
}
