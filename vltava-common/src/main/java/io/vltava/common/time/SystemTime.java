package io.vltava.common.time;

/**
 * {@link Time} backed by {@link System#currentTimeMillis()} and {@link System#nanoTime()}.
 *
 * <p>Threading: stateless, safe from any thread.
 */
final class SystemTime implements Time {

    @Override
    public long milliseconds() {
        return System.currentTimeMillis();
    }

    @Override
    public long nanoseconds() {
        return System.nanoTime();
    }
}
