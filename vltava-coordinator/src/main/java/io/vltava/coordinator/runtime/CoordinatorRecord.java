package io.vltava.coordinator.runtime;

import java.util.Arrays;

/**
 * One record of a coordinator's internal topic: a key and a value, both in the coordinator's own
 * binary form. A null value is a tombstone: it deletes the key's state, and compaction eventually
 * drops both.
 *
 * <p>Threading: immutable; the arrays are never changed after construction.
 */
public record CoordinatorRecord(byte[] key, byte[] value) {

    public static CoordinatorRecord tombstone(byte[] key) {
        return new CoordinatorRecord(key, null);
    }

    public boolean isTombstone() {
        return value == null;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CoordinatorRecord that && Arrays.equals(key, that.key) && Arrays.equals(value, that.value);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(key) + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "CoordinatorRecord(key " + key.length + " bytes, " + (value == null ? "tombstone" : "value " + value.length + " bytes") + ")";
    }
}
