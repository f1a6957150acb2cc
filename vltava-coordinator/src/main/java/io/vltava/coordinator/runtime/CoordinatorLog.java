package io.vltava.coordinator.runtime;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One partition of a coordinator's internal topic, led by this broker: where a shard writes its
 * records and reads them back when it loads.
 *
 * <p>Threading: both methods are called on the shard's thread; the futures may complete on any thread.
 */
public interface CoordinatorLog {

    /**
     * Appends the records as one batch.
     *
     * @return completes when the batch is as durable as an acknowledged produce to the partition (it is
     *     then part of what a reload reads), or exceptionally if it never will be
     * @throws RuntimeException if the append is refused at once (no longer leader, storage error)
     */
    CompletableFuture<Void> append(List<CoordinatorRecord> records);

    /**
     * Reads every record from the start of the log to its current end, in offset order.
     *
     * @throws RuntimeException if the log cannot be read
     */
    void readAll(Consumer<CoordinatorRecord> sink);
}
