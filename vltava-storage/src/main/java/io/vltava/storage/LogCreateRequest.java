package io.vltava.storage;

import io.vltava.common.topic.TopicPartition;
import io.vltava.storage.log.LogConfig;
import java.util.UUID;

/**
 * A log the metadata asks this broker to hold, for {@link LogManager#getOrCreateLogs}: the partition, the
 * id of its topic and the topic's log configuration.
 *
 * <p>Threading: immutable; safe from any thread.
 */
public record LogCreateRequest(TopicPartition topicPartition, UUID topicId, LogConfig config) {
}
