package io.vltava.bench;

import io.vltava.storage.log.FetchIsolation;
import io.vltava.storage.log.LogConfig;
import io.vltava.storage.log.LogReadInfo;
import io.vltava.storage.log.LogSlice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Random;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@link io.vltava.storage.log.PartitionLog#read} at random offsets of a preloaded log of
 * {@code preloadMiB} MiB in {@code segmentMiB} MiB segments, as a consumer's fetch: up to
 * {@code maxBytes}, below the high watermark, the first batch whole. {@code read} only finds the range
 * (segment, offset index, forward scan), as a fetch that sends the file with zero copy;
 * {@code readAndCopy} also copies the range out of the page cache into a buffer. The log is written
 * once per trial and, being small, read from the page cache.
 *
 * <p>Threading: one benchmark thread; reads take no lock, so more threads would scale.
 */
public class ReadBenchmark extends BenchmarkSettings {

    private static final int RANDOM_OFFSETS = 4096;

    @Param("256")
    public int preloadMiB;

    @Param("64")
    public int segmentMiB;

    @Param("1048576")
    public int maxBytes;

    @Param("1024")
    public int recordBytes;

    @Param("16")
    public int recordsPerBatch;

    private TempLogDir dir;
    private long[] offsets;
    private int next;
    private ByteBuffer copy;

    @Setup(Level.Trial)
    public void preload() {
        dir = TempLogDir.open(LogConfig.DEFAULT.withSegmentBytes(segmentMiB * 1024 * 1024));
        dir.preload((long) preloadMiB * 1024 * 1024, recordsPerBatch, recordBytes, System.currentTimeMillis());
        Random random = new Random(7);
        offsets = new long[RANDOM_OFFSETS];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = (long) (random.nextDouble() * dir.log().logEndOffset());
        }
        copy = ByteBuffer.allocateDirect(maxBytes);
    }

    @TearDown(Level.Trial)
    public void deleteLog() {
        dir.close();
    }

    @Benchmark
    public LogReadInfo read(Throughput throughput) {
        LogReadInfo info = dir.log().read(nextOffset(), maxBytes, FetchIsolation.HIGH_WATERMARK, true);
        throughput.add(info.slice().size());
        return info;
    }

    @Benchmark
    public ByteBuffer readAndCopy(Throughput throughput) throws IOException {
        LogSlice slice = dir.log().read(nextOffset(), maxBytes, FetchIsolation.HIGH_WATERMARK, true).slice();
        copy.clear().limit(Math.min(slice.size(), copy.capacity()));
        while (copy.hasRemaining()) {
            if (slice.channel().read(copy, slice.position() + copy.position()) < 0) {
                throw new IOException("The segment ended inside a read slice");
            }
        }
        throughput.add(copy.position());
        return copy;
    }

    private long nextOffset() {
        long offset = offsets[next];
        next = (next + 1) % offsets.length;
        return offset;
    }
}
