package io.vltava.bench;

import io.vltava.storage.index.OffsetIndex;
import io.vltava.storage.index.OffsetIndex.OffsetPosition;
import io.vltava.storage.index.TimeIndex;
import io.vltava.storage.index.TimestampOffset;
import io.vltava.testing.TestDirectories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@link OffsetIndex#lookup} and {@link TimeIndex#lookup} of a random target (drawn in the
 * operation) in a full index of {@code maxIndexBytes} ({@code segment.index.bytes}, 10 MiB by
 * default): a binary search of the mapped file. The indexes are files in a fresh directory under
 * {@code java.io.tmpdir}, filled once per trial and deleted after it: entry i of the offset index is
 * offset {@code baseOffset + i} at position {@code i} KiB, entry i of the time index is that offset
 * with a timestamp of i milliseconds after the first. The figure is lookups per second (no megabytes:
 * a lookup returns one entry).
 *
 * <p>Threading: one benchmark thread; lookups take no lock, so more threads would scale.
 */
public class IndexLookupBenchmark extends BenchmarkSettings {

    private static final long BASE_OFFSET = 1_000_000L;
    private static final long FIRST_TIMESTAMP = 1_700_000_000_000L;
    private static final int BYTES_PER_ENTRY = 1024;

    @Param("10485760")
    public int maxIndexBytes;

    private final SplittableRandom random = new SplittableRandom(13);
    private Path dir;
    private OffsetIndex offsetIndex;
    private TimeIndex timeIndex;

    @Setup(Level.Trial)
    public void fill() throws IOException {
        dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "vltava-bench-");
        String name = String.format("%020d", BASE_OFFSET);
        offsetIndex = new OffsetIndex(dir.resolve(name + ".index"), BASE_OFFSET, maxIndexBytes);
        for (int i = 0; !offsetIndex.isFull(); i++) {
            offsetIndex.append(BASE_OFFSET + i, i * BYTES_PER_ENTRY);
        }
        timeIndex = new TimeIndex(dir.resolve(name + ".timeindex"), BASE_OFFSET, maxIndexBytes);
        int entry = 0;
        for (; !timeIndex.isFull(); entry++) {
            timeIndex.maybeAppend(FIRST_TIMESTAMP + entry, BASE_OFFSET + entry);
        }
        timeIndex.maybeAppendFinal(FIRST_TIMESTAMP + entry, BASE_OFFSET + entry);
        if (offsetIndex.entries() == 0 || timeIndex.entries() == 0) {
            throw new IllegalStateException("maxIndexBytes " + maxIndexBytes + " holds no entry");
        }
    }

    @TearDown(Level.Trial)
    public void delete() {
        offsetIndex.close();
        timeIndex.close();
        TestDirectories.deleteQuietly(dir);
    }

    @Benchmark
    public OffsetPosition offsetIndexLookup() {
        return offsetIndex.lookup(BASE_OFFSET + random.nextInt(offsetIndex.entries()));
    }

    @Benchmark
    public TimestampOffset timeIndexLookup() {
        return timeIndex.lookup(FIRST_TIMESTAMP + random.nextInt(timeIndex.entries()));
    }
}
