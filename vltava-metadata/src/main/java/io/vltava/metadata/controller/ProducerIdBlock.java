package io.vltava.metadata.controller;

/**
 * A range of producer ids handed to one broker: {@code [firstId, firstId + size)}.
 *
 * <p>Threading: immutable; safe from any thread.
 */
public record ProducerIdBlock(long firstId, int size) {

    /** Ids per block, as Kafka allocates them. */
    public static final int BLOCK_SIZE = 1000;

    public long nextBlockFirstId() {
        return firstId + size;
    }
}
