package io.vltava.coordinator.group.classic;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;

/**
 * One member of a classic group: who it is, the protocols it supports, its timeouts, its assignment,
 * and the JoinGroup or SyncGroup request it has parked at the coordinator, if any.
 *
 * <p>Threading: owned by its shard's thread.
 */
final class ClassicGroupMember {

    static final byte[] EMPTY_ASSIGNMENT = new byte[0];
    private static final byte[] NO_METADATA = new byte[0];

    private final String memberId;
    private final String groupInstanceId;
    private final String clientId;
    private final String clientHost;
    private final String protocolType;
    private int rebalanceTimeoutMs;
    private int sessionTimeoutMs;
    private List<MemberProtocol> protocols;
    private byte[] assignment;
    private CompletableFuture<JoinGroupResponseData> awaitingJoin;
    private CompletableFuture<SyncGroupResponseData> awaitingSync;
    private boolean isNew;

    ClassicGroupMember(String memberId, String groupInstanceId, String clientId, String clientHost, int rebalanceTimeoutMs,
                       int sessionTimeoutMs, String protocolType, List<MemberProtocol> protocols, byte[] assignment) {
        this.memberId = memberId;
        this.groupInstanceId = groupInstanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.protocolType = protocolType;
        this.protocols = List.copyOf(protocols);
        this.assignment = assignment;
    }

    String memberId() {
        return memberId;
    }

    /** The group.instance.id of a static member, null for a dynamic one. */
    String groupInstanceId() {
        return groupInstanceId;
    }

    boolean isStatic() {
        return groupInstanceId != null;
    }

    String clientId() {
        return clientId;
    }

    String clientHost() {
        return clientHost;
    }

    String protocolType() {
        return protocolType;
    }

    int rebalanceTimeoutMs() {
        return rebalanceTimeoutMs;
    }

    int sessionTimeoutMs() {
        return sessionTimeoutMs;
    }

    List<MemberProtocol> protocols() {
        return protocols;
    }

    byte[] assignment() {
        return assignment;
    }

    void setAssignment(byte[] assignment) {
        this.assignment = assignment;
    }

    /** Takes the protocols and timeouts of a new JoinGroup. */
    void update(List<MemberProtocol> protocols, int rebalanceTimeoutMs, int sessionTimeoutMs) {
        this.protocols = List.copyOf(protocols);
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
    }

    /** The metadata the member gave for {@code protocolName}. */
    byte[] metadata(String protocolName) {
        for (MemberProtocol protocol : protocols) {
            if (protocol.name().equals(protocolName)) {
                return protocol.metadata();
            }
        }
        throw new IllegalStateException("Member " + memberId + " does not support protocol " + protocolName);
    }

    /** Whether a JoinGroup with these protocols changes nothing (same protocols, same order, same metadata). */
    boolean matches(List<MemberProtocol> other) {
        return protocols.equals(other);
    }

    /** The member's preferred protocol among {@code candidates}: the first of its own list that is one. */
    String vote(Set<String> candidates) {
        for (MemberProtocol protocol : protocols) {
            if (candidates.contains(protocol.name())) {
                return protocol.name();
            }
        }
        throw new IllegalStateException("Member " + memberId + " supports none of " + candidates);
    }

    boolean isAwaitingJoin() {
        return awaitingJoin != null;
    }

    boolean isAwaitingSync() {
        return awaitingSync != null;
    }

    CompletableFuture<JoinGroupResponseData> awaitingJoin() {
        return awaitingJoin;
    }

    void setAwaitingJoin(CompletableFuture<JoinGroupResponseData> future) {
        this.awaitingJoin = future;
    }

    CompletableFuture<SyncGroupResponseData> awaitingSync() {
        return awaitingSync;
    }

    void setAwaitingSync(CompletableFuture<SyncGroupResponseData> future) {
        this.awaitingSync = future;
    }

    /** Marks a member added by a JoinGroup not answered yet: it may expire while parked. */
    void setNew(boolean isNew) {
        this.isNew = isNew;
    }

    /**
     * Whether the member counts as alive when its session timer fires: a member parked in a rebalance
     * is, unless it is new (a new member's client may have given up on its JoinGroup).
     */
    boolean hasSatisfiedHeartbeat() {
        return !isNew && (isAwaitingJoin() || isAwaitingSync());
    }

    /** The member in DescribeGroups; {@code protocolName} null leaves the metadata out. */
    DescribedGroupMember describe(String protocolName) {
        return new DescribedGroupMember().setMemberId(memberId).setGroupInstanceId(groupInstanceId).setClientId(clientId)
                .setClientHost(clientHost).setMemberMetadata(protocolName == null ? NO_METADATA : metadata(protocolName))
                .setMemberAssignment(assignment);
    }

    @Override
    public String toString() {
        return "ClassicGroupMember(" + memberId + (groupInstanceId == null ? "" : ", instance " + groupInstanceId) + ", client "
                + clientId + ", protocols " + protocols + ")";
    }
}
