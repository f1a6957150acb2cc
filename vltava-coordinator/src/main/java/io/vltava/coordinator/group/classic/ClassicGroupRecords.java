package io.vltava.coordinator.group.classic;

import io.vltava.coordinator.group.record.GroupRecordType;
import io.vltava.coordinator.group.record.RecordDecoder;
import io.vltava.coordinator.group.record.RecordEncoder;
import io.vltava.coordinator.runtime.CoordinatorRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The record of a classic group in __consumer_offsets: the whole group as of its last stored
 * generation, written when the leader's assignment is stored, when a static member takes a new
 * member id in a Stable group, and when a generation ends with no members.
 *
 * <pre>
 * key:    int16 type (2) | string group
 * value:  int16 version (0) | string protocol type ("" for none) | int32 generation
 *         | string protocol name (null: none) | string leader member id (null: none)
 *         | int64 timestamp the group entered its state (-1: unknown) | int32 member count | member...
 * member: string member id | string group instance id (null: dynamic) | string client id | string client host
 *         | int32 rebalance timeout ms | int32 session timeout ms
 *         | bytes metadata for the chosen protocol | bytes assignment
 * </pre>
 * A tombstone deletes the group.
 *
 * <p>Threading: stateless.
 */
final class ClassicGroupRecords {

    private static final short VERSION = 0;
    private static final int MIN_MEMBER_BYTES = 4 * 2 + 4 * 4;

    private ClassicGroupRecords() {
    }

    /** The group as it is now, with these assignments (every member must have one). */
    static CoordinatorRecord record(ClassicGroup group, Map<String, byte[]> assignments) {
        RecordEncoder value = RecordEncoder.value(VERSION).string(group.protocolType()).int32(group.generationId())
                .string(group.protocolName()).string(group.leaderId()).int64(group.stateTimestampMs()).int32(group.size());
        for (ClassicGroupMember member : group.members()) {
            byte[] assignment = assignments.get(member.memberId());
            if (assignment == null) {
                throw new IllegalStateException("Member " + member.memberId() + " of group " + group.groupId() + " has no assignment to store");
            }
            value.string(member.memberId()).string(member.groupInstanceId()).string(member.clientId()).string(member.clientHost())
                    .int32(member.rebalanceTimeoutMs()).int32(member.sessionTimeoutMs()).bytes(member.metadata(group.protocolName()))
                    .bytes(assignment);
        }
        return new CoordinatorRecord(key(group.groupId()), value.toByteArray());
    }

    static CoordinatorRecord tombstone(String groupId) {
        return CoordinatorRecord.tombstone(key(groupId));
    }

    private static byte[] key(String groupId) {
        return RecordEncoder.key(GroupRecordType.CLASSIC_GROUP).string(groupId).toByteArray();
    }

    /** A group as a record stored it. */
    record StoredGroup(String protocolType, int generationId, String protocolName, String leaderId, long stateTimestampMs,
                       List<StoredMember> members) {
    }

    /** A member as a record stored it. */
    record StoredMember(String memberId, String groupInstanceId, String clientId, String clientHost, int rebalanceTimeoutMs,
                        int sessionTimeoutMs, byte[] metadata, byte[] assignment) {
    }

    static StoredGroup readValue(byte[] value) {
        RecordDecoder decoder = new RecordDecoder(value);
        short version = decoder.int16();
        if (version != VERSION) {
            throw new IllegalStateException("Unknown classic group record version " + version);
        }
        String protocolType = decoder.string();
        int generationId = decoder.int32();
        String protocolName = decoder.string();
        String leaderId = decoder.string();
        long stateTimestampMs = decoder.int64();
        int count = decoder.count(MIN_MEMBER_BYTES);
        List<StoredMember> members = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            members.add(new StoredMember(decoder.string(), decoder.string(), decoder.string(), decoder.string(), decoder.int32(),
                    decoder.int32(), decoder.bytes(), decoder.bytes()));
        }
        decoder.end();
        if (!members.isEmpty() && protocolName == null) {
            throw new IllegalStateException("A classic group record has members but no protocol");
        }
        return new StoredGroup(protocolType, generationId, protocolName, leaderId, stateTimestampMs, members);
    }
}
