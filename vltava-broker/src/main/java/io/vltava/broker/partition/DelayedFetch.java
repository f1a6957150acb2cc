package io.vltava.broker.partition;

import io.vltava.storage.log.FetchIsolation;
import io.vltava.storage.log.LogOffsetMetadata;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A fetch that found less than its {@code min.bytes} and waits, up to its {@code max.wait.ms}, for
 * data to arrive. Appends and transaction markers to its partitions wake it; it completes once the bytes
 * available below the high watermarks (the last stable offsets for read_committed) reach {@code min.bytes},
 * when one of its partitions changes in a way that needs an answer (high watermark behind the read position, segment rolled, leadership lost, partition deleted), or when time runs out.
 * Completion runs the fetch's read again on the fetch's own executor.
 *
 * <p>Threading: {@link #tryComplete} from any thread (appenders); completion happens once.
 */
public final class DelayedFetch {

    /**
     * A partition the fetch waits on, where its read stopped, how many bytes it may take from it, and
     * how far it may read ({@link FetchIsolation#HIGH_WATERMARK} or {@link FetchIsolation#TXN_COMMITTED}).
     */
    public record Watch(Partition partition, LogOffsetMetadata position, int maxBytes, FetchIsolation isolation) {

        /** A read_uncommitted watch. */
        public Watch(Partition partition, LogOffsetMetadata position, int maxBytes) {
            this(partition, position, maxBytes, FetchIsolation.HIGH_WATERMARK);
        }
    }

    private final List<Watch> watches;
    private final int minBytes;
    private final Executor executor;
    private final Runnable onComplete;
    private final AtomicBoolean completed = new AtomicBoolean();
    private volatile ScheduledFuture<?> timeout;

    private DelayedFetch(List<Watch> watches, int minBytes, Executor executor, Runnable onComplete) {
        this.watches = List.copyOf(watches);
        this.minBytes = minBytes;
        this.executor = executor;
        this.onComplete = onComplete;
    }

    /**
     * Parks a fetch: registers it with its partitions, arms its timeout and checks it once (data may
     * have arrived since the read).
     *
     * @param scheduler  runs the timeout and the completion (the fetching connection's event loop)
     * @param onComplete reads again and answers
     */
    public static DelayedFetch park(List<Watch> watches, int minBytes, long maxWaitMs, ScheduledExecutorService scheduler, Runnable onComplete) {
        DelayedFetch fetch = new DelayedFetch(watches, minBytes, scheduler, onComplete);
        for (Watch watch : fetch.watches) {
            watch.partition().addWaitingFetch(fetch);
        }
        fetch.timeout = scheduler.schedule(fetch::complete, maxWaitMs, TimeUnit.MILLISECONDS);
        fetch.tryComplete();
        return fetch;
    }

    /** Completes the fetch if it has enough data or must answer now. */
    void tryComplete() {
        if (completed.get()) {
            return;
        }
        long available = 0;
        for (Watch watch : watches) {
            Partition partition = watch.partition();
            if (partition.isRemoved() || !partition.isLeader()) {
                complete();
                return;
            }
            LogOffsetMetadata end = watch.isolation() == FetchIsolation.TXN_COMMITTED ? partition.log().lastStableOffsetMetadata()
                    : partition.log().highWatermarkMetadata();
            LogOffsetMetadata at = watch.position();
            if (end.offset() < at.offset()) {
                complete();
                return;
            }
            if (end.offset() > at.offset()) {
                if (!at.onSameSegment(end)) {
                    complete();
                    return;
                }
                available += Math.min(end.positionDiff(at), watch.maxBytes());
            }
        }
        if (available >= minBytes) {
            complete();
        }
    }

    private void complete() {
        if (!completed.compareAndSet(false, true)) {
            return;
        }
        ScheduledFuture<?> armed = timeout;
        if (armed != null) {
            armed.cancel(false);
        }
        for (Watch watch : watches) {
            watch.partition().removeWaitingFetch(this);
        }
        try {
            executor.execute(onComplete);
        } catch (RejectedExecutionException e) {
            // The connection's event loop is shutting down with the broker: there is no one left to answer.
        }
    }
}
