package io.vltava.coordinator.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vltava.common.time.Time;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The runtime loads shards from their logs, runs operations and timers on their thread, and reloads after a failed write. */
class CoordinatorRuntimeTest {

    private final CoordinatorRuntime<CounterShard> runtime = new CoordinatorRuntime<>("test-coordinator", 2, Time.SYSTEM, CounterShard::new);

    @AfterEach
    void close() {
        runtime.close();
    }

    /** A shard whose state is a count: each record adds its value's length. */
    static final class CounterShard implements CoordinatorShard {

        private final ShardContext context;
        private int count;
        private boolean unloaded;

        CounterShard(ShardContext context) {
            this.context = context;
        }

        @Override
        public void replay(CoordinatorRecord record) {
            count += record.value().length;
        }

        @Override
        public void onLoaded() {
        }

        @Override
        public void onUnloaded() {
            unloaded = true;
        }

        CompletableFuture<Integer> add(int amount) {
            count += amount;
            return context.append(List.of(new CoordinatorRecord(new byte[] {1}, new byte[amount]))).thenApply(ignored -> count);
        }
    }

    /** A log in memory, whose appends can be made to fail and whose loading can be held back. */
    static class MemoryLog implements CoordinatorLog {

        final List<CoordinatorRecord> records = new CopyOnWriteArrayList<>();
        volatile RuntimeException appendFailure;
        volatile CountDownLatch loadGate = new CountDownLatch(0);

        @Override
        public CompletableFuture<Void> append(List<CoordinatorRecord> batch) {
            if (appendFailure != null) {
                return CompletableFuture.failedFuture(appendFailure);
            }
            records.addAll(batch);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void readAll(Consumer<CoordinatorRecord> sink) {
            try {
                loadGate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            new ArrayList<>(records).forEach(sink);
        }
    }

    private static Throwable failureOf(CompletableFuture<?> future) {
        assertThatThrownBy(future::join).isInstanceOf(CompletionException.class);
        return future.handle((value, failure) -> failure instanceof CompletionException wrapped ? wrapped.getCause() : failure).join();
    }

    @Test
    void aShardIsRebuiltFromItsLogAndThenServesOperations() {
        MemoryLog log = new MemoryLog();
        log.records.add(new CoordinatorRecord(new byte[] {1}, new byte[5]));
        runtime.onElection(3, 0, log);

        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.run(3, shard -> shard.add(0)).handle((count, failure) -> count).join() != null);

        assertThat(runtime.run(3, shard -> shard.add(2)).join()).isEqualTo(7);
        assertThat(log.records).hasSize(3);
    }

    @Test
    void operationsSentWhileAShardLoadsRunOnceItHasLoaded() {
        assertThat(failureOf(runtime.run(1, shard -> shard.add(1)))).isInstanceOf(NotCoordinatorException.class);

        MemoryLog log = new MemoryLog();
        log.records.add(new CoordinatorRecord(new byte[] {1}, new byte[2]));
        log.loadGate = new CountDownLatch(1);
        runtime.onElection(1, 0, log);
        CompletableFuture<Integer> duringLoad = runtime.run(1, shard -> shard.add(1));
        assertThat(duringLoad).isNotDone();
        log.loadGate.countDown();

        assertThat(duringLoad.join()).isEqualTo(3);
    }

    @Test
    void aShardWhoseLogCannotBeReadIsUnavailable() {
        runtime.onElection(1, 0, new MemoryLog() {
            @Override
            public void readAll(Consumer<CoordinatorRecord> sink) {
                throw new IllegalStateException("unreadable");
            }
        });

        assertThat(failureOf(runtime.run(1, shard -> shard.add(1)))).isInstanceOf(CoordinatorNotAvailableException.class);
    }

    @Test
    void anUnloadedShardAnswersNotCoordinatorAndLearnsOfIt() {
        MemoryLog log = new MemoryLog();
        runtime.onElection(2, 0, log);
        CounterShard shard = runtime.run(2, loaded -> CompletableFuture.completedFuture(loaded)).join();

        runtime.onResignation(2);

        assertThat(failureOf(runtime.run(2, loaded -> loaded.add(1)))).isInstanceOf(NotCoordinatorException.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> shard.unloaded);
    }

    @Test
    void aFailedWriteFailsItsOperationAndUndoesItsChangeByReloading() {
        MemoryLog log = new MemoryLog();
        runtime.onElection(0, 0, log);
        assertThat(runtime.run(0, shard -> shard.add(4)).join()).isEqualTo(4);

        log.appendFailure = new IllegalStateException("no space");
        assertThat(failureOf(runtime.run(0, shard -> shard.add(100)))).isInstanceOf(CoordinatorNotAvailableException.class);
        log.appendFailure = null;

        assertThat(runtime.run(0, shard -> shard.add(1)).join()).isEqualTo(5);
    }

    @Test
    void aNewerLeaderEpochReplacesTheShardAndAnOlderOneIsIgnored() {
        MemoryLog first = new MemoryLog();
        runtime.onElection(0, 1, first);
        runtime.run(0, shard -> shard.add(1)).join();

        runtime.onElection(0, 0, new MemoryLog());
        assertThat(runtime.run(0, shard -> shard.add(1)).join()).isEqualTo(2);

        runtime.onElection(0, 2, first);
        assertThat(runtime.run(0, shard -> shard.add(1)).join()).isEqualTo(3);
    }

    @Test
    void timersRunOnTheShardThreadAndCanBeReplaced() throws Exception {
        MemoryLog log = new MemoryLog();
        runtime.onElection(0, 0, log);
        List<String> fired = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        runtime.run(0, shard -> {
            ShardContext context = shard.context;
            context.schedule("t", 60_000, () -> fired.add("replaced"));
            context.schedule("t", 10, () -> {
                fired.add("ran on " + Thread.currentThread().getName());
                done.countDown();
            });
            context.schedule("cancelled", 10, () -> fired.add("cancelled"));
            context.cancel("cancelled");
            return CompletableFuture.completedFuture(null);
        }).join();

        done.await();
        assertThat(fired).containsExactly("ran on test-coordinator-0");
    }

    @Test
    void workFinishedElsewhereComesBackToTheShardThreadButNotToAnUnloadedShard() throws Exception {
        runtime.onElection(0, 7, new MemoryLog());
        List<String> ran = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        ShardContext context = runtime.run(0, shard -> CompletableFuture.completedFuture(shard.context)).join();
        assertThat(context.leaderEpoch()).isEqualTo(7);

        Thread elsewhere = new Thread(() -> context.execute(() -> {
            ran.add(Thread.currentThread().getName());
            done.countDown();
        }));
        elsewhere.start();
        done.await();
        assertThat(ran).containsExactly("test-coordinator-0");

        runtime.onResignation(0);
        context.execute(() -> ran.add("after unload"));
        runtime.onElection(0, 8, new MemoryLog());
        runtime.run(0, shard -> CompletableFuture.completedFuture(null)).join();
        assertThat(ran).containsExactly("test-coordinator-0");
    }
}
