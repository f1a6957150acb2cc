package io.vltava.metadata.controller;

/**
 * Settings the controller applies to admin requests. Immutable; safe from any thread.
 *
 * @param defaultPartitions        partitions of a topic created with -1 ({@code num.partitions})
 * @param defaultReplicationFactor replication factor of a topic created with -1 ({@code default.replication.factor})
 * @param deleteTopicEnable        whether topics may be deleted ({@code delete.topic.enable})
 * @param operationTimeoutMs       how long an operation may wait for its records to commit
 */
public record ControllerConfig(int defaultPartitions, short defaultReplicationFactor, boolean deleteTopicEnable, long operationTimeoutMs) {
}
