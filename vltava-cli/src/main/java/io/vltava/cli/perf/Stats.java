package io.vltava.cli.perf;

import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Counts a perf run's records and bytes and records their latencies (HdrHistogram, microseconds), and
 * prints a progress line to standard error every second.
 *
 * <p>Threading: {@link #record} from any thread; the progress thread and {@link #finish} take turns
 * on the total histogram under this object's lock.
 */
final class Stats {

    private static final double MIB = 1024 * 1024;

    private final String test;
    private final boolean latencies;
    private final LongAdder records = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final Recorder recorder = new Recorder(3);
    private final Histogram total = new Histogram(3);
    private final long startNanos = System.nanoTime();
    private final ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "vltava-perf-progress");
        thread.setDaemon(true);
        return thread;
    });
    private long lastRecords;
    private long lastBytes;
    private long lastNanos = startNanos;

    Stats(String test, boolean latencies) {
        this.test = test;
        this.latencies = latencies;
        progress.scheduleAtFixedRate(this::printProgress, 1, 1, TimeUnit.SECONDS);
    }

    long startNanos() {
        return startNanos;
    }

    long records() {
        return records.sum();
    }

    void record(int size, long latencyNanos) {
        records.increment();
        bytes.add(size);
        if (latencyNanos >= 0) {
            recorder.recordValue(Math.max(0, latencyNanos / 1000));
        }
    }

    void error() {
        errors.increment();
    }

    long errors() {
        return errors.sum();
    }

    private synchronized void printProgress() {
        total.add(recorder.getIntervalHistogram());
        long now = System.nanoTime();
        long recordsNow = records.sum();
        long bytesNow = bytes.sum();
        double seconds = (now - lastNanos) / 1e9;
        String line = String.format(Locale.ROOT, "perf %s: %.0f s, %.0f records/s, %.1f MiB/s", test, (now - startNanos) / 1e9,
                (recordsNow - lastRecords) / seconds, (bytesNow - lastBytes) / MIB / seconds);
        if (latencies && total.getTotalCount() > 0) {
            line += String.format(Locale.ROOT, ", p99 %.2f ms so far", total.getValueAtPercentile(99) / 1000.0);
        }
        System.err.println(line);
        lastRecords = recordsNow;
        lastBytes = bytesNow;
        lastNanos = now;
    }

    /** Stops the progress lines and sums up the run, which ended now. */
    synchronized Summary finish() {
        progress.shutdownNow();
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        total.add(recorder.getIntervalHistogram());
        long recordCount = records.sum();
        long byteCount = bytes.sum();
        boolean measured = latencies && total.getTotalCount() > 0;
        return new Summary(test, recordCount, byteCount, round(seconds), round(recordCount / seconds), round(byteCount / MIB / seconds),
                measured ? millis(total.getValueAtPercentile(50)) : null, measured ? millis(total.getValueAtPercentile(95)) : null,
                measured ? millis(total.getValueAtPercentile(99)) : null, measured ? millis(total.getValueAtPercentile(99.9)) : null,
                measured ? millis(total.getMaxValue()) : null, errors.sum());
    }

    private static Double millis(long micros) {
        return round(micros / 1000.0);
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
