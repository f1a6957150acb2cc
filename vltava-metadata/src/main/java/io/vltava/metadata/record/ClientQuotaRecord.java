package io.vltava.metadata.record;

/**
 * A client quota of an entity was set, or removed when {@code value} is null.
 *
 * <p>Threading: immutable; safe from any thread.
 *
 * @param entity who the quota applies to
 * @param key    the quota, e.g. {@code producer_byte_rate}
 * @param value  the new bound, or null to remove it
 */
public record ClientQuotaRecord(QuotaEntity entity, String key, Double value) implements MetadataRecord {
}
