package io.vltava.metadata.record;

import java.util.UUID;

/**
 * A topic was deleted, with its partitions and configuration.
 *
 * <p>Threading: immutable; safe from any thread.
 */
public record RemoveTopicRecord(UUID topicId) implements MetadataRecord {
}
