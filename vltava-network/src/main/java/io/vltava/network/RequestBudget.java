package io.vltava.network;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The broker-wide bound on requests read but not yet answered ({@code queued.max.requests}) and on
 * their bytes ({@code queued.max.request.bytes}, -1 for no bound). A request counts from when its frame
 * has been read whole until its response is handed to the socket (or it is dropped with its
 * connection).
 *
 * <p>The bound is on reading, not on requests: while the broker is at either limit, connections stop
 * reading; the requests of the read that reached it are still taken, and a request is never refused
 * for its size, so one larger than the byte bound is read whenever the broker is below it and then
 * holds every connection's reading until it is answered. A connection that stops reading for want of
 * room {@linkplain #awaitRoom waits} and is woken when requests are answered.
 *
 * <p>Threading: any thread; the counts are atomic and waiters are woken on whatever thread releases.
 */
final class RequestBudget {

    private final int maxRequests;
    private final long maxBytes;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    private final Queue<Runnable> waiters = new ConcurrentLinkedQueue<>();

    RequestBudget(int maxRequests, long maxBytes) {
        this.maxRequests = maxRequests;
        this.maxBytes = maxBytes;
    }

    /** Whether connections may read: the broker is below both limits. */
    boolean hasRoom() {
        return requests.get() < maxRequests && (maxBytes < 0 || bytes.get() < maxBytes);
    }

    void acquire(int frameBytes) {
        requests.incrementAndGet();
        bytes.addAndGet(frameBytes);
    }

    /** Gives back {@code count} requests of {@code frameBytes} in all, waking the waiting connections if that makes room. */
    void release(int count, long frameBytes) {
        if (count == 0) {
            return;
        }
        requests.addAndGet(-count);
        bytes.addAndGet(-frameBytes);
        if (hasRoom()) {
            Runnable waiter;
            while ((waiter = waiters.poll()) != null) {
                waiter.run();
            }
        }
    }

    /**
     * Runs {@code wakeUp} once when there is room again; at once if there already is (room may have been
     * made between the caller's check and this call).
     */
    void awaitRoom(Runnable wakeUp) {
        waiters.add(wakeUp);
        if (hasRoom() && waiters.remove(wakeUp)) {
            wakeUp.run();
        }
    }

    /** Drops a waiter registered with {@link #awaitRoom} that no longer needs waking (its connection closed). */
    void forget(Runnable wakeUp) {
        waiters.remove(wakeUp);
    }

    /** Requests read and not yet answered. */
    int requests() {
        return requests.get();
    }

    /** Bytes of the requests read and not yet answered. */
    long bytes() {
        return bytes.get();
    }
}
