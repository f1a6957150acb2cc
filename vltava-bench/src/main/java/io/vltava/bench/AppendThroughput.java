package io.vltava.bench;

import io.vltava.storage.log.LogConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.StringJoiner;

/**
 * Sustained appends to a {@link io.vltava.storage.log.PartitionLog} against the raw bandwidth of the
 * disk under the same directory. First dd writes {@code --dd-mb} MiB {@code --dd-runs} times each into
 * the page cache, with {@code conv=fdatasync} (one sync at the end: the disk's bandwidth) and with
 * {@code oflag=dsync} (a sync per MiB: bounded by sync latency); then the log is appended to for
 * {@code --seconds} (and at most {@code --max-mb} MB) in three modes: fsync off, {@code flush.messages=--flush-every} and
 * {@code flush.messages=1}, the durable ones through the log flusher's group commit, waiting for each
 * append's durable future with at most {@code --in-flight-kib} KiB not yet durable. With
 * {@code --partitions N} the appends go round robin to N logs sharing one flusher. It prints each
 * mode's MB/s and its ratio to the matching dd medians (page cache for fsync off, fdatasync and dsync
 * for the others), and deletes every file it wrote.
 *
 * <pre>
 * java -cp vltava-bench/target/benchmarks.jar io.vltava.bench.AppendThroughput --dir /var/tmp/bench --seconds 10
 * </pre>
 *
 * <p>Threading: a command-line program; it appends on the main thread.
 */
public final class AppendThroughput {

    private static final long MIB = 1024 * 1024;
    private static final long DD_TIMEOUT_SECONDS = 120;

    private AppendThroughput() {
    }

    public static void main(String[] args) throws IOException {
        try {
            run(flags().parse(args), System.out);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }

    /** The tool's flags and their defaults. */
    static Flags flags() {
        return new Flags("AppendThroughput")
                .define("dir", null, "directory on the disk to measure; files are created in it and deleted")
                .define("seconds", "10", "longest append run per mode")
                .define("max-mb", "1024", "most megabytes appended per mode")
                .define("dd-mb", "512", "MiB that each dd run writes")
                .define("dd-runs", "3", "dd runs of each kind; the median counts")
                .define("record-bytes", "1024", "bytes of each record's value")
                .define("batch-records", "16", "records per batch")
                .define("flush-every", "1000", "flush.messages of the middle mode")
                .define("in-flight-kib", "2048", "most KiB appended but not yet durable")
                .define("partitions", "1", "logs appended to round robin, sharing one flusher as a log directory's partitions do")
                .define("warmup-seconds", "2", "fsync-off appends before measuring, to warm up the JIT");
    }

    /** Runs the whole measurement with the parsed {@code flags}, printing to {@code out}. */
    static void run(Flags flags, PrintStream out) throws IOException {
        Path dir = Path.of(flags.string("dir")).toAbsolutePath();
        long seconds = flags.positiveLong("seconds");
        long maxBytes = flags.positiveLong("max-mb") * 1_000_000L;
        long ddMiB = flags.positiveLong("dd-mb");
        int recordsPerBatch = flags.positiveInt("batch-records");
        int recordBytes = flags.positiveInt("record-bytes");
        long flushEvery = flags.positiveLong("flush-every");
        long inFlightBytes = flags.positiveLong("in-flight-kib") * 1024;
        int partitions = flags.positiveInt("partitions");
        Files.createDirectories(dir);
        FileStore store = Files.getFileStore(dir);
        long needed = Math.max(ddMiB * MIB, maxBytes) + 256 * MIB;
        if (store.getUsableSpace() < needed) {
            throw new IOException(dir + " has " + store.getUsableSpace() / MIB + " MiB free; this run needs " + needed / MIB + " MiB");
        }

        out.printf("Disk under %s (%s on %s)%n", dir, store.type(), store.name());
        int ddRuns = flags.positiveInt("dd-runs");
        DiskBaseline.Result pageCache = baseline(out, dir.resolve("dd-page-cache.bin"), ddMiB, DiskBaseline.Sync.NONE, ddRuns);
        DiskBaseline.Result fdatasync = baseline(out, dir.resolve("dd-fdatasync.bin"), ddMiB, DiskBaseline.Sync.FDATASYNC, ddRuns);
        DiskBaseline.Result dsync = baseline(out, dir.resolve("dd-dsync.bin"), ddMiB, DiskBaseline.Sync.DSYNC, ddRuns);

        ByteBuffer batch = RecordBatches.batch(recordsPerBatch, recordBytes, System.currentTimeMillis(), 1L);
        SustainedAppender appender = new SustainedAppender(dir, batch, recordsPerBatch, partitions, inFlightBytes);
        LogConfig base = LogConfig.DEFAULT;
        appender.run(base, flags.positiveLong("warmup-seconds"), maxBytes);

        out.printf("Appends of %d records x %d B (%d B batches) to %d log(s), up to %d s and %d MB per mode, at most %d KiB not yet durable%n",
                recordsPerBatch, recordBytes, batch.remaining(), partitions, seconds, maxBytes / 1_000_000, inFlightBytes / 1024);
        out.printf("  %-22s %9s %11s %8s %10s  %s%n", "mode", "MB/s", "records/s", "fsyncs", "KiB/fsync", "ratio to dd");
        SustainedAppender.Result off = appender.run(base.withFlushMessages(Long.MAX_VALUE), seconds, maxBytes);
        report(out, "fsync off", off, ratio(off, pageCache, "page cache"));
        SustainedAppender.Result everyN = appender.run(base.withFlushMessages(flushEvery), seconds, maxBytes);
        report(out, "flush.messages=" + flushEvery, everyN, ratio(everyN, fdatasync, "fdatasync") + ", " + ratio(everyN, dsync, "dsync"));
        SustainedAppender.Result everyOne = appender.run(base.withFlushMessages(1), seconds, maxBytes);
        report(out, "flush.messages=1", everyOne, ratio(everyOne, fdatasync, "fdatasync") + ", " + ratio(everyOne, dsync, "dsync"));
    }

    private static DiskBaseline.Result baseline(PrintStream out, Path file, long mib, DiskBaseline.Sync sync, int runs) throws IOException {
        List<DiskBaseline.Result> results = DiskBaseline.measure(file, mib, sync, DD_TIMEOUT_SECONDS, runs);
        DiskBaseline.Result median = DiskBaseline.median(results);
        StringJoiner all = new StringJoiner(", ");
        for (DiskBaseline.Result result : results) {
            all.add(String.format("%.0f", result.megabytesPerSecond()));
        }
        out.printf("  dd bs=1M count=%d %-15s %8.1f MB/s  (median of %d runs: %s MB/s; dd printed %s)%n", mib, sync.operand(),
                median.megabytesPerSecond(), runs, all, median.ddRate());
        return median;
    }

    private static String ratio(SustainedAppender.Result result, DiskBaseline.Result dd, String ddName) {
        return String.format("%.2f of dd %s", result.megabytesPerSecond() / dd.megabytesPerSecond(), ddName);
    }

    private static void report(PrintStream out, String mode, SustainedAppender.Result result, String ratios) {
        out.printf("  %-22s %9.1f %11.0f %8d %10.1f  %s%n", mode, result.megabytesPerSecond(), result.recordsPerSecond(),
                result.logFlushes(), result.bytesPerLogFlush() / 1024, ratios);
    }
}
