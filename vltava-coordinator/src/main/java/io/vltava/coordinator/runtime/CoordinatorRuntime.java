package io.vltava.coordinator.runtime;

import io.vltava.common.time.Time;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.utils.Utils;

/**
 * Runs the shards of one coordinator: one shard per partition of its internal topic that this broker
 * leads, each loaded from that partition's log and then fed operations and timers on one thread. A
 * few threads serve all shards (a shard always uses the same one), so a shard's state needs no locks.
 *
 * <p>Lifecycle of a shard: {@link #onElection} (its records are replayed on its thread, so operations sent
 * meanwhile run once it is loaded; if the log cannot be read they fail with COORDINATOR_NOT_AVAILABLE),
 * active, then {@link #onResignation} (NOT_COORDINATOR). A failed write reloads the shard from its log, which
 * undoes whatever the write's operation changed in memory.
 *
 * <p>Threading: public methods may be called from any thread; operations run on the shard's thread
 * and their futures complete there.
 *
 * @param <S> the coordinator's shard type
 */
public final class CoordinatorRuntime<S extends CoordinatorShard> implements PartitionedCoordinator, AutoCloseable {

    private final String name;
    private final Time time;
    private final Function<ShardContext, S> shardFactory;
    private final ScheduledExecutorService[] threads;
    private final ConcurrentHashMap<Integer, ShardRunner<S>> shards = new ConcurrentHashMap<>();

    /**
     * @param name         names the threads and log lines, e.g. "group-coordinator"
     * @param threadCount  threads shared by all shards
     * @param shardFactory makes an empty shard; called on the shard's thread
     */
    public CoordinatorRuntime(String name, int threadCount, Time time, Function<ShardContext, S> shardFactory) {
        if (threadCount < 1) {
            throw new IllegalArgumentException("A coordinator needs at least one thread, not " + threadCount);
        }
        this.name = name;
        this.time = time;
        this.shardFactory = shardFactory;
        this.threads = new ScheduledExecutorService[threadCount];
        for (int i = 0; i < threadCount; i++) {
            String threadName = name + "-" + i;
            ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1, runnable -> {
                Thread daemon = new Thread(runnable, threadName);
                daemon.setDaemon(true);
                return daemon;
            });
            thread.setRemoveOnCancelPolicy(true);
            thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            threads[i] = thread;
        }
    }

    /**
     * Starts coordinating {@code partition} as its leader in {@code leaderEpoch}: its shard is built
     * from the log. Does nothing if that epoch's shard is already there; replaces an older one.
     */
    @Override
    public void onElection(int partition, int leaderEpoch, CoordinatorLog log) {
        ShardRunner<S> previous = shards.get(partition);
        if (previous != null && previous.leaderEpoch() >= leaderEpoch) {
            return;
        }
        ShardRunner<S> runner = new ShardRunner<>(name, partition, leaderEpoch, log, threadOf(partition), time, shardFactory);
        shards.put(partition, runner);
        if (previous != null) {
            previous.close();
        }
        runner.load();
    }

    /** Stops coordinating {@code partition}; its pending operations end with NOT_COORDINATOR. */
    @Override
    public void onResignation(int partition) {
        ShardRunner<S> removed = shards.remove(partition);
        if (removed != null) {
            removed.close();
        }
    }

    /** The partition of a coordinator's topic that owns {@code key} (a group or transactional id), as Kafka computes it. */
    public static int partitionFor(String key, int partitionCount) {
        return Utils.abs(key.hashCode()) % partitionCount;
    }

    /** The partitions with a shard here, loaded or loading. */
    public Set<Integer> partitions() {
        return new TreeSet<>(shards.keySet());
    }

    /**
     * Runs an operation on the shard of {@code partition}.
     *
     * @return the operation's result, or NOT_COORDINATOR if the shard is not here
     */
    public <T> CompletableFuture<T> run(int partition, Function<S, CompletableFuture<T>> operation) {
        ShardRunner<S> runner = shards.get(partition);
        if (runner == null) {
            return CompletableFuture.failedFuture(new NotCoordinatorException("This broker does not coordinate partition " + partition + " of "
                    + name));
        }
        return runner.run(operation);
    }

    /** Runs a read on every shard here; a shard that could not load or is gone fails its own future. */
    public <T> List<CompletableFuture<T>> runOnAll(Function<S, T> read) {
        List<CompletableFuture<T>> results = new ArrayList<>();
        for (ShardRunner<S> runner : shards.values()) {
            results.add(runner.run(shard -> CompletableFuture.completedFuture(read.apply(shard))));
        }
        return results;
    }

    private ScheduledExecutorService threadOf(int partition) {
        return threads[Math.floorMod(partition, threads.length)];
    }

    /** Unloads every shard and stops the threads; timers still pending are dropped. */
    @Override
    public void close() {
        for (Integer partition : partitions()) {
            onResignation(partition);
        }
        for (ScheduledExecutorService thread : threads) {
            thread.shutdown();
        }
        for (ScheduledExecutorService thread : threads) {
            try {
                if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                    thread.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                thread.shutdownNow();
            }
        }
    }
}
