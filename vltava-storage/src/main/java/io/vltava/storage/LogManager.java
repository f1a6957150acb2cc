package io.vltava.storage;

import io.vltava.common.io.AtomicFile;
import io.vltava.common.time.Time;
import io.vltava.common.topic.TopicNames;
import io.vltava.common.topic.TopicPartition;
import io.vltava.storage.checkpoint.OffsetCheckpointFile;
import io.vltava.storage.cleaner.LogCleaner;
import io.vltava.storage.log.LogConfig;
import io.vltava.storage.log.LogFlusher;
import io.vltava.storage.log.PartitionLog;
import io.vltava.storage.log.PartitionMetadataFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All partition logs of this broker across its log directories: loading (and recovering) them at
 * start-up, creating and deleting them, and the background work they need (time-based flushing,
 * recovery point checkpoints, producer expiry, removal of deleted logs).
 *
 * <p>Per log directory: {@code .lock} (held while the broker runs, so two processes cannot share a
 * directory), {@code recovery-point-offset-checkpoint}, {@code log-start-offset-checkpoint} and, after a
 * clean shutdown only, {@code .kafka_cleanshutdown}. A deleted log's directory is renamed to
 * {@code <topic>-<partition>.<id>-delete} and removed after {@code file.delete.delay.ms}, so reads
 * still in flight can finish.
 *
 * <p>Threading: safe from any thread; background work runs on one scheduler thread and one flusher
 * per log directory, and the logs of one metadata change are created on a small pool of creator threads
 * while the caller waits.
 */
public final class LogManager implements AutoCloseable {

    public static final String CLEAN_SHUTDOWN_FILE = ".kafka_cleanshutdown";
    public static final String LOCK_FILE = ".lock";
    public static final String DELETE_SUFFIX = "-delete";
    /** Directory under the metadata log dir that holds the metadata quorum's own log; not a partition. */
    public static final String METADATA_DIR = TopicNames.CLUSTER_METADATA + "-0";

    private static final Logger log = LoggerFactory.getLogger(LogManager.class);
    /** Inactive segments' indexes unused for this long are unmapped; the next read maps them again. */
    private static final long INDEX_IDLE_MS = 10 * 60_000L;
    private static final long INDEX_IDLE_CHECK_MS = 60_000L;
    /** Logs closed at once at shutdown. */
    private static final int CLOSE_THREADS = 8;
    /** Logs loaded at once at start-up, at least; loading mostly waits on the file system (and on fsyncs after a crash). */
    private static final int LOAD_THREADS = 8;
    /** Logs created at once; creating one mostly waits on the file system, so more than the CPU count pays off. */
    private static final int CREATE_THREADS = 8;

    private final LogManagerConfig config;
    private final Time time;
    private final Map<Path, LogDirectory> directories = new HashMap<>();
    private final ConcurrentHashMap<TopicPartition, PartitionLog> logs = new ConcurrentHashMap<>();
    /** Deleted logs whose files are still open, waiting for their removal. */
    private final Set<PartitionLog> awaitingRemoval = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService scheduler;
    /** Creates the logs of a metadata change several at a time; its threads start on first use. */
    private final ExecutorService creators;
    private final LogCleaner cleaner;
    /** Serializes the writes of the checkpoint files. */
    private final Object checkpointLock = new Object();
    private volatile boolean closed;

    private LogManager(LogManagerConfig config, Time time) {
        this.config = config;
        this.time = time;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "vltava-log-scheduler");
            thread.setDaemon(true);
            return thread;
        });
        // At shutdown, pending removals of deleted files wait for the next start, which removes them.
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.scheduler = executor;
        AtomicInteger creatorCount = new AtomicInteger();
        this.creators = Executors.newFixedThreadPool(CREATE_THREADS, runnable -> {
            Thread thread = new Thread(runnable, "vltava-log-creator-" + creatorCount.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.cleaner = new LogCleaner(config.cleaner(), time, logs::values);
    }

    /**
     * Locks the log directories and loads every log in them, recovering those left by an unclean
     * shutdown.
     *
     * @param configFor the log configuration of a topic, by name
     */
    public static LogManager open(LogManagerConfig config, Function<String, LogConfig> configFor, Time time) {
        LogManager manager = new LogManager(config, time);
        try {
            for (Path path : config.logDirs()) {
                manager.directories.put(path, LogDirectory.open(path));
            }
            manager.loadLogs(configFor);
            manager.checkFreeSpace();
            manager.schedule();
            manager.cleaner.startup();
        } catch (RuntimeException e) {
            manager.abandon();
            throw e;
        }
        return manager;
    }

    private void loadLogs(Function<String, LogConfig> configFor) {
        long started = time.hiResMilliseconds();
        List<Callable<PartitionLog>> loads = new ArrayList<>();
        for (LogDirectory directory : directories.values()) {
            Map<TopicPartition, Long> recoveryPoints = directory.readOffsets(OffsetCheckpointFile.RECOVERY_POINT);
            Map<TopicPartition, Long> logStarts = directory.readOffsets(OffsetCheckpointFile.LOG_START_OFFSET);
            for (Path dir : directory.partitionDirs()) {
                String name = dir.getFileName().toString();
                if (name.endsWith(DELETE_SUFFIX)) {
                    scheduleRemoval(dir, 0);
                    continue;
                }
                TopicPartition tp = parsePartitionDir(name);
                if (tp == null) {
                    log.warn("Ignoring {}: not a partition directory", dir);
                    continue;
                }
                loads.add(() -> {
                    Optional<UUID> topicId = PartitionMetadataFile.read(dir);
                    if (topicId.isEmpty()) {
                        if (!removeIncompleteCreation(dir)) {
                            log.warn("Ignoring {}: not a partition directory", dir);
                        }
                        return null;
                    }
                    return PartitionLog.open(tp, dir, topicId.get(), configFor.apply(tp.topic()), recoveryPoints.getOrDefault(tp, 0L),
                            logStarts.getOrDefault(tp, 0L), directory.hadCleanShutdown(), time, directory.flusher(), this::scheduleQuietly);
                });
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(LOAD_THREADS, Runtime.getRuntime().availableProcessors()));
        RuntimeException failure = null;
        try {
            for (Future<PartitionLog> loaded : pool.invokeAll(loads)) {
                try {
                    PartitionLog partitionLog = loaded.get();
                    if (partitionLog == null) {
                        continue;
                    }
                    PartitionLog previous = logs.putIfAbsent(partitionLog.topicPartition(), partitionLog);
                    if (previous == null) {
                        directories.get(partitionLog.dir().getParent()).logCount().incrementAndGet();
                    } else {
                        partitionLog.closeWithoutFlush();
                        failure = new IllegalStateException("Partition " + partitionLog.topicPartition() + " has a log in both "
                                + previous.dir() + " and " + partitionLog.dir());
                    }
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = new IllegalStateException("Cannot load a log: " + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new IllegalStateException("Interrupted while loading logs", e);
        } finally {
            pool.shutdownNow();
        }
        if (failure != null) {
            // The logs loaded so far are in the map; abandon() closes them.
            throw failure;
        }
        for (LogDirectory directory : directories.values()) {
            directory.clearCleanShutdown();
        }
        List<Path> recovered = directories.values().stream().filter(d -> !d.hadCleanShutdown()).map(LogDirectory::path).toList();
        log.info("Loaded {} logs from {} in {} ms{}", logs.size(), config.logDirs(), time.hiResMilliseconds() - started,
                recovered.isEmpty() || logs.isEmpty() ? "" : "; those of " + recovered + " were recovered after an unclean shutdown");
    }

    /**
     * Removes a partition directory without a readable {@code partition.metadata} that holds no record: a
     * creation a crash interrupted (see {@link PartitionLog#create}). If the metadata still assigns the
     * partition here, it is created again.
     *
     * @return whether the directory was such a leftover and is gone
     */
    private static boolean removeIncompleteCreation(Path dir) {
        try {
            if (!PartitionLog.holdsNoRecords(dir)) {
                return false;
            }
            deleteRecursively(dir);
            log.info("Removed {}, a log whose creation a crash interrupted; it holds no record", dir);
            return true;
        } catch (IOException e) {
            log.warn("Cannot remove {}, which a crash left incomplete: {}", dir, e.toString());
            return false;
        }
    }

    private void schedule() {
        scheduler.scheduleWithFixedDelay(this::checkpointQuietly, config.checkpointIntervalMs(), config.checkpointIntervalMs(),
                TimeUnit.MILLISECONDS);
        if (config.flushCheckIntervalMs() < Long.MAX_VALUE / 2) {
            scheduler.scheduleWithFixedDelay(this::flushByTime, config.flushCheckIntervalMs(), config.flushCheckIntervalMs(),
                    TimeUnit.MILLISECONDS);
        }
        scheduler.scheduleWithFixedDelay(this::checkFreeSpace, config.freeSpaceCheckIntervalMs(), config.freeSpaceCheckIntervalMs(),
                TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::deleteOldSegments, config.retentionCheckIntervalMs(), config.retentionCheckIntervalMs(),
                TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::releaseIdleIndexes, INDEX_IDLE_CHECK_MS, INDEX_IDLE_CHECK_MS, TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::expireProducers, config.producerExpirationCheckMs(), config.producerExpirationCheckMs(),
                TimeUnit.MILLISECONDS);
    }

    /** The log of {@code tp}, if this broker has one. */
    public Optional<PartitionLog> log(TopicPartition tp) {
        return Optional.ofNullable(logs.get(tp));
    }

    public Collection<PartitionLog> logs() {
        return logs.values();
    }

    /** The log directories ({@code log.dirs}), as configured; each log lives in one of them. */
    public List<Path> logDirs() {
        return config.logDirs();
    }

    /**
     * The log of {@code tp}, created in the log directory with the fewest logs if there is none. An
     * existing log of another topic id (a deleted topic of the same name) is deleted first.
     *
     * @throws UncheckedIOException if the log cannot be created
     */
    public PartitionLog getOrCreateLog(TopicPartition tp, UUID topicId, LogConfig logConfig) {
        PartitionLog existing = logs.get(tp);
        if (existing != null && existing.topicId().equals(topicId)) {
            return existing;
        }
        Map<TopicPartition, RuntimeException> failures = new HashMap<>();
        PartitionLog partitionLog = getOrCreate(List.of(new LogCreateRequest(tp, topicId, logConfig)), failures).get(tp);
        if (partitionLog == null) {
            throw failures.get(tp);
        }
        return partitionLog;
    }

    /**
     * The logs of the requested partitions, creating those this broker does not hold yet (as
     * {@link #getOrCreateLog} does, each in the directory with the fewest logs at that point), several at a
     * time. The new logs' directory entries are made durable by one fsync per log directory; their files
     * become durable when each log first fsyncs data (see {@link PartitionLog#create}), so a metadata change
     * that creates thousands of partitions costs no fsync per partition.
     *
     * @return the log of each partition, but for those whose log could not be created: they are missing, and
     *         the failure is logged
     */
    public Map<TopicPartition, PartitionLog> getOrCreateLogs(Collection<LogCreateRequest> requests) {
        Map<TopicPartition, RuntimeException> failures = new HashMap<>();
        Map<TopicPartition, PartitionLog> result = getOrCreate(requests, failures);
        failures.forEach((tp, failure) -> log.error("Cannot create the log of {}; the partition stays offline on this broker", tp, failure));
        return result;
    }

    private Map<TopicPartition, PartitionLog> getOrCreate(Collection<LogCreateRequest> requests, Map<TopicPartition, RuntimeException> failures) {
        Map<TopicPartition, PartitionLog> result = new HashMap<>();
        List<PendingCreation> pending = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("The log manager is closed");
            }
            for (LogCreateRequest request : requests) {
                TopicPartition tp = request.topicPartition();
                PartitionLog existing = logs.get(tp);
                if (existing != null && existing.topicId().equals(request.topicId())) {
                    result.put(tp, existing);
                    continue;
                }
                if (existing != null) {
                    deleteLog(tp);
                }
                LogDirectory directory = leastLoadedDirectory();
                directory.logCount().incrementAndGet();
                pending.add(new PendingCreation(request, directory));
            }
            if (!pending.isEmpty()) {
                createAll(pending, result, failures);
            }
        }
        return result;
    }

    /**
     * Creates the pending logs, several at once, then fsyncs each log directory that got one, and lists them;
     * called holding the monitor.
     */
    private void createAll(List<PendingCreation> pending, Map<TopicPartition, PartitionLog> result,
                           Map<TopicPartition, RuntimeException> failures) {
        long started = time.hiResMilliseconds();
        List<Future<PartitionLog>> creations = new ArrayList<>(pending.size());
        for (PendingCreation creation : pending) {
            Callable<PartitionLog> task = () -> create(creation);
            creations.add(pending.size() == 1 ? runHere(task) : creators.submit(task));
        }
        Map<LogDirectory, List<PartitionLog>> createdIn = new HashMap<>();
        for (int i = 0; i < pending.size(); i++) {
            PendingCreation creation = pending.get(i);
            try {
                createdIn.computeIfAbsent(creation.directory(), d -> new ArrayList<>()).add(creations.get(i).get());
            } catch (ExecutionException | InterruptedException e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                creation.directory().logCount().decrementAndGet();
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                failures.put(creation.request().topicPartition(),
                        cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause.getMessage(), cause));
            }
        }
        for (Map.Entry<LogDirectory, List<PartitionLog>> entry : createdIn.entrySet()) {
            LogDirectory directory = entry.getKey();
            try {
                AtomicFile.fsyncDirectory(directory.path());
            } catch (IOException e) {
                for (PartitionLog failed : entry.getValue()) {
                    failed.closeWithoutFlush();
                    directory.logCount().decrementAndGet();
                    failures.put(failed.topicPartition(), new UncheckedIOException("Cannot fsync " + directory.path() + " after creating "
                            + failed.dir(), e));
                }
                continue;
            }
            for (PartitionLog created : entry.getValue()) {
                logs.put(created.topicPartition(), created);
                // Checked after the log is listed, so that a change the free-space check makes meanwhile reaches it.
                String shortOfSpace = directory.shortOfSpace();
                if (shortOfSpace != null) {
                    created.refuseAppends(shortOfSpace);
                }
                result.put(created.topicPartition(), created);
                log.debug("Created the log of {} in {}", created.topicPartition(), directory.path());
            }
        }
        log.info("Created {} logs in {} ms", pending.size() - failures.size(), time.hiResMilliseconds() - started);
    }

    private PartitionLog create(PendingCreation creation) {
        LogCreateRequest request = creation.request();
        LogDirectory directory = creation.directory();
        return PartitionLog.create(request.topicPartition(), directory.path().resolve(request.topicPartition().toString()), request.topicId(),
                request.config(), time, directory.flusher(), this::scheduleQuietly);
    }

    private static <T> Future<T> runHere(Callable<T> task) {
        FutureTask<T> future = new FutureTask<>(task);
        future.run();
        return future;
    }

    /** A log about to be created, and the directory chosen for it. */
    private record PendingCreation(LogCreateRequest request, LogDirectory directory) {
    }

    /** Deletes the log of {@code tp}: its directory is renamed at once and removed later. */
    public void deleteLog(TopicPartition tp) {
        deleteLogs(List.of(tp));
    }

    /**
     * Deletes the logs of these partitions, as {@link #deleteLog} does, with one fsync per log directory for
     * all their renames: deleting a topic of thousands of partitions costs no fsync per partition. (A crash
     * before that fsync may bring a directory back under its old name; the metadata no longer assigns it, so
     * the next start deletes it again.)
     *
     * @throws UncheckedIOException if a directory cannot be renamed; the others are deleted all the same
     */
    public synchronized void deleteLogs(Collection<TopicPartition> partitions) {
        UncheckedIOException failure = null;
        Map<PartitionLog, Path> renamed = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            PartitionLog removed = logs.remove(tp);
            if (removed == null) {
                continue;
            }
            LogDirectory directory = directories.get(removed.dir().getParent());
            if (directory != null) {
                directory.logCount().decrementAndGet();
            }
            cleaner.abortCleaning(removed);
            Path target = removed.dir().resolveSibling(tp + "." + UUID.randomUUID().toString().replace("-", "") + DELETE_SUFFIX);
            try {
                Files.move(removed.dir(), target);
                renamed.put(removed, target);
            } catch (IOException e) {
                UncheckedIOException cannot = new UncheckedIOException("Cannot delete the log of " + tp, e);
                if (failure == null) {
                    failure = cannot;
                } else {
                    failure.addSuppressed(cannot);
                }
            }
        }
        Set<Path> parents = new HashSet<>();
        renamed.values().forEach(target -> parents.add(target.getParent()));
        for (Path parent : parents) {
            try {
                AtomicFile.fsyncDirectory(parent);
            } catch (IOException e) {
                log.warn("Cannot fsync {} after renaming deleted logs in it; a crash may bring them back until the next start deletes them: {}",
                        parent, e.toString());
            }
        }
        renamed.forEach((removed, target) -> {
            log.info("Deleted the log of {}; its files go in {} ms", removed.topicPartition(), removed.config().fileDeleteDelayMs());
            awaitingRemoval.add(removed);
            scheduleRemoval(target, removed.config().fileDeleteDelayMs(), removed);
        });
        if (failure != null) {
            throw failure;
        }
    }

    private void scheduleRemoval(Path dir, long delayMs) {
        scheduleRemoval(dir, delayMs, null);
    }

    private void scheduleRemoval(Path dir, long delayMs, PartitionLog openLog) {
        scheduler.schedule(() -> {
            try {
                if (openLog != null) {
                    openLog.closeWithoutFlush();
                    awaitingRemoval.remove(openLog);
                }
                deleteRecursively(dir);
            } catch (IOException | RuntimeException e) {
                log.warn("Cannot remove {}: {}", dir, e.toString());
            }
        }, delayMs, TimeUnit.MILLISECONDS);
    }

    /** Runs {@code task} on the scheduler thread after {@code delayMs}, logging what it throws; dropped once the manager is closed. */
    private void scheduleQuietly(Runnable task, long delayMs) {
        try {
            scheduler.schedule(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.warn("Background log task failed", e);
                }
            }, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("Dropping a background log task: the log manager is closed");
        }
    }

    /**
     * Checks each directory's free space against {@code log.dir.min.free.bytes}: the logs of a directory
     * that falls short refuse appends (their producers get KAFKA_STORAGE_ERROR and retry) rather than
     * fill the disk, and take appends again once space is freed, by retention or by hand.
     */
    private void checkFreeSpace() {
        for (LogDirectory directory : directories.values()) {
            String before = directory.shortOfSpace();
            String now = directory.checkFreeSpace(config.minFreeBytes());
            if ((before == null) == (now == null)) {
                continue;
            }
            if (now != null) {
                log.error("Refusing appends to the logs in {}: {}", directory.path(), now);
            } else {
                log.info("Taking appends to the logs in {} again: free space is back above {} bytes", directory.path(), config.minFreeBytes());
            }
            for (PartitionLog partitionLog : logs.values()) {
                if (partitionLog.dir().getParent().equals(directory.path())) {
                    if (now != null) {
                        partitionLog.refuseAppends(now);
                    } else {
                        partitionLog.acceptAppends();
                    }
                }
            }
        }
    }

    /** The directory for a new log: the one with the fewest logs, preferring those with enough free space. */
    private LogDirectory leastLoadedDirectory() {
        return directories.values().stream()
                .min(Comparator.comparing((LogDirectory d) -> d.shortOfSpace() != null)
                        .thenComparingInt(d -> d.logCount().get()).thenComparing(d -> d.path().toString()))
                .orElseThrow();
    }

    /** Writes every directory's recovery points and log start offsets; a file that would not change is not rewritten. */
    public void checkpoint() throws IOException {
        synchronized (checkpointLock) {
            Map<Path, Map<TopicPartition, Long>> recoveryPoints = new HashMap<>();
            Map<Path, Map<TopicPartition, Long>> logStarts = new HashMap<>();
            for (LogDirectory directory : directories.values()) {
                recoveryPoints.put(directory.path(), new HashMap<>());
                logStarts.put(directory.path(), new HashMap<>());
            }
            for (PartitionLog partitionLog : logs.values()) {
                Path parent = partitionLog.dir().getParent();
                recoveryPoints.get(parent).put(partitionLog.topicPartition(), partitionLog.recoveryPoint());
                logStarts.get(parent).put(partitionLog.topicPartition(), partitionLog.logStartOffset());
            }
            for (LogDirectory directory : directories.values()) {
                directory.writeOffsets(OffsetCheckpointFile.RECOVERY_POINT, recoveryPoints.get(directory.path()));
                directory.writeOffsets(OffsetCheckpointFile.LOG_START_OFFSET, logStarts.get(directory.path()));
            }
        }
    }

    private void checkpointQuietly() {
        try {
            checkpoint();
        } catch (IOException | RuntimeException e) {
            log.warn("Cannot write the recovery point checkpoints", e);
        }
    }

    /**
     * Writes the checkpoints soon, on the scheduler thread that writes them periodically; for a log start
     * offset that must not go back after a crash (DeleteRecords).
     *
     * @return completes once they are written, or exceptionally if they could not be
     */
    public CompletableFuture<Void> checkpointSoon() {
        CompletableFuture<Void> written = new CompletableFuture<>();
        try {
            scheduler.execute(() -> {
                try {
                    checkpoint();
                    written.complete(null);
                } catch (IOException | RuntimeException e) {
                    written.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            written.completeExceptionally(new IllegalStateException("The log manager is closed"));
        }
        return written;
    }

    /** Applies retention to every log, and writes the new log start offsets if any segment went. */
    private void deleteOldSegments() {
        int deleted = 0;
        for (PartitionLog partitionLog : logs.values()) {
            try {
                deleted += partitionLog.deleteOldSegments();
            } catch (RuntimeException e) {
                log.warn("Cannot apply retention to {}", partitionLog, e);
            }
        }
        if (deleted > 0) {
            checkpointQuietly();
        }
    }

    /** Unmaps the indexes of inactive segments nobody read for a while, so that many partitions keep a small footprint. */
    private void releaseIdleIndexes() {
        long now = time.milliseconds();
        for (PartitionLog partitionLog : logs.values()) {
            partitionLog.releaseIdleIndexes(now, INDEX_IDLE_MS);
        }
    }

    private void flushByTime() {
        long now = time.milliseconds();
        for (PartitionLog partitionLog : logs.values()) {
            partitionLog.maybeFlushByTime(now);
        }
    }

    private void expireProducers() {
        long now = time.milliseconds();
        for (PartitionLog partitionLog : logs.values()) {
            partitionLog.removeExpiredProducers(now, config.producerIdExpirationMs());
        }
    }

    /**
     * Stops background work, flushes and closes every log, writes the checkpoints and marks each
     * directory as cleanly shut down.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        creators.shutdownNow();
        cleaner.shutdown();
        stopScheduler();
        Set<Path> uncleanDirectories = closeLogs();
        for (PartitionLog deleted : awaitingRemoval) {
            deleted.closeWithoutFlush();
        }
        boolean checkpointed = true;
        try {
            checkpoint();
        } catch (IOException | RuntimeException e) {
            checkpointed = false;
            log.error("Cannot write the checkpoints at shutdown; logs will be recovered at the next start", e);
        }
        for (LogDirectory directory : directories.values()) {
            directory.flusher().close();
            if (checkpointed && !uncleanDirectories.contains(directory.path())) {
                directory.markCleanShutdown();
            } else {
                log.warn("{} was not shut down cleanly; its logs will be recovered at the next start", directory.path());
            }
        }
        releaseDirectories();
        log.info("Closed {} logs", logs.size());
    }

    /**
     * Closes every log, several at a time (closing mostly waits for fsyncs).
     *
     * @return the directories holding a log that did not close cleanly
     */
    private Set<Path> closeLogs() {
        Set<Path> unclean = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(CLOSE_THREADS);
        try {
            List<Callable<Void>> closes = new ArrayList<>();
            for (PartitionLog partitionLog : logs.values()) {
                closes.add(() -> {
                    if (!partitionLog.close()) {
                        unclean.add(partitionLog.dir().getParent());
                    }
                    return null;
                });
            }
            for (Future<Void> closed : pool.invokeAll(closes)) {
                try {
                    closed.get();
                } catch (ExecutionException e) {
                    log.error("Closing a log failed", e.getCause());
                    unclean.addAll(directories.keySet());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unclean.addAll(directories.keySet());
        } finally {
            pool.shutdownNow();
        }
        return unclean;
    }

    /**
     * Stops the background work, letting a running task (a retention pass, a checkpoint) finish rather
     * than interrupting its file operations, which would fail its log.
     */
    private void stopScheduler() {
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("Background log work did not stop within 30 s; interrupting it");
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Undoes a failed start: closes what was loaded, without marking anything clean. */
    private void abandon() {
        creators.shutdownNow();
        stopScheduler();
        for (PartitionLog partitionLog : logs.values()) {
            partitionLog.closeWithoutFlush();
        }
        for (LogDirectory directory : directories.values()) {
            directory.flusher().close();
        }
        releaseDirectories();
    }

    private void releaseDirectories() {
        for (LogDirectory directory : directories.values()) {
            directory.release();
        }
    }

    /** {@code topic-3} to (topic, 3); null if the name does not end in a partition number or names no legal topic. */
    static TopicPartition parsePartitionDir(String name) {
        int dash = name.lastIndexOf('-');
        if (dash <= 0 || dash == name.length() - 1) {
            return null;
        }
        String topic = name.substring(0, dash);
        if (!TopicNames.isValid(topic) || topic.equals(TopicNames.CLUSTER_METADATA)) {
            return null;
        }
        try {
            int partition = Integer.parseInt(name.substring(dash + 1));
            return partition < 0 ? null : new TopicPartition(topic, partition);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** One log directory: its lock, checkpoints, clean-shutdown marker and flusher. */
    private static final class LogDirectory {

        private final Path path;
        private final FileChannel lockChannel;
        private final FileLock lock;
        private final boolean cleanShutdown;
        private final LogFlusher flusher;
        /** What each checkpoint file was last written with by this process; written under the manager's checkpoint lock. */
        private final Map<String, Map<TopicPartition, Long>> written = new ConcurrentHashMap<>();
        /** The logs listed in this directory, counted as they are created, loaded and deleted. */
        private final AtomicInteger logCount = new AtomicInteger();
        /** Why the directory's logs refuse appends, or null while it has enough free space. */
        private volatile String shortOfSpace;

        private LogDirectory(Path path, FileChannel lockChannel, FileLock lock, boolean cleanShutdown) {
            this.path = path;
            this.lockChannel = lockChannel;
            this.lock = lock;
            this.cleanShutdown = cleanShutdown;
            this.flusher = new LogFlusher("vltava-log-flusher-" + path.getFileName());
        }

        static LogDirectory open(Path path) {
            try {
                Files.createDirectories(path);
                FileChannel channel = FileChannel.open(path.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException e) {
                    // Another LogManager in this JVM holds it: tryLock throws instead of returning null.
                    lock = null;
                }
                if (lock == null) {
                    channel.close();
                    throw new IllegalStateException("Log directory " + path.toAbsolutePath() + " is in use by another process");
                }
                return new LogDirectory(path, channel, lock, Files.exists(path.resolve(CLEAN_SHUTDOWN_FILE)));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot open log directory " + path.toAbsolutePath(), e);
            }
        }

        Path path() {
            return path;
        }

        LogFlusher flusher() {
            return flusher;
        }

        AtomicInteger logCount() {
            return logCount;
        }

        String shortOfSpace() {
            return shortOfSpace;
        }

        /** Measures the free space; returns (and remembers) why appends must be refused, or null. */
        String checkFreeSpace(long minFreeBytes) {
            // File.getUsableSpace is one statvfs call (0 if that fails), cheaper than looking up the file store.
            long usable = path.toFile().getUsableSpace();
            shortOfSpace = usable < minFreeBytes
                    ? "only " + usable + " bytes are free in " + path + ", below log.dir.min.free.bytes (" + minFreeBytes + ")"
                    : null;
            return shortOfSpace;
        }

        boolean hadCleanShutdown() {
            return cleanShutdown;
        }

        List<Path> partitionDirs() {
            List<Path> dirs = new ArrayList<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(path, Files::isDirectory)) {
                for (Path entry : entries) {
                    if (!entry.getFileName().toString().equals(METADATA_DIR)) {
                        dirs.add(entry);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot list log directory " + path, e);
            }
            return dirs;
        }

        Map<TopicPartition, Long> readOffsets(String fileName) {
            try {
                return new OffsetCheckpointFile(path.resolve(fileName)).read();
            } catch (IOException e) {
                log.warn("Ignoring unreadable {}: {}", path.resolve(fileName), e.getMessage());
                return Map.of();
            }
        }

        /** Writes a checkpoint file, unless it already holds exactly {@code offsets} (an idle broker rewrites nothing). */
        void writeOffsets(String fileName, Map<TopicPartition, Long> offsets) throws IOException {
            if (offsets.equals(written.get(fileName))) {
                return;
            }
            written.remove(fileName);
            new OffsetCheckpointFile(path.resolve(fileName)).write(offsets);
            written.put(fileName, offsets);
        }

        void clearCleanShutdown() {
            try {
                Files.deleteIfExists(path.resolve(CLEAN_SHUTDOWN_FILE));
                AtomicFile.fsyncDirectory(path);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot remove the clean shutdown marker of " + path, e);
            }
        }

        void markCleanShutdown() {
            try {
                Files.createFile(path.resolve(CLEAN_SHUTDOWN_FILE));
                AtomicFile.fsyncDirectory(path);
            } catch (IOException e) {
                log.error("Cannot write the clean shutdown marker of {}", path, e);
            }
        }

        void release() {
            try {
                lock.release();
                lockChannel.close();
            } catch (IOException e) {
                log.warn("Cannot release the lock of {}", path, e);
            }
        }
    }
}
