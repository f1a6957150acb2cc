package io.vltava.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The raw sequential write bandwidth of a disk, measured with {@code dd if=/dev/zero bs=1M}, in one of
 * the {@link Sync} kinds. The file is deleted afterwards, which also drops any pages the kernel has not
 * written back yet. One dd run varies a lot on a shared machine (the first write into the page cache
 * may have to reclaim memory first), so {@link #measure(Path, long, Sync, long, int)} runs a few and
 * {@link #median} picks the middle one.
 *
 * <p>Threading: stateless, safe from any thread.
 */
public final class DiskBaseline {

    /** dd's summary line with {@code LC_ALL=C}: {@code 1073741824 bytes (1.1 GB, 1.0 GiB) copied, 1.2 s, 870 MB/s}. */
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) bytes .*copied, ([0-9.]+(?:e[-+]?\\d+)?) s, ([0-9.]+ [kMGT]?B/s)");

    private DiskBaseline() {
    }

    /** When dd makes its writes durable (immutable constants). */
    public enum Sync {
        /** Never: the data only reaches the page cache. */
        NONE(""),
        /** Once, after the last write, before dd stops its clock ({@code conv=fdatasync}): the disk's bandwidth. */
        FDATASYNC("conv=fdatasync"),
        /** After every 1 MiB write ({@code oflag=dsync}): bounded by the latency of one sync. */
        DSYNC("oflag=dsync");

        private final String operand;

        Sync(String operand) {
            this.operand = operand;
        }

        /** dd's operand for it, empty for {@link #NONE}. */
        public String operand() {
            return operand;
        }
    }

    /**
     * One dd run's outcome (immutable).
     *
     * @param bytes   bytes written
     * @param seconds dd's own time for them
     * @param ddRate  dd's rounded rate as it printed it, e.g. {@code 870 MB/s}
     */
    public record Result(long bytes, double seconds, String ddRate) {

        /** Megabytes (10^6 bytes) per second, from the exact byte count and time rather than dd's rounded rate. */
        public double megabytesPerSecond() {
            return bytes / seconds / 1_000_000.0;
        }
    }

    /**
     * Writes {@code megabytes} MiB of zeros to {@code file} with dd, then deletes it.
     *
     * @throws IOException if dd fails, prints no summary or runs longer than {@code timeoutSeconds}
     */
    public static Result measure(Path file, long megabytes, Sync sync, long timeoutSeconds) throws IOException {
        List<String> command = new ArrayList<>(List.of("dd", "if=/dev/zero", "of=" + file, "bs=1M", "count=" + megabytes));
        if (sync != Sync.NONE) {
            command.add(sync.operand());
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("LC_ALL", "C");
        Process dd = builder.start();
        try {
            if (!dd.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                dd.destroyForcibly();
                dd.waitFor();
                throw new IOException(String.join(" ", command) + " ran longer than " + timeoutSeconds + " s");
            }
            String stderr = new String(dd.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (dd.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed with exit code " + dd.exitValue() + ": " + stderr.strip());
            }
            return parse(stderr);
        } catch (InterruptedException e) {
            dd.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while dd ran", e);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * Runs dd {@code runs} times as {@link #measure(Path, long, Sync, long)} does.
     *
     * @return the runs, in the order they ran
     */
    public static List<Result> measure(Path file, long megabytes, Sync sync, long timeoutSeconds, int runs) throws IOException {
        List<Result> results = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            results.add(measure(file, megabytes, sync, timeoutSeconds));
        }
        return results;
    }

    /** The run with the median rate (the lower middle one for an even count). */
    public static Result median(List<Result> results) {
        List<Result> sorted = new ArrayList<>(results);
        sorted.sort(Comparator.comparingDouble(Result::megabytesPerSecond));
        return sorted.get((sorted.size() - 1) / 2);
    }

    /** Reads dd's summary line out of its standard error. */
    static Result parse(String stderr) throws IOException {
        Matcher matcher = SUMMARY.matcher(stderr);
        if (!matcher.find()) {
            throw new IOException("No summary line in dd's output: " + stderr.strip());
        }
        double seconds = Double.parseDouble(matcher.group(2));
        if (seconds <= 0) {
            throw new IOException("dd reported no time: " + matcher.group());
        }
        return new Result(Long.parseLong(matcher.group(1)), seconds, matcher.group(3));
    }
}
