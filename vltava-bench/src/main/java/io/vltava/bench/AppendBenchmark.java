package io.vltava.bench;

import io.vltava.storage.log.LogAppendInfo;
import io.vltava.storage.log.LogConfig;
import java.nio.ByteBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@link io.vltava.storage.log.PartitionLog#appendAsLeader} of one batch of {@code recordsPerBatch}
 * records of {@code recordBytes} bytes (16 KiB by default), with fsync off ({@code flush.messages}
 * unbounded): offset assignment, the index and the write into the page cache. Each iteration starts on
 * an empty log, deleted after it, so the disk never holds more than one iteration's bytes.
 *
 * <p>Threading: one benchmark thread (appends take the log's lock; more threads would measure it).
 */
public class AppendBenchmark extends BenchmarkSettings {

    @Param("1024")
    public int recordBytes;

    @Param("16")
    public int recordsPerBatch;

    private ByteBuffer batch;
    private TempLogDir dir;

    @Setup(Level.Trial)
    public void buildBatch() {
        batch = RecordBatches.batch(recordsPerBatch, recordBytes, System.currentTimeMillis(), 1L);
    }

    @Setup(Level.Iteration)
    public void openLog() {
        dir = TempLogDir.open(LogConfig.DEFAULT);
    }

    @TearDown(Level.Iteration)
    public void deleteLog() {
        dir.close();
    }

    @Benchmark
    public LogAppendInfo append(Throughput throughput) {
        ByteBuffer records = batch.duplicate();
        throughput.add(records.remaining());
        return dir.log().appendAsLeader(records, 0);
    }
}
