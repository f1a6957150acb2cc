package io.vltava.cli.perf;

import java.util.concurrent.locks.LockSupport;

/**
 * Holds a sender to a rate: before its n-th record it waits until n / rate seconds after it started.
 *
 * <p>Threading: one per sending thread.
 */
final class Throttle {

    private final long startNanos = System.nanoTime();
    private final double nanosPerRecord;
    private long records;

    /** @param recordsPerSecond the rate, or -1 for none */
    Throttle(double recordsPerSecond) {
        this.nanosPerRecord = recordsPerSecond <= 0 ? 0 : 1e9 / recordsPerSecond;
    }

    void acquire() {
        if (nanosPerRecord == 0) {
            return;
        }
        long due = startNanos + (long) (records++ * nanosPerRecord);
        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
            LockSupport.parkNanos(wait);
        }
    }
}
