package io.vltava.common.time;

/**
 * Runs a task once after a delay, on a background thread; for work that must not hold up its caller,
 * such as removing deleted segment files once readers are done with them.
 *
 * <p>Threading: implementations accept tasks from any thread.
 */
@FunctionalInterface
public interface Scheduler {

    /** Runs {@code task} once, {@code delayMs} from now (or soon after). A task that throws is logged and forgotten. */
    void schedule(Runnable task, long delayMs);
}
