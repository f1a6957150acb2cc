package io.vltava.bench.compare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What Linux says about one process at one instant, from {@code /proc/PID}: CPU time spent (user plus
 * system), bytes it caused to be written to storage, its resident set size and the peak of it.
 *
 * @param cpuSeconds     utime + stime, in seconds
 * @param writeBytes     {@code write_bytes} of {@code /proc/PID/io}
 * @param rssBytes       {@code VmRSS}
 * @param peakRssBytes   {@code VmHWM}, the largest RSS since the process started
 *
 * <p>Threading: immutable.
 */
public record ProcessSample(double cpuSeconds, long writeBytes, long rssBytes, long peakRssBytes) {

    /** Clock ticks per second of {@code /proc/PID/stat}; 100 on every Linux this runs on. */
    private static final double TICKS_PER_SECOND = 100.0;

    /** Reads {@code /proc/PID} now. */
    public static ProcessSample of(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            String stat = Files.readString(proc.resolve("stat"));
            // The command name in parentheses may hold spaces; the fields after it are positional.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            double cpuSeconds = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
            long writeBytes = field(Files.readAllLines(proc.resolve("io")), "write_bytes:");
            var status = Files.readAllLines(proc.resolve("status"));
            return new ProcessSample(cpuSeconds, writeBytes, field(status, "VmRSS:") * 1024, field(status, "VmHWM:") * 1024);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + proc + " (has the process exited?)", e);
        }
    }

    /** This JVM's own figures. */
    public static ProcessSample self() {
        return of(ProcessHandle.current().pid());
    }

    /** CPU seconds spent since {@code earlier}. */
    public double cpuSecondsSince(ProcessSample earlier) {
        return cpuSeconds - earlier.cpuSeconds;
    }

    /** Bytes written to storage since {@code earlier}. */
    public long writeBytesSince(ProcessSample earlier) {
        return writeBytes - earlier.writeBytes;
    }

    private static long field(Iterable<String> lines, String name) {
        for (String line : lines) {
            if (line.startsWith(name)) {
                return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException("No " + name + " in /proc");
    }
}
