package io.vltava.coordinator.group.consumer;

import io.vltava.common.time.ManualTime;
import io.vltava.coordinator.runtime.CoordinatorRecord;
import io.vltava.coordinator.runtime.ShardContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link ShardContext} for tests: manual time, timers that fire when the test advances the clock,
 * and appended records kept in memory (every append succeeds at once).
 *
 * <p>Threading: confined to the test's thread.
 */
final class FakeShardContext implements ShardContext {

    final ManualTime time = new ManualTime();
    final List<CoordinatorRecord> records = new ArrayList<>();
    private final Map<String, Timer> timers = new HashMap<>();

    @Override
    public int partition() {
        return 0;
    }

    @Override
    public ManualTime time() {
        return time;
    }

    @Override
    public CompletableFuture<Void> append(List<CoordinatorRecord> appended) {
        records.addAll(appended);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void schedule(String key, long delayMs, Runnable task) {
        timers.put(key, new Timer(time.milliseconds() + Math.max(0, delayMs), task));
    }

    @Override
    public void cancel(String key) {
        timers.remove(key);
    }

    @Override
    public boolean isScheduled(String key) {
        return timers.containsKey(key);
    }

    /** Moves the clock forward, running every timer that falls due on the way, in deadline order. */
    void advance(long millis) {
        long end = time.milliseconds() + millis;
        while (true) {
            Map.Entry<String, Timer> next = null;
            for (Map.Entry<String, Timer> entry : timers.entrySet()) {
                if (entry.getValue().deadlineMs() <= end && (next == null || entry.getValue().deadlineMs() < next.getValue().deadlineMs())) {
                    next = entry;
                }
            }
            if (next == null) {
                break;
            }
            time.advanceMillis(Math.max(0, next.getValue().deadlineMs() - time.milliseconds()));
            timers.remove(next.getKey());
            next.getValue().task().run();
        }
        time.advanceMillis(end - time.milliseconds());
    }

    private record Timer(long deadlineMs, Runnable task) {
    }
}
