package io.vltava.metadata.record;

/**
 * A block of producer ids was handed to a broker; {@code nextProducerId} is the first id not yet
 * handed out, so ids are never given twice, across restarts too.
 *
 * <p>Threading: immutable; safe from any thread.
 */
public record ProducerIdsRecord(int brokerId, long nextProducerId) implements MetadataRecord {
}
