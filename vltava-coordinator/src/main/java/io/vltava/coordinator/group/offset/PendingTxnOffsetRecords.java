package io.vltava.coordinator.group.offset;

import io.vltava.coordinator.group.record.GroupRecordType;
import io.vltava.coordinator.group.record.RecordDecoder;
import io.vltava.coordinator.group.record.RecordEncoder;
import io.vltava.coordinator.runtime.CoordinatorRecord;

/**
 * The records of offsets staged by transactional producers in __consumer_offsets. A staged offset
 * has its own key, apart from the committed offset of the same partition, so that it survives a
 * restart while the committed one stays as it was; completing the transaction writes its tombstone.
 *
 * <pre>
 * key:   int16 type (4) | string group | int64 producer id | string topic | int32 partition
 * value: int16 version (0) | int16 producer epoch | int64 offset | int32 leader epoch | string metadata
 *        | int64 commit timestamp
 * </pre>
 *
 * <p>Threading: stateless.
 */
public final class PendingTxnOffsetRecords {

    private static final short VERSION = 0;

    private PendingTxnOffsetRecords() {
    }

    public static CoordinatorRecord record(Key key, StagedOffset staged) {
        CommittedOffset offset = staged.offset();
        byte[] value = RecordEncoder.value(VERSION).int16(staged.producerEpoch()).int64(offset.offset()).int32(offset.leaderEpoch())
                .string(offset.metadata()).int64(offset.commitTimestampMs()).toByteArray();
        return new CoordinatorRecord(key(key), value);
    }

    public static CoordinatorRecord tombstone(Key key) {
        return CoordinatorRecord.tombstone(key(key));
    }

    private static byte[] key(Key key) {
        return RecordEncoder.key(GroupRecordType.PENDING_TXN_OFFSET).string(key.groupId()).int64(key.producerId()).string(key.topic())
                .int32(key.partition()).toByteArray();
    }

    /** The fields of a key, read after its type. */
    public record Key(String groupId, long producerId, String topic, int partition) {
    }

    /** Reads a key whose type has already been read from {@code decoder}. */
    public static Key readKey(RecordDecoder decoder) {
        Key key = new Key(decoder.string(), decoder.int64(), decoder.string(), decoder.int32());
        decoder.end();
        return key;
    }

    /** Reads a value. */
    public static StagedOffset readValue(byte[] value) {
        RecordDecoder decoder = new RecordDecoder(value);
        short version = decoder.int16();
        if (version != VERSION) {
            throw new IllegalStateException("Unknown pending transactional offset record version " + version);
        }
        short producerEpoch = decoder.int16();
        CommittedOffset offset = new CommittedOffset(decoder.int64(), decoder.int32(), decoder.string(), decoder.int64(), -1L);
        decoder.end();
        return new StagedOffset(producerEpoch, offset);
    }
}
