package io.vltava.coordinator.group.consumer;

import io.vltava.common.topic.TopicNames;
import io.vltava.coordinator.group.Group;
import io.vltava.coordinator.group.GroupCoordinatorConfig;
import io.vltava.coordinator.group.GroupRequestContext;
import io.vltava.coordinator.group.GroupTopics;
import io.vltava.coordinator.group.GroupType;
import io.vltava.coordinator.group.assignor.AssignmentMember;
import io.vltava.coordinator.group.assignor.AssignmentSpec;
import io.vltava.coordinator.group.assignor.AssignmentTopic;
import io.vltava.coordinator.group.assignor.PartitionAssignors;
import io.vltava.coordinator.runtime.CoordinatorRecord;
import io.vltava.coordinator.runtime.ShardContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.FencedMemberEpochException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupMaxSizeReachedException;
import org.apache.kafka.common.errors.InvalidRegularExpression;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.UnknownServerException;
import org.apache.kafka.common.errors.UnreleasedInstanceIdException;
import org.apache.kafka.common.errors.UnsupportedAssignorException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer group protocol (KIP-848) of one shard: ConsumerGroupHeartbeat drives each member
 * towards the target assignment the coordinator computes with its server-side assignors.
 *
 * <p>A heartbeat first updates the member with what it sent. The group epoch goes up when a member
 * joins with a subscription, changes it, leaves, or when the partitions of the subscribed topics change
 * (seen through {@link GroupTopics#version()}). When the group epoch is ahead of the assignment epoch,
 * the target assignment is computed again with the assignor most members ask for. Then the member is
 * reconciled a step towards its target ({@link MemberReconciler}). Whatever changed is written as the
 * group's record ({@link ConsumerGroupRecords}); the response waits until the record is durable.
 *
 * <p>An empty classic group (one that only holds offsets) with the same id is replaced by the new
 * consumer group, whatever group.consumer.migration.policy says, as Kafka does. A classic group with
 * members is not converted (Kafka's online upgrade is not implemented): its id answers
 * GROUP_ID_NOT_FOUND.
 *
 * <p>Threading: owned by the shard's thread.
 */
public final class ConsumerGroupManager {

    private static final Logger log = LoggerFactory.getLogger(ConsumerGroupManager.class);
    private static final int LEAVE_EPOCH = -1;
    private static final byte CONSUMER_MEMBER_TYPE = 1;

    private final ShardContext context;
    private final GroupCoordinatorConfig config;
    private final Map<String, Group> groups;
    private final GroupTopics topics;
    private final MemberTimers timers;

    public ConsumerGroupManager(ShardContext context, GroupCoordinatorConfig config, Map<String, Group> groups, GroupTopics topics) {
        this.context = context;
        this.config = config;
        this.groups = groups;
        this.topics = topics;
        this.timers = new MemberTimers(context);
    }

    /** ConsumerGroupHeartbeat: join (epoch 0), heartbeat, or leave (-1; -2 for a static member that comes back). */
    public CompletableFuture<ConsumerGroupHeartbeatResponseData> heartbeat(GroupRequestContext request, ConsumerGroupHeartbeatRequestData data) {
        if (!config.consumerProtocolEnabled()) {
            throw new UnsupportedVersionException("The consumer group protocol is not enabled on this broker (group.coordinator.rebalance.protocols)");
        }
        validate(data, request.apiVersion());
        Outcome outcome = data.memberEpoch() < 0 ? leave(data) : heartbeatAsMember(request, data);
        return context.append(outcome.records()).thenApply(ignored -> outcome.response());
    }

    /** ConsumerGroupDescribe for one group id: GROUP_ID_NOT_FOUND if it is not a consumer group. */
    public ConsumerGroupDescribeResponseData.DescribedGroup describe(String groupId) {
        Group found = groups.get(groupId);
        if (!(found instanceof ConsumerGroup group)) {
            throw new GroupIdNotFoundException(found == null ? "Group " + groupId + " not found"
                    : "Group " + groupId + " is not a consumer group");
        }
        TopicNamesById names = new TopicNamesById(group);
        ConsumerGroupDescribeResponseData.DescribedGroup described = new ConsumerGroupDescribeResponseData.DescribedGroup()
                .setGroupId(groupId).setGroupState(group.stateName()).setGroupEpoch(group.groupEpoch())
                .setAssignmentEpoch(group.assignmentEpoch()).setAssignorName(assignorName(group.members().values()));
        for (ConsumerGroupMember member : group.members().values()) {
            described.members().add(new ConsumerGroupDescribeResponseData.Member()
                    .setMemberId(member.memberId()).setInstanceId(member.instanceId()).setRackId(member.rackId())
                    .setMemberEpoch(member.memberEpoch()).setClientId(member.clientId()).setClientHost(member.clientHost())
                    .setSubscribedTopicNames(List.copyOf(member.subscribedTopicNames())).setSubscribedTopicRegex(member.subscribedTopicRegex())
                    .setAssignment(names.describe(member.assignedPartitions()))
                    .setTargetAssignment(names.describe(group.targetAssignment(member.memberId())))
                    .setMemberType(CONSUMER_MEMBER_TYPE));
        }
        return described;
    }

    /** Replays a consumer group record (a null value deletes the group). */
    public void replay(String groupId, byte[] value) {
        if (value == null) {
            if (groups.get(groupId) instanceof ConsumerGroup) {
                groups.remove(groupId);
            }
            return;
        }
        groups.put(groupId, ConsumerGroupRecords.read(groupId, value, timers));
    }

    /** Called once the shard is loaded: starts the session timers of loaded members, and the rebalance timers of those revoking. */
    public void onLoaded() {
        for (Group found : groups.values()) {
            if (found instanceof ConsumerGroup group) {
                for (ConsumerGroupMember member : group.members().values()) {
                    scheduleSessionTimeout(group.groupId(), member.memberId());
                    if (member.state() == MemberState.UNREVOKED_PARTITIONS) {
                        scheduleRebalanceTimeout(group.groupId(), member);
                    }
                }
            }
        }
    }

    /** Called when the shard unloads; the runtime drops the timers and no request waits on anything but its write. */
    public void onUnloaded() {
    }

    // ---- validation

    private void validate(ConsumerGroupHeartbeatRequestData data, short apiVersion) {
        int epoch = data.memberEpoch();
        if (apiVersion >= 1 || epoch > 0 || epoch == LEAVE_EPOCH) {
            requireNotBlank(data.memberId(), "MemberId can't be empty.");
        }
        requireNotBlank(data.groupId(), "GroupId can't be empty.");
        requireNotBlank(data.instanceId(), "InstanceId can't be empty.");
        requireNotBlank(data.rackId(), "RackId can't be empty.");
        if (epoch == 0) {
            if (data.rebalanceTimeoutMs() == -1) {
                throw new InvalidRequestException("RebalanceTimeoutMs must be provided in first request.");
            }
            if (data.topicPartitions() == null || !data.topicPartitions().isEmpty()) {
                throw new InvalidRequestException("TopicPartitions must be empty when (re-)joining.");
            }
            if (data.subscribedTopicNames() == null && data.subscribedTopicRegex() == null) {
                throw new InvalidRequestException("Either SubscribedTopicNames or SubscribedTopicRegex must be non-null when (re-)joining.");
            }
        } else if (epoch == ConsumerGroupMember.STATIC_LEAVE_EPOCH) {
            if (data.instanceId() == null) {
                throw new InvalidRequestException("InstanceId can't be null.");
            }
        } else if (epoch < ConsumerGroupMember.STATIC_LEAVE_EPOCH) {
            throw new InvalidRequestException("MemberEpoch is invalid.");
        }
        if (data.serverAssignor() != null && !config.consumerAssignors().contains(data.serverAssignor())) {
            throw new UnsupportedAssignorException("ServerAssignor " + data.serverAssignor() + " is not supported. Supported assignors: "
                    + String.join(", ", config.consumerAssignors()) + ".");
        }
        requireStorable(data.groupId(), "GroupId");
        requireStorable(data.memberId(), "MemberId");
        requireStorable(data.instanceId(), "InstanceId");
        requireStorable(data.rackId(), "RackId");
        requireStorable(data.subscribedTopicRegex(), "SubscribedTopicRegex");
        if (data.subscribedTopicNames() != null) {
            data.subscribedTopicNames().forEach(name -> requireStorable(name, "A subscribed topic name"));
        }
        if (data.subscribedTopicRegex() != null && !data.subscribedTopicRegex().isEmpty()) {
            try {
                Pattern.compile(data.subscribedTopicRegex());
            } catch (PatternSyntaxException e) {
                throw new InvalidRegularExpression("SubscribedTopicRegex " + data.subscribedTopicRegex() + " is not a valid regular expression: "
                        + e.getDescription());
            }
        }
    }

    /** The group's record stores strings of up to 32767 UTF-8 bytes; refusing longer ones up front keeps memory and log in step. */
    private static void requireStorable(String value, String field) {
        if (value != null && value.getBytes(StandardCharsets.UTF_8).length > Short.MAX_VALUE) {
            throw new InvalidRequestException(field + " is longer than " + Short.MAX_VALUE + " bytes.");
        }
    }

    private static void requireNotBlank(String value, String message) {
        if (value != null && value.isBlank()) {
            throw new InvalidRequestException(message);
        }
    }

    // ---- join and heartbeat

    private Outcome heartbeatAsMember(GroupRequestContext request, ConsumerGroupHeartbeatRequestData data) {
        long now = context.time().milliseconds();
        String groupId = data.groupId();
        boolean joining = data.memberEpoch() == 0;
        Group existing = groups.get(groupId);
        ConsumerGroup group;
        if (existing instanceof ConsumerGroup consumerGroup) {
            group = consumerGroup;
        } else if (existing == null) {
            if (!joining) {
                throw new GroupIdNotFoundException("Consumer group " + groupId + " not found");
            }
            group = new ConsumerGroup(groupId, timers, now);
        } else if (joining && existing.type() == GroupType.CLASSIC && existing.isEmpty()) {
            group = new ConsumerGroup(groupId, timers, now);
        } else {
            throw new GroupIdNotFoundException("Group " + groupId + " is not a consumer group");
        }
        String memberId = data.memberId().isEmpty() ? Uuid.randomUuid().toString() : data.memberId();
        if (group.members().size() >= config.consumerMaxSize() && group.member(memberId) == null) {
            throw new GroupMaxSizeReachedException("The consumer group has reached its maximum capacity of " + config.consumerMaxSize() + " members.");
        }
        Map<Uuid, Set<Integer>> owned = Assignments.owned(data.topicPartitions());

        ConsumerGroupMember member;
        ConsumerGroupMember replaced = null;
        if (data.instanceId() == null) {
            member = group.member(memberId);
            if (member == null) {
                if (!joining) {
                    throw new UnknownMemberIdException("Member " + memberId + " is not a member of group " + groupId);
                }
                member = ConsumerGroupMember.joining(memberId);
            }
            checkMemberEpoch(member, data.memberEpoch(), owned);
        } else {
            ConsumerGroupMember current = group.staticMember(data.instanceId());
            if (joining && current == null) {
                member = Objects.requireNonNullElseGet(group.member(memberId), () -> ConsumerGroupMember.joining(memberId));
            } else if (joining) {
                if (current.memberEpoch() != ConsumerGroupMember.STATIC_LEAVE_EPOCH) {
                    throw new UnreleasedInstanceIdException("Static member " + memberId + " with instance id " + data.instanceId()
                            + " cannot join the group because the instance id is owned by member " + current.memberId());
                }
                replaced = current;
                member = current.withMemberId(memberId).withProgress(0, 0, MemberState.STABLE, current.assignedPartitions(),
                        current.partitionsPendingRevocation());
            } else {
                if (current == null) {
                    throw new UnknownMemberIdException("Instance id " + data.instanceId() + " is unknown.");
                }
                if (!current.memberId().equals(memberId)) {
                    throw new FencedInstanceIdException("Static member " + memberId + " with instance id " + data.instanceId()
                            + " was fenced by member " + current.memberId());
                }
                checkMemberEpoch(current, data.memberEpoch(), owned);
                member = current;
            }
        }

        Set<String> topicNames = data.subscribedTopicNames() == null ? null : new TreeSet<>(data.subscribedTopicNames());
        ConsumerGroupMember updated = member.withRequest(data.instanceId(), data.rackId(), data.rebalanceTimeoutMs(), data.serverAssignor(),
                topicNames, data.subscribedTopicRegex(), request.clientId(), request.clientHost());
        Map<String, ConsumerGroupMember> members = new TreeMap<>(group.members());
        if (replaced != null) {
            members.remove(replaced.memberId());
        }
        members.put(memberId, updated);

        boolean bump = group.groupEpoch() == 0
                || !updated.subscribedTopicNames().equals(member.subscribedTopicNames())
                || !Objects.equals(updated.subscribedTopicRegex(), member.subscribedTopicRegex());
        Map<String, AssignmentTopic> subscribedTopics = group.subscribedTopics();
        long topicsVersion = topics.version();
        if (bump || group.topicsVersion() != topicsVersion) {
            group.setTopicsVersion(topicsVersion);
            subscribedTopics = subscribedTopics(group, members.values());
            bump |= !subscribedTopics.equals(group.subscribedTopics());
        }
        int groupEpoch = bump ? group.groupEpoch() + 1 : group.groupEpoch();

        Map<String, Map<Uuid, Set<Integer>>> newTarget = null;
        int assignmentEpoch = group.assignmentEpoch();
        Map<Uuid, Set<Integer>> inheritedTarget = group.targetAssignment(replaced != null ? replaced.memberId() : memberId);
        Map<Uuid, Set<Integer>> memberTarget = inheritedTarget;
        if (groupEpoch > assignmentEpoch) {
            newTarget = computeTargetAssignment(group, members.values(), subscribedTopics, memberId, inheritedTarget, groupEpoch);
            assignmentEpoch = groupEpoch;
            memberTarget = newTarget.getOrDefault(memberId, Map.of());
        }
        ConsumerGroupMember reconciled = updated.isReconciledTo(assignmentEpoch) ? updated
                : MemberReconciler.reconcile(updated, assignmentEpoch, memberTarget, group::partitionEpoch, owned);

        List<CoordinatorRecord> records = new ArrayList<>();
        boolean changed = existing != group || replaced != null || bump || newTarget != null || !reconciled.equals(member);
        if (existing != group) {
            if (existing != null) {
                records.addAll(existing.deletionRecords());
                existing.onRemoved();
                log.info("Empty classic group {} replaced by a consumer group", groupId);
            }
            groups.put(groupId, group);
        }
        if (replaced != null) {
            group.removeMember(replaced.memberId(), now);
            timers.cancelAll(groupId, replaced.memberId());
            log.info("Static member {} of group {} rejoined as member {}", replaced.instanceId(), groupId, memberId);
        } else if (!group.members().containsKey(memberId)) {
            log.info("Member {} joined consumer group {}", memberId, groupId);
        }
        group.putMember(reconciled);
        if (newTarget != null) {
            for (String id : members.keySet()) {
                group.setTargetAssignment(id, newTarget.getOrDefault(id, Map.of()));
            }
        } else if (replaced != null) {
            group.setTargetAssignment(memberId, inheritedTarget);
        }
        group.setEpochs(groupEpoch, assignmentEpoch);
        group.setSubscribedTopics(subscribedTopics);
        if (changed) {
            records.add(ConsumerGroupRecords.record(group));
        }

        scheduleSessionTimeout(groupId, memberId);
        if (!reconciled.equals(updated)) {
            if (reconciled.state() == MemberState.UNREVOKED_PARTITIONS) {
                scheduleRebalanceTimeout(groupId, reconciled);
            } else {
                timers.cancelRebalance(groupId, memberId);
            }
        }

        ConsumerGroupHeartbeatResponseData response = new ConsumerGroupHeartbeatResponseData().setMemberId(memberId)
                .setMemberEpoch(reconciled.memberEpoch()).setHeartbeatIntervalMs(config.consumerHeartbeatIntervalMs());
        boolean fullRequest = joining || data.rebalanceTimeoutMs() != -1 && data.topicPartitions() != null
                && (data.subscribedTopicNames() != null || data.subscribedTopicRegex() != null);
        if (fullRequest || !reconciled.assignedPartitions().equals(member.assignedPartitions())) {
            response.setAssignment(Assignments.toResponse(reconciled.assignedPartitions()));
        }
        return new Outcome(records, response);
    }

    /**
     * Rejects a heartbeat whose epoch is not the member's. The previous epoch is accepted from a member
     * that owns no more than its assignment: the response that moved it on may have been lost.
     */
    private static void checkMemberEpoch(ConsumerGroupMember member, int epoch, Map<Uuid, Set<Integer>> owned) {
        if (epoch > member.memberEpoch()) {
            throw new FencedMemberEpochException("The consumer group member has a greater member epoch (" + epoch
                    + ") than the one known by the group coordinator (" + member.memberEpoch() + "). The member must abandon all its partitions and rejoin.");
        }
        if (epoch < member.memberEpoch()
                && (epoch != member.previousMemberEpoch() || owned == null || !Assignments.isSubset(owned, member.assignedPartitions()))) {
            throw new FencedMemberEpochException("The consumer group member has a smaller member epoch (" + epoch
                    + ") than the one known by the group coordinator (" + member.memberEpoch() + "). The member must abandon all its partitions and rejoin.");
        }
    }

    private Map<String, Map<Uuid, Set<Integer>>> computeTargetAssignment(ConsumerGroup group, Collection<ConsumerGroupMember> members,
                                                                       Map<String, AssignmentTopic> subscribedTopics, String memberId,
                                                                       Map<Uuid, Set<Integer>> memberPreviousTarget, int groupEpoch) {
        List<AssignmentMember> assignmentMembers = new ArrayList<>();
        for (ConsumerGroupMember member : members) {
            Map<Uuid, Set<Integer>> previous = member.memberId().equals(memberId) ? memberPreviousTarget : group.targetAssignment(member.memberId());
            assignmentMembers.add(new AssignmentMember(member.memberId(), member.rackId(), subscribedNames(group, member), previous));
        }
        String assignor = assignorName(members);
        try {
            Map<String, Map<Uuid, Set<Integer>>> assignment = PartitionAssignors.byName(assignor)
                    .assign(new AssignmentSpec(assignmentMembers, subscribedTopics));
            log.info("Computed the target assignment of consumer group {} for epoch {} with the {} assignor", group.groupId(), groupEpoch, assignor);
            return assignment;
        } catch (RuntimeException e) {
            log.error("The {} assignor failed for consumer group {} at epoch {}", assignor, group.groupId(), groupEpoch, e);
            throw new UnknownServerException("Failed to compute a new target assignment for epoch " + groupEpoch + ": " + e.getMessage());
        }
    }

    /** The assignor most members ask for (ties go to the earlier one in group.consumer.assignors), else the first configured. */
    private String assignorName(Collection<ConsumerGroupMember> members) {
        Map<String, Integer> counts = new HashMap<>();
        for (ConsumerGroupMember member : members) {
            if (member.serverAssignor() != null) {
                counts.merge(member.serverAssignor(), 1, Integer::sum);
            }
        }
        String best = config.consumerAssignors().get(0);
        int bestCount = 0;
        for (String name : config.consumerAssignors()) {
            int count = counts.getOrDefault(name, 0);
            if (count > bestCount) {
                best = name;
                bestCount = count;
            }
        }
        return best;
    }

    /** The existing topics the members subscribe to, by name or regular expression; the group's topics version must be current. */
    private Map<String, AssignmentTopic> subscribedTopics(ConsumerGroup group, Collection<ConsumerGroupMember> members) {
        Map<String, AssignmentTopic> subscribed = new HashMap<>();
        for (ConsumerGroupMember member : members) {
            for (String name : subscribedNames(group, member)) {
                AssignmentTopic topic = topics.topic(name);
                if (topic != null && topic.partitions() > 0) {
                    subscribed.put(name, topic);
                }
            }
        }
        return subscribed;
    }

    /** The names the member subscribes to, with the non-internal topics its regular expression matches (as a whole). */
    private Set<String> subscribedNames(ConsumerGroup group, ConsumerGroupMember member) {
        if (!member.hasRegex()) {
            return member.subscribedTopicNames();
        }
        Set<String> names = new TreeSet<>(member.subscribedTopicNames());
        names.addAll(group.regexMatches().computeIfAbsent(member.subscribedTopicRegex(), this::matchingTopics));
        return names;
    }

    private Set<String> matchingTopics(String regex) {
        Pattern pattern;
        try {
            pattern = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            return Set.of();
        }
        return topics.topicNames().stream().filter(name -> !TopicNames.isInternal(name) && pattern.matcher(name).matches())
                .collect(Collectors.toUnmodifiableSet());
    }

    // ---- leaving and fencing

    private Outcome leave(ConsumerGroupHeartbeatRequestData data) {
        Group found = groups.get(data.groupId());
        if (!(found instanceof ConsumerGroup group)) {
            throw new GroupIdNotFoundException(found == null ? "Consumer group " + data.groupId() + " not found"
                    : "Group " + data.groupId() + " is not a consumer group");
        }
        ConsumerGroupHeartbeatResponseData response = new ConsumerGroupHeartbeatResponseData().setMemberId(data.memberId())
                .setMemberEpoch(data.memberEpoch());
        if (data.instanceId() == null) {
            if (group.member(data.memberId()) == null) {
                throw new UnknownMemberIdException("Member " + data.memberId() + " is not a member of group " + data.groupId());
            }
            return new Outcome(fence(group, data.memberId(), "it left"), response);
        }
        ConsumerGroupMember member = group.staticMember(data.instanceId());
        if (member == null) {
            throw new UnknownMemberIdException("Instance id " + data.instanceId() + " is unknown.");
        }
        if (!member.memberId().equals(data.memberId())) {
            throw new FencedInstanceIdException("Static member " + data.memberId() + " with instance id " + data.instanceId()
                    + " was fenced by member " + member.memberId());
        }
        if (data.memberEpoch() != ConsumerGroupMember.STATIC_LEAVE_EPOCH) {
            return new Outcome(fence(group, member.memberId(), "it left"), response);
        }
        group.putMember(member.withProgress(ConsumerGroupMember.STATIC_LEAVE_EPOCH, member.previousMemberEpoch(), member.state(),
                member.assignedPartitions(), Map.of()));
        timers.cancelRebalance(group.groupId(), member.memberId());
        log.info("Static member {} ({}) of consumer group {} left for now; it keeps its partitions until its session times out",
                member.instanceId(), member.memberId(), group.groupId());
        return new Outcome(List.of(ConsumerGroupRecords.record(group)), response);
    }

    /** Removes a member: its partitions become free and the group epoch goes up. */
    private List<CoordinatorRecord> fence(ConsumerGroup group, String memberId, String reason) {
        group.removeMember(memberId, context.time().milliseconds());
        timers.cancelAll(group.groupId(), memberId);
        group.setTopicsVersion(topics.version());
        group.setSubscribedTopics(subscribedTopics(group, group.members().values()));
        group.setEpochs(group.groupEpoch() + 1, group.assignmentEpoch());
        log.info("Member {} removed from consumer group {} because {}; group epoch now {}", memberId, group.groupId(), reason, group.groupEpoch());
        return List.of(ConsumerGroupRecords.record(group));
    }

    private void scheduleSessionTimeout(String groupId, String memberId) {
        timers.scheduleSession(groupId, memberId, config.consumerSessionTimeoutMs(), () -> {
            if (groups.get(groupId) instanceof ConsumerGroup group && group.member(memberId) != null) {
                context.append(fence(group, memberId, "its session timed out"));
            }
        });
    }

    private void scheduleRebalanceTimeout(String groupId, ConsumerGroupMember member) {
        String memberId = member.memberId();
        int epoch = member.memberEpoch();
        timers.scheduleRebalance(groupId, memberId, Math.max(0, member.rebalanceTimeoutMs()), () -> {
            if (groups.get(groupId) instanceof ConsumerGroup group && group.member(memberId) != null
                    && group.member(memberId).memberEpoch() == epoch) {
                context.append(fence(group, memberId, "it did not revoke its partitions within its rebalance timeout"));
            }
        });
    }

    /** The records a heartbeat writes and the response it gets once they are durable. */
    private record Outcome(List<CoordinatorRecord> records, ConsumerGroupHeartbeatResponseData response) {
    }

    /** Topic names for topic ids: the group's subscribed topics first, then every topic (looked up once). */
    private final class TopicNamesById {

        private final Map<Uuid, String> names = new HashMap<>();
        private boolean allLoaded;

        TopicNamesById(ConsumerGroup group) {
            group.subscribedTopics().values().forEach(topic -> names.put(topic.id(), topic.name()));
        }

        ConsumerGroupDescribeResponseData.Assignment describe(Map<Uuid, Set<Integer>> assignment) {
            ConsumerGroupDescribeResponseData.Assignment described = new ConsumerGroupDescribeResponseData.Assignment();
            assignment.forEach((topicId, partitions) -> {
                String name = name(topicId);
                if (name != null) {
                    described.topicPartitions().add(new ConsumerGroupDescribeResponseData.TopicPartitions()
                            .setTopicId(topicId).setTopicName(name).setPartitions(List.copyOf(partitions)));
                }
            });
            return described;
        }

        private String name(Uuid topicId) {
            if (!names.containsKey(topicId) && !allLoaded) {
                allLoaded = true;
                for (String name : topics.topicNames()) {
                    AssignmentTopic topic = topics.topic(name);
                    if (topic != null) {
                        names.putIfAbsent(topic.id(), topic.name());
                    }
                }
            }
            return names.get(topicId);
        }
    }
}
