package io.vltava.coordinator.runtime;

import io.vltava.common.time.ManualTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link ShardContext} for tests: time moves only when told, appended records are kept in a list
 * (and succeed unless a failure is set), and timers run when {@link #advance} passes their deadline.
 *
 * <p>Threading: single-threaded, like a shard.
 */
public final class ManualShardContext implements ShardContext {

    private final ManualTime time = new ManualTime();
    private final List<CoordinatorRecord> appended = new ArrayList<>();
    private final Map<String, Timer> timers = new HashMap<>();
    private RuntimeException appendFailure;
    private long sequence;

    @Override
    public int partition() {
        return 0;
    }

    @Override
    public ManualTime time() {
        return time;
    }

    @Override
    public CompletableFuture<Void> append(List<CoordinatorRecord> records) {
        if (appendFailure != null) {
            return CompletableFuture.failedFuture(appendFailure);
        }
        appended.addAll(records);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void schedule(String key, long delayMs, Runnable task) {
        timers.put(key, new Timer(time.hiResMilliseconds() + delayMs, sequence++, task));
    }

    @Override
    public void cancel(String key) {
        timers.remove(key);
    }

    @Override
    public boolean isScheduled(String key) {
        return timers.containsKey(key);
    }

    /** Every record appended so far, in order. */
    public List<CoordinatorRecord> appended() {
        return appended;
    }

    /** Makes later appends fail with {@code failure} (null: succeed again). */
    public void failAppends(RuntimeException failure) {
        this.appendFailure = failure;
    }

    /** Moves time forward, running each timer whose deadline is passed, in deadline order. */
    public void advance(long millis) {
        long target = time.hiResMilliseconds() + millis;
        while (true) {
            Map.Entry<String, Timer> next = timers.entrySet().stream()
                    .filter(entry -> entry.getValue().deadline() <= target)
                    .min(Comparator.comparingLong((Map.Entry<String, Timer> entry) -> entry.getValue().deadline())
                            .thenComparingLong(entry -> entry.getValue().sequence()))
                    .orElse(null);
            if (next == null) {
                break;
            }
            timers.remove(next.getKey());
            time.advanceMillis(Math.max(0, next.getValue().deadline() - time.hiResMilliseconds()));
            next.getValue().task().run();
        }
        time.advanceMillis(target - time.hiResMilliseconds());
    }

    private record Timer(long deadline, long sequence, Runnable task) {
    }
}
