package io.vltava.coordinator.group;

import java.util.List;

/**
 * A batched group operation failed for all of these groups at once (their shard is not here, is
 * loading, or could not write); {@link #getCause()} says why.
 *
 * <p>Threading: immutable.
 */
public final class GroupsFailedException extends RuntimeException {

    private final List<String> groupIds;

    public GroupsFailedException(List<String> groupIds, Throwable cause) {
        super(cause.getMessage(), cause, false, false);
        this.groupIds = List.copyOf(groupIds);
    }

    public List<String> groupIds() {
        return groupIds;
    }
}
