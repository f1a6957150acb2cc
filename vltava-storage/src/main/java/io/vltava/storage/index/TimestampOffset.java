package io.vltava.storage.index;

/**
 * A time index entry: {@code timestamp} is the largest batch max timestamp in the segment up to and
 * including the batch that ends at {@code offset}, and no batch before that one reaches it.
 *
 * <p>Threading: immutable.
 */
public record TimestampOffset(long timestamp, long offset) {
}
