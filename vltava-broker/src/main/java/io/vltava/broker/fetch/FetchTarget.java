package io.vltava.broker.fetch;

/**
 * What a fetch asks of one partition; in a session these parameters are remembered and carried over
 * by incremental requests that do not mention the partition.
 *
 * <p>Threading: immutable; safe from any thread.
 *
 * @param key                the partition
 * @param fetchOffset        the offset to read from
 * @param maxBytes           the partition's byte limit
 * @param currentLeaderEpoch the leader epoch the client knows, or -1
 * @param lastFetchedEpoch   the epoch of the last batch the client fetched, or -1
 */
public record FetchTarget(FetchPartitionKey key, long fetchOffset, int maxBytes, int currentLeaderEpoch, int lastFetchedEpoch) {
}
