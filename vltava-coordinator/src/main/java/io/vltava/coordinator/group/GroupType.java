package io.vltava.coordinator.group;

/**
 * The protocol a group's members speak, named as ListGroups and DescribeGroups report it.
 *
 * <p>Threading: immutable.
 */
public enum GroupType {
    /** JoinGroup/SyncGroup/Heartbeat, with the assignment computed by the group's leader. */
    CLASSIC("classic"),
    /** ConsumerGroupHeartbeat (KIP-848), with the assignment computed by the coordinator. */
    CONSUMER("consumer");

    private final String kafkaName;

    GroupType(String kafkaName) {
        this.kafkaName = kafkaName;
    }

    public String kafkaName() {
        return kafkaName;
    }
}
