package io.vltava.storage.log;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for one log directory: fsyncs logs off the request threads and lets every append that
 * arrived while one round of fsyncs ran share the next round.
 *
 * <p>An append that must be durable asks for a flush of its log up to its end offset and gets that
 * log's future for the next round; all requests made before the round starts are served by it, each
 * log fsynced once, whatever the number of requests. So with {@code flush.messages=1} the cost of
 * durability is one fsync per log per round, not one per batch. The logs of a round are fsynced in
 * parallel (up to {@value #SYNC_THREADS} at once), so that the file system can commit them together
 * and a round takes about one fsync, not one per log. Each log's future completes as soon as that log
 * is durable, on its own outcome: one failing log does not fail the appends of the others.
 *
 * <p>Threading: {@link #flush} from any thread; rounds are run one after another by the flusher's own
 * thread, which fsyncs a lone log itself and hands the logs of a bigger round to its sync threads;
 * the futures complete on whichever of those fsynced the log. A log is never fsynced by two threads at
 * once.
 */
public final class LogFlusher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LogFlusher.class);
    /** Fsyncs in flight at once; they mostly wait on the disk, so more than the CPU count pays off. */
    static final int SYNC_THREADS = 8;

    private final Object monitor = new Object();
    private final Thread thread;
    private final ExecutorService syncThreads;
    private Map<PartitionLog, Long> pending = new HashMap<>();
    private Map<PartitionLog, CompletableFuture<Void>> waiting = new HashMap<>();
    private boolean closed;

    public LogFlusher(String name) {
        AtomicInteger count = new AtomicInteger();
        this.syncThreads = Executors.newFixedThreadPool(SYNC_THREADS, runnable -> {
            Thread sync = new Thread(runnable, name + "-sync-" + count.incrementAndGet());
            sync.setDaemon(true);
            return sync;
        });
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Asks for {@code log} to be durable up to {@code upToOffset} (exclusive); the future completes when it is. */
    public CompletableFuture<Void> flush(PartitionLog partitionLog, long upToOffset) {
        synchronized (monitor) {
            if (closed) {
                return CompletableFuture.failedFuture(new IOException("The log flusher is closed"));
            }
            pending.merge(partitionLog, upToOffset, Math::max);
            monitor.notifyAll();
            return waiting.computeIfAbsent(partitionLog, ignored -> new CompletableFuture<>());
        }
    }

    private void run() {
        try {
            while (true) {
                Map<PartitionLog, Long> round;
                Map<PartitionLog, CompletableFuture<Void>> done;
                synchronized (monitor) {
                    while (pending.isEmpty() && !closed) {
                        monitor.wait();
                    }
                    if (pending.isEmpty()) {
                        return;
                    }
                    round = pending;
                    done = waiting;
                    pending = new HashMap<>();
                    waiting = new HashMap<>();
                }
                runRound(round, done);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            syncThreads.shutdown();
        }
    }

    private void runRound(Map<PartitionLog, Long> round, Map<PartitionLog, CompletableFuture<Void>> done) {
        if (round.size() == 1) {
            Map.Entry<PartitionLog, Long> only = round.entrySet().iterator().next();
            sync(only.getKey(), only.getValue(), done.get(only.getKey()));
            return;
        }
        List<CompletableFuture<Void>> syncs = new ArrayList<>(round.size());
        for (Map.Entry<PartitionLog, Long> entry : round.entrySet()) {
            CompletableFuture<Void> future = done.get(entry.getKey());
            syncs.add(CompletableFuture.runAsync(() -> sync(entry.getKey(), entry.getValue(), future), syncThreads));
        }
        for (CompletableFuture<Void> sync : syncs) {
            try {
                sync.join();
            } catch (RuntimeException e) {
                log.error("A log sync task failed", e);
            }
        }
    }

    private static void sync(PartitionLog partitionLog, long upToOffset, CompletableFuture<Void> future) {
        try {
            partitionLog.flush(upToOffset);
            future.complete(null);
        } catch (IOException | RuntimeException e) {
            log.error("Flushing {} failed", partitionLog, e);
            future.completeExceptionally(e);
        }
    }

    /** Serves the requests already made, then stops the threads. */
    @Override
    public void close() {
        synchronized (monitor) {
            closed = true;
            monitor.notifyAll();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
