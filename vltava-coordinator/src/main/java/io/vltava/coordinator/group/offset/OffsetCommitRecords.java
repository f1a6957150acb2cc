package io.vltava.coordinator.group.offset;

import io.vltava.coordinator.group.record.GroupRecordType;
import io.vltava.coordinator.group.record.RecordDecoder;
import io.vltava.coordinator.group.record.RecordEncoder;
import io.vltava.coordinator.runtime.CoordinatorRecord;

/**
 * The records of committed offsets in __consumer_offsets.
 *
 * <pre>
 * key:   int16 type (1) | string group | string topic | int32 partition
 * value: int16 version (0) | int64 offset | int32 leader epoch | string metadata
 *        | int64 commit timestamp | int64 expire timestamp (-1: none)
 * </pre>
 *
 * <p>Threading: stateless.
 */
public final class OffsetCommitRecords {

    private static final short VERSION = 0;

    private OffsetCommitRecords() {
    }

    public static CoordinatorRecord record(String groupId, String topic, int partition, CommittedOffset offset) {
        byte[] value = RecordEncoder.value(VERSION).int64(offset.offset()).int32(offset.leaderEpoch()).string(offset.metadata())
                .int64(offset.commitTimestampMs()).int64(offset.expireTimestampMs()).toByteArray();
        return new CoordinatorRecord(key(groupId, topic, partition), value);
    }

    public static CoordinatorRecord tombstone(String groupId, String topic, int partition) {
        return CoordinatorRecord.tombstone(key(groupId, topic, partition));
    }

    private static byte[] key(String groupId, String topic, int partition) {
        return RecordEncoder.key(GroupRecordType.OFFSET_COMMIT).string(groupId).string(topic).int32(partition).toByteArray();
    }

    /** The fields of a key, read after its type. */
    public record Key(String groupId, String topic, int partition) {
    }

    /** Reads a key whose type has already been read from {@code decoder}. */
    public static Key readKey(RecordDecoder decoder) {
        Key key = new Key(decoder.string(), decoder.string(), decoder.int32());
        decoder.end();
        return key;
    }

    /** Reads a value. */
    public static CommittedOffset readValue(byte[] value) {
        RecordDecoder decoder = new RecordDecoder(value);
        short version = decoder.int16();
        if (version != VERSION) {
            throw new IllegalStateException("Unknown offset commit record version " + version);
        }
        CommittedOffset offset = new CommittedOffset(decoder.int64(), decoder.int32(), decoder.string(), decoder.int64(), decoder.int64());
        decoder.end();
        return offset;
    }
}
