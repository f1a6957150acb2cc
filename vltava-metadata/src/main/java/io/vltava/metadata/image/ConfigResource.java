package io.vltava.metadata.image;

import io.vltava.metadata.record.ConfigResourceType;

/**
 * A resource that has dynamic configuration: a topic by name, or a broker by id ("" for all brokers).
 *
 * <p>Threading: immutable; safe from any thread.
 */
public record ConfigResource(ConfigResourceType type, String name) {
}
