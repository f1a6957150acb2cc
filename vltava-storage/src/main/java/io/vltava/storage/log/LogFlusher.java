package io.vltava.storage.log;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for one log directory: fsyncs logs off the request threads, each log continuously and
 * independently of the others, and lets every append that arrives while its log is being fsynced share
 * that log's next fsync.
 *
 * <p>An append that must be durable asks for a flush of its log up to its end offset and gets the
 * future of that log's next fsync. If the log is not being fsynced, that fsync starts at once; if it
 * is, the next one starts as soon as the running one returns, covering every request made meanwhile,
 * whatever their number. So with {@code flush.messages=1} the cost of durability is one fsync per log
 * per fsync latency, not one per batch, and an append waits for at most the end of the running fsync
 * plus one more. Logs do not wait for each other: there are no rounds, and up to
 * {@value #SYNC_THREADS} logs are fsynced at once, so that the file system can commit them together.
 * Each future completes on its own log's outcome: one failing log does not fail the appends of the
 * others.
 *
 * <p>Threading: {@link #flush} and {@link #close} from any thread; fsyncs run on the flusher's sync
 * threads, at most one at a time per log. A finished fsync hands the log's next fsync, if one was asked
 * for, to another sync thread before it completes its own future, so the callbacks of an acknowledged
 * append (the high watermark, the produce response) never delay the log's next fsync; futures complete
 * on the sync thread that fsynced the log.
 */
public final class LogFlusher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LogFlusher.class);
    /** Fsyncs in flight at once; they mostly wait on the disk, so more than the CPU count pays off. */
    static final int SYNC_THREADS = 8;

    private final Object monitor = new Object();
    private final ExecutorService syncThreads;
    /** The logs being fsynced, with what was asked of them since their running fsync started. */
    private final Map<PartitionLog, Requests> active = new HashMap<>();
    private boolean closed;

    public LogFlusher(String name) {
        AtomicInteger count = new AtomicInteger();
        this.syncThreads = Executors.newFixedThreadPool(SYNC_THREADS, runnable -> {
            Thread sync = new Thread(runnable, name + "-sync-" + count.incrementAndGet());
            sync.setDaemon(true);
            return sync;
        });
    }

    /** Asks for {@code log} to be durable up to {@code upToOffset} (exclusive); the future completes when it is. */
    public CompletableFuture<Void> flush(PartitionLog partitionLog, long upToOffset) {
        synchronized (monitor) {
            if (closed) {
                return CompletableFuture.failedFuture(new IOException("The log flusher is closed"));
            }
            Requests requests = active.get(partitionLog);
            if (requests == null) {
                CompletableFuture<Void> durable = new CompletableFuture<>();
                active.put(partitionLog, new Requests());
                start(partitionLog, upToOffset, durable);
                return durable;
            }
            requests.upToOffset = Math.max(requests.upToOffset, upToOffset);
            if (requests.durable == null) {
                requests.durable = new CompletableFuture<>();
            }
            return requests.durable;
        }
    }

    /** Runs one fsync of {@code log} on a sync thread; called holding the monitor, with the log active. */
    private void start(PartitionLog partitionLog, long upToOffset, CompletableFuture<Void> durable) {
        syncThreads.execute(() -> sync(partitionLog, upToOffset, durable));
    }

    private void sync(PartitionLog partitionLog, long upToOffset, CompletableFuture<Void> durable) {
        Exception failure = null;
        try {
            partitionLog.flush(upToOffset);
        } catch (IOException | RuntimeException e) {
            log.error("Flushing {} failed", partitionLog, e);
            failure = e;
        }
        synchronized (monitor) {
            Requests requests = active.get(partitionLog);
            if (requests.durable != null) {
                start(partitionLog, requests.upToOffset, requests.durable);
                requests.durable = null;
            } else {
                active.remove(partitionLog);
                if (active.isEmpty()) {
                    monitor.notifyAll();
                }
            }
        }
        if (failure == null) {
            durable.complete(null);
        } else {
            durable.completeExceptionally(failure);
        }
    }

    /** Serves the requests already made (new ones fail), then stops the threads. */
    @Override
    public void close() {
        try {
            synchronized (monitor) {
                closed = true;
                while (!active.isEmpty()) {
                    monitor.wait();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            syncThreads.shutdown();
        }
    }

    /**
     * What was asked of an active log since its running fsync started: the highest offset, and the
     * future of the fsync that will cover it (null when nothing was asked). Guarded by the monitor.
     */
    private static final class Requests {
        private long upToOffset;
        private CompletableFuture<Void> durable;
    }
}
