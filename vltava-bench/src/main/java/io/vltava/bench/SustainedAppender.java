package io.vltava.bench;

import io.vltava.storage.log.LogAppendInfo;
import io.vltava.storage.log.LogConfig;
import io.vltava.storage.log.PartitionLog;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Appends one batch over and over, round robin to the logs of a fresh {@link TempLogDir}, for a bounded
 * time and byte count, as producers do: an append whose {@link LogAppendInfo#durable()} future is not
 * complete stays in a window of unacknowledged bytes, and the appender waits for the oldest once the
 * window is full. The clock stops when everything appended is as durable as {@code flush.messages}
 * asks; the logs and their files are deleted afterwards.
 *
 * <p>Threading: {@link #run} appends on the caller's thread; fsyncs run on the logs' flusher thread.
 */
public final class SustainedAppender {

    private final Path parent;
    private final ByteBuffer batch;
    private final int recordsPerBatch;
    private final int partitions;
    private final long inFlightBytes;

    /**
     * @param parent          where the logs are created
     * @param batch           the batch appended each time (its header is rewritten by every append)
     * @param recordsPerBatch the number of records in {@code batch}
     * @param partitions      the number of logs, sharing one flusher
     * @param inFlightBytes   most bytes appended but not yet durable before the appender waits
     */
    public SustainedAppender(Path parent, ByteBuffer batch, int recordsPerBatch, int partitions, long inFlightBytes) {
        this.parent = parent;
        this.batch = batch;
        this.recordsPerBatch = recordsPerBatch;
        this.partitions = partitions;
        this.inFlightBytes = inFlightBytes;
    }

    /**
     * What one run did (immutable).
     *
     * @param appends     batches appended
     * @param records     records appended
     * @param bytes       bytes appended
     * @param seconds     from the first append until the last was durable
     * @param logFlushes  fsyncs of a log (by the flusher, each in one of its rounds) that appends waited for
     */
    public record Result(long appends, long records, long bytes, double seconds, long logFlushes) {

        public double megabytesPerSecond() {
            return bytes / seconds / 1_000_000.0;
        }

        public double recordsPerSecond() {
            return records / seconds;
        }

        /** Average bytes made durable by one awaited log flush, or 0 when no append waited. */
        public double bytesPerLogFlush() {
            return logFlushes == 0 ? 0 : (double) bytes / logFlushes;
        }
    }

    /** Appends for at most {@code maxSeconds} and at most {@code maxBytes} to logs with {@code config}. */
    public Result run(LogConfig config, double maxSeconds, long maxBytes) {
        ArrayDeque<CompletableFuture<Void>> window = new ArrayDeque<>();
        int batchBytes = batch.remaining();
        long maxInFlight = Math.max(1, inFlightBytes / batchBytes);
        try (TempLogDir dir = TempLogDir.open(parent, config, partitions)) {
            List<PartitionLog> logs = dir.logs();
            CompletableFuture<?>[] lastFlush = new CompletableFuture<?>[partitions];
            long appends = 0;
            long flushes = 0;
            long start = System.nanoTime();
            long deadline = start + (long) (maxSeconds * 1e9);
            while (appends * batchBytes + batchBytes <= maxBytes && System.nanoTime() < deadline) {
                int partition = (int) (appends % partitions);
                CompletableFuture<Void> durable = logs.get(partition).appendAsLeader(batch.duplicate(), 0).durable();
                appends++;
                if (!durable.isDone()) {
                    if (durable != lastFlush[partition]) {
                        flushes++;
                        lastFlush[partition] = durable;
                    }
                    window.addLast(durable);
                }
                while (!window.isEmpty() && (window.peekFirst().isDone() || window.size() > maxInFlight)) {
                    window.pollFirst().join();
                }
            }
            for (CompletableFuture<Void> durable : window) {
                durable.join();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Result(appends, appends * recordsPerBatch, appends * batchBytes, seconds, flushes);
        }
    }
}
