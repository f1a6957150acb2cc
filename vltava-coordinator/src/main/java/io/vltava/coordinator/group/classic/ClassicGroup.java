package io.vltava.coordinator.group.classic;

import io.vltava.coordinator.group.Group;
import io.vltava.coordinator.group.GroupType;
import io.vltava.coordinator.runtime.CoordinatorRecord;
import java.util.List;
import org.apache.kafka.common.errors.IllegalGenerationException;

/**
 * A group of the classic protocol. So far only the empty group that offsets are committed for from
 * outside any group.
 *
 * <p>Threading: owned by its shard's thread.
 */
public final class ClassicGroup implements Group {

    private final String groupId;
    private final long createdMs;

    public ClassicGroup(String groupId, long createdMs) {
        this.groupId = groupId;
        this.createdMs = createdMs;
    }

    @Override
    public String groupId() {
        return groupId;
    }

    @Override
    public GroupType type() {
        return GroupType.CLASSIC;
    }

    @Override
    public String stateName() {
        return "Empty";
    }

    @Override
    public String protocolType() {
        return "";
    }

    @Override
    public boolean isSubscribedTo(String topic) {
        return false;
    }

    @Override
    public boolean isEmpty() {
        return true;
    }

    @Override
    public long emptySinceMs() {
        return createdMs;
    }

    @Override
    public void validateOffsetCommit(String memberId, String groupInstanceId, int generationIdOrMemberEpoch, short apiVersion) {
        if (generationIdOrMemberEpoch >= 0) {
            throw new IllegalGenerationException("Group " + groupId + " has no generation " + generationIdOrMemberEpoch);
        }
    }

    @Override
    public void validateOffsetFetch(String memberId, int memberEpoch) {
    }

    @Override
    public void validateDelete() {
    }

    @Override
    public List<CoordinatorRecord> deletionRecords() {
        return List.of();
    }

    @Override
    public void onRemoved() {
    }
}
