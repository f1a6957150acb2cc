package io.vltava.coordinator.runtime;

import io.vltava.common.time.Time;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What a shard can ask of the runtime: write records, and run work later on its own thread.
 *
 * <p>Threading: call only from the shard's thread, except {@link #execute}.
 */
public interface ShardContext {

    /** The partition of the internal topic this shard owns. */
    int partition();

    Time time();

    /** The leader epoch of the partition this shard was loaded in (a transaction coordinator's epoch). */
    int leaderEpoch();

    /**
     * Runs {@code task} on the shard's thread soon, unless the shard has been unloaded or reloaded by
     * then. The one method here that may be called from any thread: it brings the completion of work
     * done elsewhere (another coordinator, a partition's log) back to the shard.
     */
    void execute(Runnable task);

    /**
     * Writes records describing a change the shard has already made in memory.
     *
     * @return completes on the shard's thread once the records are durable; exceptionally (with a
     *     retriable coordinator error) if they could not be written, in which case the runtime reloads
     *     the shard from its log, so the in-memory change is undone
     */
    CompletableFuture<Void> append(List<CoordinatorRecord> records);

    /** Runs {@code task} on the shard's thread after {@code delayMs}, replacing a pending task with the same key. */
    void schedule(String key, long delayMs, Runnable task);

    /** Cancels the pending task with this key, if any. */
    void cancel(String key);

    /** Whether a task with this key is pending. */
    boolean isScheduled(String key);
}
