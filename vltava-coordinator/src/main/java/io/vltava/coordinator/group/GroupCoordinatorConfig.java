package io.vltava.coordinator.group;

import java.util.List;

/**
 * The group coordinator's settings, under Kafka's broker config names.
 *
 * @param offsetsTopicPartitions           offsets.topic.num.partitions: partitions of __consumer_offsets
 * @param offsetMetadataMaxBytes           offset.metadata.max.bytes: longest metadata string of a committed offset
 * @param offsetsRetentionMs               offsets.retention.minutes, in ms: how long an empty group's offsets live
 * @param offsetsRetentionCheckIntervalMs  offsets.retention.check.interval.ms
 * @param classicMinSessionTimeoutMs       group.min.session.timeout.ms
 * @param classicMaxSessionTimeoutMs       group.max.session.timeout.ms
 * @param initialRebalanceDelayMs          group.initial.rebalance.delay.ms: how long the first rebalance of an empty classic group waits for more members
 * @param classicMaxSize                   group.max.size: most members of a classic group
 * @param consumerSessionTimeoutMs         group.consumer.session.timeout.ms
 * @param consumerHeartbeatIntervalMs      group.consumer.heartbeat.interval.ms
 * @param consumerMaxSize                  group.consumer.max.size: most members of a consumer group
 * @param consumerAssignors                group.consumer.assignors: server-side assignors, the first the default
 * @param consumerMigrationPolicy          group.consumer.migration.policy: disabled, upgrade, downgrade or bidirectional
 * @param consumerProtocolEnabled          whether group.coordinator.rebalance.protocols includes "consumer"
 */
public record GroupCoordinatorConfig(int offsetsTopicPartitions, int offsetMetadataMaxBytes, long offsetsRetentionMs,
                                     long offsetsRetentionCheckIntervalMs, int classicMinSessionTimeoutMs, int classicMaxSessionTimeoutMs,
                                     int initialRebalanceDelayMs, int classicMaxSize, int consumerSessionTimeoutMs,
                                     int consumerHeartbeatIntervalMs, int consumerMaxSize, List<String> consumerAssignors,
                                     String consumerMigrationPolicy, boolean consumerProtocolEnabled) {

    /** Kafka's defaults, for tests. */
    public static GroupCoordinatorConfig defaults() {
        return new GroupCoordinatorConfig(50, 4096, 7L * 24 * 60 * 60 * 1000, 600_000L, 6_000, 1_800_000, 3_000, Integer.MAX_VALUE,
                45_000, 5_000, Integer.MAX_VALUE, List.of("uniform", "range"), "bidirectional", true);
    }
}
