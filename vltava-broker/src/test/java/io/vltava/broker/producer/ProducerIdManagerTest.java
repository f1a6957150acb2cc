package io.vltava.broker.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.metadata.controller.ProducerIdBlock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ProducerIdManagerTest {

    /** Hands out consecutive blocks of {@code size} ids, each answer chosen by the test. */
    private static final class Controller implements Supplier<CompletableFuture<ProducerIdBlock>> {

        private final int size;
        private final List<CompletableFuture<ProducerIdBlock>> requests = new ArrayList<>();
        private long nextFirstId;

        Controller(int size, long firstId) {
            this.size = size;
            this.nextFirstId = firstId;
        }

        @Override
        public synchronized CompletableFuture<ProducerIdBlock> get() {
            CompletableFuture<ProducerIdBlock> request = new CompletableFuture<>();
            requests.add(request);
            return request;
        }

        synchronized int requestCount() {
            return requests.size();
        }

        /** Answers request {@code index} with the next block. */
        synchronized void grant(int index) {
            ProducerIdBlock block = new ProducerIdBlock(nextFirstId, size);
            nextFirstId += size;
            requests.get(index).complete(block);
        }

        synchronized void fail(int index) {
            requests.get(index).completeExceptionally(new IllegalStateException("not the controller"));
        }
    }

    /** Answers every request at once with the next block. */
    private static Supplier<CompletableFuture<ProducerIdBlock>> immediate(int size) {
        AtomicLong next = new AtomicLong();
        return () -> CompletableFuture.completedFuture(new ProducerIdBlock(next.getAndAdd(size), size));
    }

    private static long take(ProducerIdManager manager) {
        CompletableFuture<Long> id = manager.nextProducerId();
        assertThat(id).isDone();
        return id.join();
    }

    @Test
    void handsOutConsecutiveIdsAcrossBlocks() {
        ProducerIdManager manager = new ProducerIdManager(immediate(10));
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 35; i++) {
            ids.add(take(manager));
        }
        for (int i = 0; i < 35; i++) {
            assertThat(ids.get(i)).isEqualTo(i);
        }
    }

    @Test
    void theFirstIdWaitsForTheFirstBlock() {
        Controller controller = new Controller(10, 5_000);
        ProducerIdManager manager = new ProducerIdManager(controller);

        CompletableFuture<Long> first = manager.nextProducerId();
        CompletableFuture<Long> second = manager.nextProducerId();

        assertThat(first).isNotDone();
        assertThat(second).isNotDone();
        assertThat(controller.requestCount()).as("one allocation for both").isEqualTo(1);
        controller.grant(0);
        assertThat(List.of(first.join(), second.join())).containsExactlyInAnyOrder(5_000L, 5_001L);
    }

    @Test
    void fetchesTheNextBlockOnceNinetyPercentIsUsed() {
        Controller controller = new Controller(10, 0);
        ProducerIdManager manager = new ProducerIdManager(controller);
        manager.nextProducerId();
        controller.grant(0);

        for (int i = 1; i < 8; i++) {
            take(manager);
        }
        assertThat(controller.requestCount()).as("8 of 10 used").isEqualTo(1);
        assertThat(take(manager)).isEqualTo(8);
        assertThat(controller.requestCount()).as("9 of 10 used: the next block is asked for").isEqualTo(2);
        assertThat(take(manager)).isEqualTo(9);
        assertThat(controller.requestCount()).as("asked only once").isEqualTo(2);

        controller.grant(1);
        assertThat(take(manager)).as("the prefetched block is used without waiting").isEqualTo(10);
    }

    @Test
    void waitsForTheNextBlockWhenTheCurrentOneIsUsedUp() {
        Controller controller = new Controller(10, 0);
        ProducerIdManager manager = new ProducerIdManager(controller);
        manager.nextProducerId();
        controller.grant(0);
        for (int i = 1; i < 10; i++) {
            take(manager);
        }

        CompletableFuture<Long> waiting = manager.nextProducerId();

        assertThat(waiting).isNotDone();
        assertThat(controller.requestCount()).isEqualTo(2);
        controller.grant(1);
        assertThat(waiting).isCompletedWithValue(10L);
        assertThat(take(manager)).isEqualTo(11);
    }

    @Test
    void aFailedAllocationFailsItsWaitersAndTheNextCallTriesAgain() {
        Controller controller = new Controller(10, 100);
        ProducerIdManager manager = new ProducerIdManager(controller);

        CompletableFuture<Long> failed = manager.nextProducerId();
        controller.fail(0);
        assertThat(failed).isCompletedExceptionally();

        CompletableFuture<Long> retried = manager.nextProducerId();
        assertThat(controller.requestCount()).isEqualTo(2);
        controller.grant(1);
        assertThat(retried).isCompletedWithValue(100L);
    }

    @Test
    void aFailedPrefetchIsRetried() {
        Controller controller = new Controller(10, 0);
        ProducerIdManager manager = new ProducerIdManager(controller);
        manager.nextProducerId();
        controller.grant(0);
        for (int i = 1; i < 9; i++) {
            take(manager);
        }
        assertThat(controller.requestCount()).isEqualTo(2);
        controller.fail(1);

        assertThat(take(manager)).as("the current block still serves").isEqualTo(9);
        assertThat(controller.requestCount()).as("the prefetch is asked for again").isEqualTo(3);
        controller.grant(2);
        assertThat(take(manager)).isEqualTo(10);
    }

    @Test
    void manyThreadsNeverGetTheSameId() throws Exception {
        int threads = 8;
        int perThread = 2_000;
        ExecutorService controllerThread = Executors.newSingleThreadExecutor();
        AtomicLong nextFirstId = new AtomicLong();
        ProducerIdManager manager = new ProducerIdManager(() -> CompletableFuture.supplyAsync(
                () -> new ProducerIdBlock(nextFirstId.getAndAdd(ProducerIdBlock.BLOCK_SIZE), ProducerIdBlock.BLOCK_SIZE), controllerThread));
        ExecutorService callers = Executors.newFixedThreadPool(threads);
        ConcurrentLinkedQueue<CompletableFuture<Long>> futures = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(callers.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        futures.add(manager.nextProducerId());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
            Set<Long> ids = new HashSet<>();
            for (CompletableFuture<Long> future : futures) {
                ids.add(future.get(30, TimeUnit.SECONDS));
            }
            assertThat(ids).hasSize(threads * perThread);
            assertThat(ids).allSatisfy(id -> assertThat(id).isBetween(0L, nextFirstId.get() - 1));
        } finally {
            callers.shutdownNow();
            controllerThread.shutdownNow();
        }
    }
}
