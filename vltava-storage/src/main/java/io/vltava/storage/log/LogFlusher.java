package io.vltava.storage.log;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for one log directory: fsyncs logs on a thread of its own and lets every append that
 * arrived while one round of fsyncs ran share the next round.
 *
 * <p>An append that must be durable asks for a flush of its log up to its end offset and gets that
 * log's future for the next round; all requests made before the round starts are served by it, each
 * log fsynced once, whatever the number of requests. So with {@code flush.messages=1} the cost of
 * durability is one fsync per log per round, not one per batch. Each log's future completes on its
 * own outcome: one failing log does not fail the appends of the others.
 *
 * <p>Threading: {@link #flush} from any thread; rounds run on the flusher's own thread, and the futures
 * complete there.
 */
public final class LogFlusher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LogFlusher.class);

    private final Object monitor = new Object();
    private final Thread thread;
    private Map<PartitionLog, Long> pending = new HashMap<>();
    private Map<PartitionLog, CompletableFuture<Void>> waiting = new HashMap<>();
    private boolean closed;

    public LogFlusher(String name) {
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
        while (true) {
            Map<PartitionLog, Long> round;
            Map<PartitionLog, CompletableFuture<Void>> done;
            synchronized (monitor) {
                while (pending.isEmpty() && !closed) {
                    try {
                        monitor.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                if (pending.isEmpty()) {
                    return;
                }
                round = pending;
                done = waiting;
                pending = new HashMap<>();
                waiting = new HashMap<>();
            }
            for (Map.Entry<PartitionLog, Long> entry : round.entrySet()) {
                CompletableFuture<Void> future = done.get(entry.getKey());
                try {
                    entry.getKey().flush(entry.getValue());
                    future.complete(null);
                } catch (IOException | RuntimeException e) {
                    log.error("Flushing {} failed", entry.getKey(), e);
                    future.completeExceptionally(e);
                }
            }
        }
    }

    /** Serves the requests already made, then stops the thread. */
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
