package io.vltava.coordinator.runtime;

import io.vltava.common.time.ManualTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;

/**
 * A {@link ShardContext} for tests: a manual clock whose timers run when the test advances it, and
 * an in-memory log whose appends complete at once, or when the test says so while held.
 *
 * <p>Threading: confined to the test thread, which plays the shard's thread.
 */
public final class ManualShardContext implements ShardContext {

    private final ManualTime time = new ManualTime();
    private final Map<String, Timer> timers = new HashMap<>();
    private final List<CoordinatorRecord> log = new ArrayList<>();
    private final List<PendingAppend> held = new ArrayList<>();
    private long sequence;
    private boolean holdAppends;

    private record Timer(String key, long deadlineMs, long sequence, Runnable task) {
    }

    private record PendingAppend(List<CoordinatorRecord> records, CompletableFuture<Void> future) {
    }

    @Override
    public int partition() {
        return 0;
    }

    @Override
    public ManualTime time() {
        return time;
    }

    @Override
    public int leaderEpoch() {
        return 0;
    }

    /** Queued as a timer due now: it runs on the next {@link #advance} or {@link #runDueTimers}. */
    @Override
    public void execute(Runnable task) {
        schedule("execute-" + sequence, 0, task);
    }

    @Override
    public CompletableFuture<Void> append(List<CoordinatorRecord> records) {
        if (records.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> future = new CompletableFuture<>();
        if (holdAppends) {
            held.add(new PendingAppend(List.copyOf(records), future));
        } else {
            log.addAll(records);
            future.complete(null);
        }
        return future;
    }

    @Override
    public void schedule(String key, long delayMs, Runnable task) {
        timers.put(key, new Timer(key, time.milliseconds() + Math.max(0, delayMs), sequence++, task));
    }

    @Override
    public void cancel(String key) {
        timers.remove(key);
    }

    @Override
    public boolean isScheduled(String key) {
        return timers.containsKey(key);
    }

    /** Moves the clock forward, running every timer that falls due, in deadline order, at its deadline. */
    public void advance(long millis) {
        long target = time.milliseconds() + millis;
        while (true) {
            Timer next = timers.values().stream().filter(timer -> timer.deadlineMs() <= target)
                    .min(Comparator.comparingLong(Timer::deadlineMs).thenComparingLong(Timer::sequence)).orElse(null);
            if (next == null) {
                break;
            }
            time.advanceMillis(next.deadlineMs() - time.milliseconds());
            timers.remove(next.key());
            next.task().run();
        }
        time.advanceMillis(target - time.milliseconds());
    }

    /** Runs the timers that are due now. */
    public void runDueTimers() {
        advance(0);
    }

    /** The keys of the pending timers. */
    public List<String> timerKeys() {
        return List.copyOf(timers.keySet());
    }

    /** From now on appends wait for {@link #completeHeld} or {@link #failHeld}. */
    public void holdAppends() {
        holdAppends = true;
    }

    /** Makes the held appends durable, in order, and stops holding. */
    public void completeHeld() {
        holdAppends = false;
        List<PendingAppend> pending = new ArrayList<>(held);
        held.clear();
        for (PendingAppend append : pending) {
            log.addAll(append.records());
            append.future().complete(null);
        }
    }

    /** Fails the held appends, as a failed write does, and stops holding. */
    public void failHeld() {
        holdAppends = false;
        List<PendingAppend> pending = new ArrayList<>(held);
        held.clear();
        pending.forEach(append -> append.future().completeExceptionally(new CoordinatorNotAvailableException("write failed")));
    }

    public int heldCount() {
        return held.size();
    }

    /** Every record made durable so far, in order. */
    public List<CoordinatorRecord> log() {
        return List.copyOf(log);
    }
}
