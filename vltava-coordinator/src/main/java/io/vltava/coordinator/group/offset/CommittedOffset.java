package io.vltava.coordinator.group.offset;

/**
 * An offset a group committed for one partition.
 *
 * @param offset            the position the group will resume from
 * @param leaderEpoch       the leader epoch of the record before {@code offset}, or -1 if unknown
 * @param metadata          the client's string, never null
 * @param commitTimestampMs when the coordinator took the commit
 * @param expireTimestampMs when an old client (OffsetCommit v2–4 with a retention time) asked it to
 *                          expire, or -1 to expire by offsets.retention.minutes
 */
public record CommittedOffset(long offset, int leaderEpoch, String metadata, long commitTimestampMs, long expireTimestampMs) {
}
