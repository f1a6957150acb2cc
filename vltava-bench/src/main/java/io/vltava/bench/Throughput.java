package io.vltava.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A JMH secondary result: the megabytes (10^6 bytes) a benchmark moved, which JMH reports per second
 * next to the operations per second, as {@code <benchmark>:megabytes}.
 *
 * <p>Threading: one instance per benchmark thread (JMH's {@link Scope#Thread}).
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Throughput {

    private static final double BYTES_PER_MEGABYTE = 1_000_000.0;

    /** Megabytes moved in the current iteration; JMH reads it as a rate. */
    public double megabytes;

    @Setup(Level.Iteration)
    public void reset() {
        megabytes = 0;
    }

    /** Counts {@code bytes} more. */
    public void add(long bytes) {
        megabytes += bytes / BYTES_PER_MEGABYTE;
    }
}
