package io.vltava.storage.cleaner;

import io.vltava.common.time.Time;
import io.vltava.common.topic.TopicPartition;
import io.vltava.storage.log.PartitionLog;
import io.vltava.storage.record.BatchHeader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts, in the background, the logs whose {@code cleanup.policy} holds {@code compact} (whether or
 * not it also holds {@code delete}; retention is done elsewhere). Each of {@code log.cleaner.threads}
 * daemon threads repeatedly takes the dirtiest log that is due (its dirty ratio reaches
 * {@code min.cleanable.dirty.ratio}, or it holds dirty records older than {@code max.compaction.lag.ms}),
 * cleans it with its own {@link Cleaner} and records the new first dirty offset in the
 * {@code cleaner-offset-checkpoint} file of the log's directory; when no log is due it waits
 * {@code log.cleaner.backoff.ms}. A log is cleaned by one thread at a time. A log whose cleaning fails
 * unexpectedly is left alone until the cleaner restarts or the log is replaced.
 *
 * <p>Memory: each thread allocates, at its first cleaning, an offset map of
 * {@code dedupeBufferSize / threads} bytes and a read and a write buffer of
 * {@code ioBufferSize / threads / 2} bytes each, and keeps them.
 *
 * <p>Threading: every method is safe from any thread. The cleaning states and the checkpoints are
 * guarded by one lock; cleaner threads are never interrupted (an interrupt would close the segment
 * files they read), they stop at the next check between chunks.
 */
public final class LogCleaner {

    private static final Logger log = LoggerFactory.getLogger(LogCleaner.class);
    private static final long THROTTLE_CHECK_INTERVAL_MS = 300;
    private static final long JOIN_TIMEOUT_MS = 30_000;
    /** The largest array the JVM is sure to allocate. */
    private static final long MAX_MAP_BYTES = Integer.MAX_VALUE - 8;
    /** Two slots: the smallest prime table, with room for one key. */
    private static final int MIN_MAP_BYTES = 2 * OffsetMap.BYTES_PER_ENTRY;

    private final LogCleanerConfig config;
    private final Time time;
    private final Supplier<? extends Collection<PartitionLog>> logs;
    private final Throttler throttler;
    private final int mapBytes;
    private final int ioBufferSize;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition stateChanged = lock.newCondition();
    /** Guarded by lock: partitions a thread is cleaning. */
    private final Set<TopicPartition> inProgress = new HashSet<>();
    /** Guarded by lock: partitions paused, with the number of pauses not yet resumed. */
    private final Map<TopicPartition, Integer> paused = new HashMap<>();
    /** Guarded by lock: logs whose cleaning failed unexpectedly. */
    private final Set<PartitionLog> uncleanable = new HashSet<>();
    /** Guarded by lock: by log directory. */
    private final Map<Path, CleanerCheckpoint> checkpoints = new HashMap<>();
    /** Partitions whose cleaning in progress must stop; read by the cleaner threads without the lock. */
    private final Set<TopicPartition> abortRequested = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;

    /**
     * @param logs the logs of the broker, asked afresh before each choice of a log to clean
     * @throws IllegalArgumentException if the memory per thread cannot hold a key or a batch header, or the I/O rate is not positive
     */
    public LogCleaner(LogCleanerConfig config, Time time, Supplier<? extends Collection<PartitionLog>> logs) {
        this.config = config;
        this.time = time;
        this.logs = logs;
        this.throttler = new Throttler(config.ioMaxBytesPerSecond(), THROTTLE_CHECK_INTERVAL_MS, time, this::sleepUnlessStopping);
        int threadCount = Math.max(1, config.threads());
        this.mapBytes = (int) Math.min(config.dedupeBufferSize() / threadCount, MAX_MAP_BYTES);
        this.ioBufferSize = config.ioBufferSize() / threadCount / 2;
        if (config.enabled() && config.threads() > 0) {
            if (mapBytes < MIN_MAP_BYTES) {
                throw new IllegalArgumentException("log.cleaner.dedupe.buffer.size " + config.dedupeBufferSize() + " leaves no room for a key"
                        + " in the offset map of each of " + threadCount + " cleaner threads");
            }
            if (ioBufferSize < BatchHeader.HEADER_SIZE) {
                throw new IllegalArgumentException("log.cleaner.io.buffer.size " + config.ioBufferSize() + " leaves no room for a batch"
                        + " header in the read and write buffers of each of " + threadCount + " cleaner threads");
            }
        }
    }

    /** Starts the cleaner threads, unless {@code log.cleaner.enable} is false. */
    public synchronized void startup() {
        if (!config.enabled() || !threads.isEmpty() || stopping) {
            return;
        }
        for (int i = 0; i < config.threads(); i++) {
            Thread thread = new Thread(this::run, "vltava-log-cleaner-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        log.info("Started {} log cleaner threads", threads.size());
    }

    /** Stops the cleaner threads, abandoning the cleanings in progress (nothing is lost: they start over). */
    public synchronized void shutdown() {
        stopping = true;
        signalAll();
        for (Thread thread : threads) {
            try {
                thread.join(JOIN_TIMEOUT_MS);
                if (thread.isAlive()) {
                    log.warn("{} did not stop within {} ms", thread.getName(), JOIN_TIMEOUT_MS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Stops the cleaning of {@code tp} if one is in progress, waiting until it has stopped, and keeps the
     * partition from being cleaned until as many {@link #resume} calls as pauses.
     */
    public void abortAndPause(TopicPartition tp) {
        lock.lock();
        try {
            paused.merge(tp, 1, Integer::sum);
            if (inProgress.contains(tp)) {
                abortRequested.add(tp);
                while (inProgress.contains(tp)) {
                    stateChanged.awaitUninterruptibly();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Undoes one {@link #abortAndPause} of {@code tp}. */
    public void resume(TopicPartition tp) {
        lock.lock();
        try {
            Integer pauses = paused.get(tp);
            if (pauses == null) {
                throw new IllegalStateException("The cleaning of " + tp + " is not paused");
            }
            if (pauses == 1) {
                paused.remove(tp);
            } else {
                paused.put(tp, pauses - 1);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * For a log being deleted: stops its cleaning if one is in progress, waiting until it has stopped,
     * and forgets its cleaner checkpoint, so that a new log of the same partition starts dirty.
     */
    public void abortCleaning(PartitionLog deleted) {
        TopicPartition tp = deleted.topicPartition();
        abortAndPause(tp);
        lock.lock();
        try {
            checkpointOf(deleted).remove(tp);
        } catch (IOException | UncheckedIOException e) {
            log.warn("Cannot remove {} from the cleaner checkpoints: {}", tp, e.toString());
        } finally {
            lock.unlock();
            resume(tp);
        }
    }

    private void run() {
        Cleaner cleaner = null;
        while (!stopping && !Thread.currentThread().isInterrupted()) {
            LogToClean toClean = grabFilthiestLog();
            if (toClean == null) {
                waitForBackoff();
                continue;
            }
            long firstDirtyOffset = -1;
            try {
                if (cleaner == null) {
                    cleaner = newCleaner();
                }
                firstDirtyOffset = cleaner.clean(toClean);
            } catch (LogCleaningAbortedException e) {
                log.debug("The cleaning of {} stopped: {}", toClean.log().topicPartition(), e.getMessage());
            } catch (IOException | RuntimeException e) {
                failed(toClean.log(), e);
            } finally {
                doneCleaning(toClean.log(), firstDirtyOffset);
            }
        }
    }

    private Cleaner newCleaner() {
        return new Cleaner(new OffsetMap(mapBytes), ioBufferSize, throttler, time, this::checkDone);
    }

    /** Picks the due log with the highest dirty ratio and marks it in progress, or returns null. */
    LogToClean grabFilthiestLog() {
        lock.lock();
        try {
            long now = time.milliseconds();
            Collection<PartitionLog> current = logs.get();
            uncleanable.retainAll(current);
            LogToClean filthiest = null;
            for (PartitionLog candidate : current) {
                TopicPartition tp = candidate.topicPartition();
                if (!candidate.config().compact() || candidate.isClosed() || inProgress.contains(tp) || paused.containsKey(tp)
                        || uncleanable.contains(candidate)) {
                    continue;
                }
                try {
                    LogToClean toClean = LogToClean.of(candidate, checkpointOf(candidate).firstDirtyOffset(tp), now);
                    if (toClean.isDue() && (filthiest == null || toClean.cleanableRatio() > filthiest.cleanableRatio())) {
                        filthiest = toClean;
                    }
                } catch (IOException | UncheckedIOException e) {
                    log.warn("Cannot tell how dirty the log of {} is: {}", tp, e.toString());
                }
            }
            if (filthiest != null) {
                inProgress.add(filthiest.log().topicPartition());
            }
            return filthiest;
        } finally {
            lock.unlock();
        }
    }

    /** Ends the cleaning of {@code cleaned}; records its new first dirty offset unless it is -1 or the cleaning was aborted. */
    void doneCleaning(PartitionLog cleaned, long firstDirtyOffset) {
        TopicPartition tp = cleaned.topicPartition();
        lock.lock();
        try {
            if (firstDirtyOffset >= 0 && !abortRequested.contains(tp)) {
                Set<TopicPartition> present = new HashSet<>();
                Path dir = cleaned.dir().getParent();
                for (PartitionLog other : logs.get()) {
                    if (other.dir().getParent().equals(dir)) {
                        present.add(other.topicPartition());
                    }
                }
                present.add(tp);
                checkpointOf(cleaned).update(tp, firstDirtyOffset, present);
            }
        } catch (IOException | UncheckedIOException e) {
            log.warn("Cannot write the cleaner checkpoint for {}: {}", tp, e.toString());
        } finally {
            inProgress.remove(tp);
            abortRequested.remove(tp);
            stateChanged.signalAll();
            lock.unlock();
        }
    }

    private void failed(PartitionLog failedLog, Exception e) {
        if (failedLog.isClosed()) {
            log.debug("The log of {} was closed during its cleaning", failedLog.topicPartition());
            return;
        }
        if (filesRemovedUnderIt(e)) {
            // Retention or DeleteRecords removed a segment the cleaning was reading; the next round sees the new log.
            log.debug("A segment of {} was deleted during its cleaning: {}", failedLog.topicPartition(), e.toString());
            return;
        }
        log.error("Cleaning the log of {} failed; it is not cleaned again until the cleaner restarts", failedLog.topicPartition(), e);
        lock.lock();
        try {
            uncleanable.add(failedLog);
        } finally {
            lock.unlock();
        }
    }

    private static boolean filesRemovedUnderIt(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof NoSuchFileException) {
                return true;
            }
        }
        return false;
    }

    private void checkDone(TopicPartition tp) {
        if (stopping) {
            throw new LogCleaningAbortedException("the log cleaner is shutting down");
        }
        if (abortRequested.contains(tp)) {
            throw new LogCleaningAbortedException("the cleaning of " + tp + " was aborted");
        }
    }

    private CleanerCheckpoint checkpointOf(PartitionLog partitionLog) {
        return checkpoints.computeIfAbsent(partitionLog.dir().getParent(), CleanerCheckpoint::new);
    }

    private void waitForBackoff() {
        lock.lock();
        try {
            if (!stopping) {
                stateChanged.await(config.backoffMs(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** The throttler's sleep: waits {@code millis}, or less if the cleaner stops meanwhile. */
    private void sleepUnlessStopping(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        lock.lock();
        try {
            long left = deadline - System.nanoTime();
            while (!stopping && left > 0) {
                left = stateChanged.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    private void signalAll() {
        lock.lock();
        try {
            stateChanged.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
