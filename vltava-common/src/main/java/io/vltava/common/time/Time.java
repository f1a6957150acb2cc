package io.vltava.common.time;

/**
 * A source of wall-clock and monotonic time, injected wherever behaviour depends on time so that
 * tests can drive it.
 *
 * <p>Threading: implementations are safe to call from any thread.
 */
public interface Time {

    /** The system clock. */
    Time SYSTEM = new SystemTime();

    /** Wall-clock time in milliseconds since the epoch; may jump. */
    long milliseconds();

    /** Monotonic time in nanoseconds, only meaningful as a difference between two readings. */
    long nanoseconds();

    /** Monotonic time in milliseconds, only meaningful as a difference between two readings. */
    default long hiResMilliseconds() {
        return nanoseconds() / 1_000_000L;
    }
}
