package io.vltava.broker.producer;

import io.vltava.metadata.controller.ProducerIdBlock;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Hands out producer ids for InitProducerId from blocks the controller allocates, fetching the next
 * block before the current one runs out. Blocks are recorded in the metadata log before they are
 * used, so an id is never handed out twice, even across restarts.
 *
 * <p>Threading: safe from any thread.
 */
public final class ProducerIdManager {

    /** Fetch the next block once this share of the current one is used. */
    private static final double PREFETCH_AT = 0.9;

    private final Supplier<CompletableFuture<ProducerIdBlock>> allocator;
    private ProducerIdBlock block;
    private long next;
    private CompletableFuture<ProducerIdBlock> pending;

    public ProducerIdManager(Supplier<CompletableFuture<ProducerIdBlock>> allocator) {
        this.allocator = allocator;
    }

    /** The next unused producer id; completes at once unless a new block must be allocated first. */
    public synchronized CompletableFuture<Long> nextProducerId() {
        if (block == null || next >= block.nextBlockFirstId()) {
            if (pending != null && pending.isDone() && !pending.isCompletedExceptionally()) {
                useBlock(pending.join());
            } else {
                return requestBlock().thenCompose(ignored -> nextProducerId());
            }
        }
        long id = next++;
        if (next - block.firstId() >= (long) (block.size() * PREFETCH_AT)) {
            requestBlock();
        }
        return CompletableFuture.completedFuture(id);
    }

    private void useBlock(ProducerIdBlock allocated) {
        block = allocated;
        next = allocated.firstId();
        pending = null;
    }

    private CompletableFuture<ProducerIdBlock> requestBlock() {
        if (pending == null || pending.isCompletedExceptionally()) {
            pending = allocator.get();
        }
        return pending;
    }
}
