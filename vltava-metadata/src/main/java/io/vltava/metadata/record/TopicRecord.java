package io.vltava.metadata.record;

import java.util.UUID;

/**
 * A topic was created with this name and id. Its partitions follow as {@link PartitionRecord}s.
 *
 * <p>Threading: immutable; safe from any thread.
 */
public record TopicRecord(String name, UUID topicId) implements MetadataRecord {
}
