package io.vltava.coordinator.group.consumer;

/**
 * Where a member of a consumer group stands on its way to its target assignment.
 *
 * <p>Threading: immutable.
 */
public enum MemberState {
    /** The member owns its whole target assignment at the target's epoch, or is on its way with nothing to wait for. */
    STABLE(0),
    /** The member must first give up partitions it was asked to revoke; its epoch stays until it does. */
    UNREVOKED_PARTITIONS(1),
    /** The member is at the target epoch but waits for partitions that other members still own. */
    UNRELEASED_PARTITIONS(2);

    private final short id;

    MemberState(int id) {
        this.id = (short) id;
    }

    /** The number the group's record stores. */
    public short id() {
        return id;
    }

    /** @throws IllegalStateException for a number this code does not know */
    public static MemberState of(short id) {
        for (MemberState state : values()) {
            if (state.id == id) {
                return state;
            }
        }
        throw new IllegalStateException("Unknown consumer group member state " + id);
    }
}
