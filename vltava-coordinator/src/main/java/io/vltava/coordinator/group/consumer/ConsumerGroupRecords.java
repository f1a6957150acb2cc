package io.vltava.coordinator.group.consumer;

import io.vltava.coordinator.group.assignor.AssignmentTopic;
import io.vltava.coordinator.group.record.GroupRecordType;
import io.vltava.coordinator.group.record.RecordDecoder;
import io.vltava.coordinator.group.record.RecordEncoder;
import io.vltava.coordinator.runtime.CoordinatorRecord;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * The record of a consumer group in __consumer_offsets: the whole durable state of the group, written
 * again after every change, so the latest record alone rebuilds it (and compaction keeps just that).
 *
 * <pre>
 * key:   int16 type (3) | string group
 * value: int16 version (0)
 *        | int32 group epoch | int32 assignment epoch | int64 empty since (ms; meaningful only without members)
 *        | int32 topic count, each: uuid topic id | string topic | int32 partitions   (subscribed topics that exist)
 *        | int32 member count, each:
 *            string member id | string instance id (null: dynamic member) | string rack (null) | string client id
 *            | string client host | int32 rebalance timeout ms | string server assignor (null)
 *            | int32 name count, each: string subscribed topic | string subscribed regex (null)
 *            | int32 member epoch | int32 previous member epoch | int16 state (0 stable, 1 unrevoked, 2 unreleased)
 *            | assignment owned | assignment pending revocation | assignment target
 * uuid:       int64 most significant bits | int64 least significant bits
 * assignment: int32 topic count, each: uuid topic id | int32 partition count, each: int32 partition
 * </pre>
 * A tombstone deletes the group (not its offsets).
 *
 * <p>Threading: stateless.
 */
final class ConsumerGroupRecords {

    private static final short VERSION = 0;

    private ConsumerGroupRecords() {
    }

    static CoordinatorRecord record(ConsumerGroup group) {
        RecordEncoder value = RecordEncoder.value(VERSION).int32(group.groupEpoch()).int32(group.assignmentEpoch())
                .int64(group.emptySinceMs() >= 0 ? group.emptySinceMs() : -1L);
        value.int32(group.subscribedTopics().size());
        for (AssignmentTopic topic : group.subscribedTopics().values()) {
            uuid(value, topic.id()).string(topic.name()).int32(topic.partitions());
        }
        value.int32(group.members().size());
        for (ConsumerGroupMember member : group.members().values()) {
            value.string(member.memberId()).string(member.instanceId()).string(member.rackId()).string(member.clientId())
                    .string(member.clientHost()).int32(member.rebalanceTimeoutMs()).string(member.serverAssignor());
            value.int32(member.subscribedTopicNames().size());
            member.subscribedTopicNames().forEach(value::string);
            value.string(member.subscribedTopicRegex()).int32(member.memberEpoch()).int32(member.previousMemberEpoch())
                    .int16(member.state().id());
            assignment(value, member.assignedPartitions());
            assignment(value, member.partitionsPendingRevocation());
            assignment(value, group.targetAssignment(member.memberId()));
        }
        return new CoordinatorRecord(key(group.groupId()), value.toByteArray());
    }

    static CoordinatorRecord tombstone(String groupId) {
        return CoordinatorRecord.tombstone(key(groupId));
    }

    private static byte[] key(String groupId) {
        return RecordEncoder.key(GroupRecordType.CONSUMER_GROUP).string(groupId).toByteArray();
    }

    /** Rebuilds a group from its record's value. */
    static ConsumerGroup read(String groupId, byte[] bytes, MemberTimers timers) {
        RecordDecoder value = new RecordDecoder(bytes);
        short version = value.int16();
        if (version != VERSION) {
            throw new IllegalStateException("Unknown consumer group record version " + version);
        }
        int groupEpoch = value.int32();
        int assignmentEpoch = value.int32();
        ConsumerGroup group = new ConsumerGroup(groupId, timers, value.int64());
        group.setEpochs(groupEpoch, assignmentEpoch);
        Map<String, AssignmentTopic> topics = new HashMap<>();
        for (int i = value.count(22); i > 0; i--) {
            AssignmentTopic topic = new AssignmentTopic(uuid(value), value.string(), value.int32());
            topics.put(topic.name(), topic);
        }
        group.setSubscribedTopics(topics);
        for (int i = value.count(40); i > 0; i--) {
            String memberId = value.string();
            String instanceId = value.string();
            String rackId = value.string();
            String clientId = value.string();
            String clientHost = value.string();
            int rebalanceTimeoutMs = value.int32();
            String serverAssignor = value.string();
            Set<String> names = new TreeSet<>();
            for (int n = value.count(2); n > 0; n--) {
                names.add(value.string());
            }
            String regex = value.string();
            int memberEpoch = value.int32();
            int previousMemberEpoch = value.int32();
            MemberState state = MemberState.of(value.int16());
            Map<Uuid, Set<Integer>> assigned = assignment(value);
            Map<Uuid, Set<Integer>> pendingRevocation = assignment(value);
            Map<Uuid, Set<Integer>> target = assignment(value);
            group.putMember(new ConsumerGroupMember(memberId, instanceId, rackId, clientId, clientHost, rebalanceTimeoutMs,
                    serverAssignor, names, regex, memberEpoch, previousMemberEpoch, state, assigned, pendingRevocation));
            group.setTargetAssignment(memberId, target);
        }
        value.end();
        return group;
    }

    private static RecordEncoder uuid(RecordEncoder encoder, Uuid id) {
        return encoder.int64(id.getMostSignificantBits()).int64(id.getLeastSignificantBits());
    }

    private static Uuid uuid(RecordDecoder decoder) {
        return new Uuid(decoder.int64(), decoder.int64());
    }

    private static void assignment(RecordEncoder encoder, Map<Uuid, Set<Integer>> assignment) {
        encoder.int32(assignment.size());
        assignment.forEach((topicId, partitions) -> {
            uuid(encoder, topicId).int32(partitions.size());
            partitions.forEach(encoder::int32);
        });
    }

    private static Map<Uuid, Set<Integer>> assignment(RecordDecoder decoder) {
        Map<Uuid, Set<Integer>> assignment = new TreeMap<>();
        for (int i = decoder.count(20); i > 0; i--) {
            Uuid topicId = uuid(decoder);
            Set<Integer> partitions = new TreeSet<>();
            for (int n = decoder.count(4); n > 0; n--) {
                partitions.add(decoder.int32());
            }
            assignment.put(topicId, partitions);
        }
        return assignment;
    }
}
