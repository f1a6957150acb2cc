package io.vltava.coordinator.runtime;

import io.vltava.common.time.Time;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.errors.UnknownServerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shard in the runtime: its log, its state (loading, active, closed), its timers, and the thread
 * everything about it runs on. The {@link ShardContext} its shard sees.
 *
 * <p>Threading: {@link #run}, {@link #load} and {@link #close} from any thread; everything else on the
 * shard's thread.
 */
final class ShardRunner<S extends CoordinatorShard> implements ShardContext {

    private static final Logger log = LoggerFactory.getLogger(ShardRunner.class);

    /** LOADING until the first load ends; FAILED if a load could not read the log. */
    private enum State { LOADING, ACTIVE, FAILED, CLOSED }

    private final String coordinatorName;
    private final int partition;
    private final int leaderEpoch;
    private final CoordinatorLog coordinatorLog;
    private final ScheduledExecutorService thread;
    private final Time time;
    private final Function<ShardContext, S> shardFactory;
    private final Map<String, Timer> timers = new HashMap<>();
    private State state = State.LOADING;
    private S shard;

    ShardRunner(String coordinatorName, int partition, int leaderEpoch, CoordinatorLog coordinatorLog, ScheduledExecutorService thread,
                Time time, Function<ShardContext, S> shardFactory) {
        this.coordinatorName = coordinatorName;
        this.partition = partition;
        this.leaderEpoch = leaderEpoch;
        this.coordinatorLog = coordinatorLog;
        this.thread = thread;
        this.time = time;
        this.shardFactory = shardFactory;
    }

    @Override
    public int leaderEpoch() {
        return leaderEpoch;
    }

    void load() {
        executeOnThread(this::loadOnThread);
    }

    private void loadOnThread() {
        if (state == State.CLOSED) {
            return;
        }
        long started = time.hiResMilliseconds();
        state = State.LOADING;
        S loading = shardFactory.apply(this);
        long[] count = new long[1];
        try {
            coordinatorLog.readAll(record -> {
                loading.replay(record);
                count[0]++;
            });
        } catch (RuntimeException e) {
            log.error("Cannot load partition {} of {}; it stays unavailable until its leadership changes", partition, coordinatorName, e);
            state = State.FAILED;
            return;
        }
        shard = loading;
        state = State.ACTIVE;
        shard.onLoaded();
        log.info("Loaded partition {} of {} in leader epoch {}: {} records in {} ms", partition, coordinatorName, leaderEpoch, count[0],
                time.hiResMilliseconds() - started);
    }

    <T> CompletableFuture<T> run(Function<S, CompletableFuture<T>> operation) {
        CompletableFuture<T> result = new CompletableFuture<>();
        boolean queued = executeOnThread(() -> {
            switch (state) {
                case LOADING, FAILED -> result.completeExceptionally(new CoordinatorNotAvailableException(
                        "Partition " + partition + " of " + coordinatorName + " could not be loaded"));
                case CLOSED -> result.completeExceptionally(notCoordinator());
                case ACTIVE -> {
                    try {
                        operation.apply(shard).whenComplete((value, failure) -> {
                            if (failure != null) {
                                result.completeExceptionally(failure);
                            } else {
                                result.complete(value);
                            }
                        });
                    } catch (ApiException e) {
                        result.completeExceptionally(e);
                    } catch (RuntimeException e) {
                        log.error("An operation on partition {} of {} failed", partition, coordinatorName, e);
                        result.completeExceptionally(new UnknownServerException("The coordinator failed: " + e));
                    }
                }
            }
        });
        if (!queued) {
            result.completeExceptionally(notCoordinator());
        }
        return result;
    }

    void close() {
        executeOnThread(() -> {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            timers.values().forEach(Timer::cancel);
            timers.clear();
            if (shard != null) {
                shard.onUnloaded();
                shard = null;
            }
            log.info("Unloaded partition {} of {}", partition, coordinatorName);
        });
    }

    @Override
    public int partition() {
        return partition;
    }

    @Override
    public Time time() {
        return time;
    }

    @Override
    public void execute(Runnable task) {
        S owner = shard;
        executeOnThread(() -> {
            if (state != State.ACTIVE || shard != owner) {
                return;
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("A task of partition {} of {} failed", partition, coordinatorName, e);
            }
        });
    }

    @Override
    public CompletableFuture<Void> append(List<CoordinatorRecord> records) {
        if (records.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> durable;
        try {
            durable = coordinatorLog.append(records);
        } catch (RuntimeException e) {
            durable = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Void> result = new CompletableFuture<>();
        S writer = shard;
        durable.whenComplete((ignored, failure) -> {
            boolean queued = executeOnThread(() -> {
                if (failure == null) {
                    result.complete(null);
                    return;
                }
                result.completeExceptionally(new CoordinatorNotAvailableException("Partition " + partition + " of " + coordinatorName
                        + " could not write its records: " + failure.getMessage()));
                if (state == State.ACTIVE && shard == writer) {
                    log.warn("A write to partition {} of {} failed; reloading the partition from its log", partition, coordinatorName, failure);
                    reload();
                }
            });
            if (!queued) {
                result.completeExceptionally(notCoordinator());
            }
        });
        return result;
    }

    private void reload() {
        timers.values().forEach(Timer::cancel);
        timers.clear();
        shard.onUnloaded();
        shard = null;
        loadOnThread();
    }

    @Override
    public void schedule(String key, long delayMs, Runnable task) {
        cancel(key);
        Timer timer = new Timer(key, task);
        timer.future = thread.schedule(timer, Math.max(0, delayMs), TimeUnit.MILLISECONDS);
        timers.put(key, timer);
    }

    @Override
    public void cancel(String key) {
        Timer timer = timers.remove(key);
        if (timer != null) {
            timer.cancel();
        }
    }

    @Override
    public boolean isScheduled(String key) {
        return timers.containsKey(key);
    }

    private NotCoordinatorException notCoordinator() {
        return new NotCoordinatorException("This broker no longer coordinates partition " + partition + " of " + coordinatorName);
    }

    /** Runs {@code task} on the shard's thread; false if the runtime is shutting down. */
    private boolean executeOnThread(Runnable task) {
        try {
            thread.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** A task scheduled by the shard; runs only if it is still the pending task of its key. */
    private final class Timer implements Runnable {

        private final String key;
        private final Runnable task;
        private ScheduledFuture<?> future;

        Timer(String key, Runnable task) {
            this.key = key;
            this.task = task;
        }

        @Override
        public void run() {
            if (timers.get(key) != this) {
                return;
            }
            timers.remove(key);
            if (state != State.ACTIVE) {
                return;
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("Timer {} of partition {} of {} failed", key, partition, coordinatorName, e);
            }
        }

        void cancel() {
            future.cancel(false);
        }
    }
}
