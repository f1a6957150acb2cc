package io.vltava.coordinator.group.consumer;

import io.vltava.coordinator.group.Group;
import io.vltava.coordinator.group.GroupType;
import io.vltava.coordinator.group.assignor.AssignmentTopic;
import io.vltava.coordinator.runtime.CoordinatorRecord;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.StaleMemberEpochException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * A group of the consumer protocol (KIP-848): its epochs, members, target assignment and the topics
 * its members subscribe to. The group epoch counts changes of membership, subscriptions and the
 * subscribed topics' partitions; the target assignment was computed at the assignment epoch; each
 * member reconciles towards it at its own pace. {@link ConsumerGroupManager} changes it; the partition
 * owners index (which member epoch owns a partition) follows every member change.
 *
 * <p>Threading: owned by its shard's thread.
 */
public final class ConsumerGroup implements Group {

    private final String groupId;
    private final MemberTimers timers;
    private final Map<String, ConsumerGroupMember> members = new TreeMap<>();
    private final Map<String, String> staticMembers = new HashMap<>();
    private final Map<String, Map<Uuid, Set<Integer>>> targetAssignment = new HashMap<>();
    private final Map<Uuid, Map<Integer, Integer>> partitionEpochs = new HashMap<>();
    private final Map<String, Set<String>> regexMatches = new HashMap<>();
    private Map<String, AssignmentTopic> subscribedTopics = Map.of();
    private int groupEpoch;
    private int assignmentEpoch;
    private long emptySinceMs;
    private long topicsVersion = -1;
    private boolean dead;

    ConsumerGroup(String groupId, MemberTimers timers, long createdMs) {
        this.groupId = groupId;
        this.timers = timers;
        this.emptySinceMs = createdMs;
    }

    @Override
    public String groupId() {
        return groupId;
    }

    @Override
    public GroupType type() {
        return GroupType.CONSUMER;
    }

    /** "Empty", "Assigning" (a new target is due), "Reconciling" (members move to it), "Stable" or "Dead". */
    @Override
    public String stateName() {
        if (dead) {
            return "Dead";
        }
        if (members.isEmpty()) {
            return "Empty";
        }
        if (groupEpoch > assignmentEpoch) {
            return "Assigning";
        }
        for (ConsumerGroupMember member : members.values()) {
            if (!member.isReconciledTo(assignmentEpoch)) {
                return "Reconciling";
            }
        }
        return "Stable";
    }

    @Override
    public String protocolType() {
        return "consumer";
    }

    @Override
    public boolean isSubscribedTo(String topic) {
        if (subscribedTopics.containsKey(topic)) {
            return true;
        }
        for (ConsumerGroupMember member : members.values()) {
            if (member.subscribedTopicNames().contains(topic)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean isEmpty() {
        return members.isEmpty();
    }

    @Override
    public long emptySinceMs() {
        return members.isEmpty() ? emptySinceMs : -1L;
    }

    /**
     * A commit from outside the group (epoch -1) is accepted only while the group is empty; a member
     * commits with OffsetCommit v9+ and its current epoch.
     */
    @Override
    public void validateOffsetCommit(String memberId, String groupInstanceId, int generationIdOrMemberEpoch, short apiVersion) {
        if (generationIdOrMemberEpoch < 0 && members.isEmpty()) {
            return;
        }
        ConsumerGroupMember member = existingMember(memberId);
        if (apiVersion < 9) {
            throw new UnsupportedVersionException("OffsetCommit version 9 or above must be used by members using the consumer group protocol");
        }
        checkEpoch(member, generationIdOrMemberEpoch);
    }

    /** A stale member epoch is ILLEGAL_GENERATION here, as TxnOffsetCommit has no STALE_MEMBER_EPOCH. */
    @Override
    public void validateTransactionalOffsetCommit(String memberId, String groupInstanceId, int memberEpoch) {
        if (memberEpoch < 0 && members.isEmpty()) {
            return;
        }
        if (memberEpoch < 0 && memberId.isEmpty() && groupInstanceId == null) {
            return;
        }
        ConsumerGroupMember member = existingMember(memberId);
        if (memberEpoch != member.memberEpoch()) {
            throw new IllegalGenerationException("The received member epoch " + memberEpoch + " does not match the member epoch "
                    + member.memberEpoch());
        }
    }

    @Override
    public void validateOffsetFetch(String memberId, int memberEpoch) {
        if (memberId == null && memberEpoch < 0) {
            return;
        }
        checkEpoch(existingMember(memberId), memberEpoch);
    }

    @Override
    public void validateDelete() {
        if (!members.isEmpty()) {
            throw new GroupNotEmptyException("Consumer group " + groupId + " still has " + members.size() + " members");
        }
    }

    @Override
    public List<CoordinatorRecord> deletionRecords() {
        return List.of(ConsumerGroupRecords.tombstone(groupId));
    }

    @Override
    public void onRemoved() {
        dead = true;
        members.keySet().forEach(memberId -> timers.cancelAll(groupId, memberId));
    }

    private ConsumerGroupMember existingMember(String memberId) {
        ConsumerGroupMember member = memberId == null ? null : members.get(memberId);
        if (member == null) {
            throw new UnknownMemberIdException("Member " + memberId + " is not a member of group " + groupId);
        }
        return member;
    }

    private static void checkEpoch(ConsumerGroupMember member, int epoch) {
        if (epoch != member.memberEpoch()) {
            throw new StaleMemberEpochException("The received member epoch " + epoch + " does not match the member epoch "
                    + member.memberEpoch());
        }
    }

    // ---- state, read by the manager and tests

    public int groupEpoch() {
        return groupEpoch;
    }

    /** The epoch of the target assignment. */
    public int assignmentEpoch() {
        return assignmentEpoch;
    }

    /** The members by id, in id order. */
    public Map<String, ConsumerGroupMember> members() {
        return Collections.unmodifiableMap(members);
    }

    /** The member with this id, or null. */
    public ConsumerGroupMember member(String memberId) {
        return members.get(memberId);
    }

    /** The member with this group.instance.id, or null. */
    public ConsumerGroupMember staticMember(String instanceId) {
        String memberId = instanceId == null ? null : staticMembers.get(instanceId);
        return memberId == null ? null : members.get(memberId);
    }

    /** The member's partitions in the target assignment (empty if it has none). */
    public Map<Uuid, Set<Integer>> targetAssignment(String memberId) {
        return targetAssignment.getOrDefault(memberId, Map.of());
    }

    /** The whole target assignment, member id to partitions. */
    public Map<String, Map<Uuid, Set<Integer>>> targetAssignment() {
        return Collections.unmodifiableMap(targetAssignment);
    }

    /** The subscribed topics that exist, by name, as the last assignment or membership change saw them. */
    public Map<String, AssignmentTopic> subscribedTopics() {
        return subscribedTopics;
    }

    /** The epoch of the member that owns (or is revoking) the partition, -1 if none does. */
    public int partitionEpoch(Uuid topicId, int partition) {
        Map<Integer, Integer> partitions = partitionEpochs.get(topicId);
        return partitions == null ? -1 : partitions.getOrDefault(partition, -1);
    }

    // ---- changes, by the manager and the record decoder

    void setEpochs(int newGroupEpoch, int newAssignmentEpoch) {
        this.groupEpoch = newGroupEpoch;
        this.assignmentEpoch = newAssignmentEpoch;
    }

    void setSubscribedTopics(Map<String, AssignmentTopic> topics) {
        this.subscribedTopics = Collections.unmodifiableMap(new TreeMap<>(topics));
    }

    /** Adds or replaces a member, keeping the static member and partition owner indexes in step. */
    void putMember(ConsumerGroupMember member) {
        ConsumerGroupMember previous = members.put(member.memberId(), member);
        if (previous != null) {
            forgetOwnership(previous);
            if (previous.instanceId() != null) {
                staticMembers.remove(previous.instanceId(), previous.memberId());
            }
        }
        if (member.instanceId() != null) {
            staticMembers.put(member.instanceId(), member.memberId());
        }
        recordOwnership(member.assignedPartitions(), member.memberEpoch());
        recordOwnership(member.partitionsPendingRevocation(), member.memberEpoch());
    }

    /** Removes a member and its target assignment; its partitions become free. */
    void removeMember(String memberId, long nowMs) {
        ConsumerGroupMember previous = members.remove(memberId);
        targetAssignment.remove(memberId);
        if (previous != null) {
            forgetOwnership(previous);
            if (previous.instanceId() != null) {
                staticMembers.remove(previous.instanceId(), memberId);
            }
        }
        if (members.isEmpty()) {
            emptySinceMs = nowMs;
        }
    }

    void setTargetAssignment(String memberId, Map<Uuid, Set<Integer>> partitions) {
        targetAssignment.put(memberId, Assignments.copyOf(partitions));
    }

    /** The GroupTopics version the subscribed topics and regular expressions were last resolved at; -1 after a load. */
    long topicsVersion() {
        return topicsVersion;
    }

    void setTopicsVersion(long version) {
        if (version != topicsVersion) {
            regexMatches.clear();
        }
        this.topicsVersion = version;
    }

    /** The topics each regular expression matched at {@link #topicsVersion()}, filled on demand. */
    Map<String, Set<String>> regexMatches() {
        return regexMatches;
    }

    private void recordOwnership(Map<Uuid, Set<Integer>> partitions, int epoch) {
        partitions.forEach((topicId, numbers) -> {
            Map<Integer, Integer> epochs = partitionEpochs.computeIfAbsent(topicId, id -> new HashMap<>());
            numbers.forEach(number -> epochs.put(number, epoch));
        });
    }

    private void forgetOwnership(ConsumerGroupMember member) {
        forget(member.assignedPartitions());
        forget(member.partitionsPendingRevocation());
    }

    private void forget(Map<Uuid, Set<Integer>> partitions) {
        partitions.forEach((topicId, numbers) -> {
            Map<Integer, Integer> epochs = partitionEpochs.get(topicId);
            if (epochs != null) {
                numbers.forEach(epochs::remove);
                if (epochs.isEmpty()) {
                    partitionEpochs.remove(topicId);
                }
            }
        });
    }
}
