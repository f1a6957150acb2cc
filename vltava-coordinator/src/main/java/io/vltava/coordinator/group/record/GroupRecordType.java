package io.vltava.coordinator.group.record;

/**
 * The kinds of records in __consumer_offsets, by the int16 that starts every key.
 *
 * <pre>
 * key:   int16 type | the type's key fields
 * value: int16 version | the type's value fields     (absent: a tombstone)
 * </pre>
 * Fields are big-endian; strings are int16 length (-1 for null) + UTF-8, byte arrays int32 length
 * (-1 for null) + bytes. Each type's layout is in the Javadoc of the class that writes it. A type or
 * version this code does not know fails the load, so state a newer broker wrote is never skipped.
 *
 * <p>Threading: immutable.
 */
public enum GroupRecordType {
    /** A committed offset: group, topic, partition. */
    OFFSET_COMMIT(1),
    /** The whole state of a classic group: group. */
    CLASSIC_GROUP(2),
    /** The whole state of a consumer group: group. */
    CONSUMER_GROUP(3),
    /** An offset staged by a transactional producer, visible once its transaction commits: group, producer id, topic, partition. */
    PENDING_TXN_OFFSET(4);

    private final short id;

    GroupRecordType(int id) {
        this.id = (short) id;
    }

    public short id() {
        return id;
    }

    /** @throws IllegalStateException for a type this code does not know */
    public static GroupRecordType of(short id) {
        for (GroupRecordType type : values()) {
            if (type.id == id) {
                return type;
            }
        }
        throw new IllegalStateException("Unknown __consumer_offsets record type " + id);
    }
}
