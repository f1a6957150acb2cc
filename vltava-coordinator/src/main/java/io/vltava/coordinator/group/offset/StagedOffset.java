package io.vltava.coordinator.group.offset;

/**
 * An offset a transactional producer staged for one partition of a group (TxnOffsetCommit): it
 * becomes {@code offset} if the producer's transaction commits.
 *
 * @param producerEpoch the epoch of the producer that staged it
 * @param offset        the offset to commit; its expire timestamp is always -1
 */
public record StagedOffset(short producerEpoch, CommittedOffset offset) {
}
