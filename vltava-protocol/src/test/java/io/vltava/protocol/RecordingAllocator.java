package io.vltava.protocol;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * A leak-tracked allocator that remembers the buffers it handed out, so tests can check their reference
 * counts. Its buffers are unpooled, so a released one is never recycled into a later allocation.
 *
 * <p>Threading: not thread-safe; allocate from one thread.
 */
public final class RecordingAllocator extends AbstractByteBufAllocator {

    private final List<ByteBuf> allocated = new ArrayList<>();

    public RecordingAllocator() {
        super(true);
    }

    @Override
    public ByteBuf buffer(int initialCapacity, int maxCapacity) {
        ByteBuf buf = super.buffer(initialCapacity, maxCapacity);
        allocated.add(buf);
        return buf;
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return UnpooledByteBufAllocator.DEFAULT.heapBuffer(initialCapacity, maxCapacity);
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return UnpooledByteBufAllocator.DEFAULT.directBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    /** Buffers handed out by {@link #buffer(int, int)}, in order. */
    public List<ByteBuf> allocated() {
        return allocated;
    }
}
