package io.vltava.bench;

import io.vltava.storage.log.LogConfig;
import io.vltava.storage.log.LogSlice;
import java.util.Random;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@link io.vltava.storage.log.PartitionLog#firstBatchWithTimestampAtLeast} (ListOffsets by
 * timestamp) for random timestamps in a preloaded log of {@code preloadMiB} MiB in
 * {@code segmentMiB} MiB segments whose timestamps grow by one millisecond per record. Its cost
 * depends on how much of a segment the lookup has to scan, so compare it only at the same sizes.
 * The figure is lookups per second (no megabytes: a lookup returns a position, not data).
 *
 * <p>Threading: one benchmark thread.
 */
public class TimestampLookupBenchmark extends BenchmarkSettings {

    private static final int RANDOM_TIMESTAMPS = 4096;
    private static final long FIRST_TIMESTAMP = 1_700_000_000_000L;

    @Param("64")
    public int preloadMiB;

    @Param("8")
    public int segmentMiB;

    @Param("1024")
    public int recordBytes;

    @Param("16")
    public int recordsPerBatch;

    private TempLogDir dir;
    private long[] timestamps;
    private int next;

    @Setup(Level.Trial)
    public void preload() {
        dir = TempLogDir.open(LogConfig.DEFAULT.withSegmentBytes(segmentMiB * 1024 * 1024));
        dir.preload((long) preloadMiB * 1024 * 1024, recordsPerBatch, recordBytes, FIRST_TIMESTAMP);
        long lastTimestamp = FIRST_TIMESTAMP + dir.log().logEndOffset() - 1;
        Random random = new Random(11);
        timestamps = new long[RANDOM_TIMESTAMPS];
        for (int i = 0; i < timestamps.length; i++) {
            timestamps[i] = FIRST_TIMESTAMP + (long) (random.nextDouble() * (lastTimestamp - FIRST_TIMESTAMP + 1));
        }
        if (dir.log().segmentCount() < 2) {
            throw new IllegalStateException("The preloaded log has one segment; make preloadMiB larger than segmentMiB");
        }
    }

    @TearDown(Level.Trial)
    public void deleteLog() {
        dir.close();
    }

    @Benchmark
    public LogSlice firstBatchWithTimestampAtLeast() {
        long timestamp = timestamps[next];
        next = (next + 1) % timestamps.length;
        LogSlice slice = dir.log().firstBatchWithTimestampAtLeast(timestamp);
        if (slice == null) {
            throw new IllegalStateException("No batch at or after timestamp " + timestamp);
        }
        return slice;
    }
}
