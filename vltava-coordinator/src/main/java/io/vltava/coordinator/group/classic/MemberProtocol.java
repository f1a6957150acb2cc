package io.vltava.coordinator.group.classic;

import java.util.Arrays;

/**
 * One protocol a classic member supports, with the member's metadata for it (for the "consumer"
 * protocol type: the assignor name and the serialized subscription).
 *
 * <p>Threading: immutable; the array is never changed after construction.
 */
record MemberProtocol(String name, byte[] metadata) {

    @Override
    public boolean equals(Object other) {
        return other instanceof MemberProtocol that && name.equals(that.name) && Arrays.equals(metadata, that.metadata);
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + Arrays.hashCode(metadata);
    }

    @Override
    public String toString() {
        return name + "(" + metadata.length + " bytes)";
    }
}
