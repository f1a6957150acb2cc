package io.vltava.metadata.record;

/**
 * A configuration key of a resource was set, or removed when {@code value} is null.
 *
 * <p>Threading: immutable; safe from any thread.
 *
 * @param resourceType the resource's type
 * @param resourceName a topic name, or a broker id ("" for the cluster-wide broker default)
 * @param name         the configuration key
 * @param value        the new value, or null to go back to the default
 */
public record ConfigRecord(ConfigResourceType resourceType, String resourceName, String name, String value) implements MetadataRecord {
}
