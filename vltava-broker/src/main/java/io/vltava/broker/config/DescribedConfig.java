package io.vltava.broker.config;

import io.vltava.common.config.ConfigType;
import java.util.List;

/**
 * One configuration entry as DescribeConfigs and CreateTopics report it.
 *
 * <p>Threading: a value, not changed once built; safe from any thread.
 *
 * @param name          the key
 * @param value         the effective value as text, or null when unset
 * @param source        Kafka's config source code (1 topic, 4 static broker, 5 default)
 * @param readOnly      whether it can be altered
 * @param synonyms      where the value could come from, most specific first
 * @param type          the value's type
 * @param documentation what the key does
 */
public record DescribedConfig(String name, String value, byte source, boolean readOnly, List<Synonym> synonyms, ConfigType type,
                              String documentation) {

    public static final byte SOURCE_TOPIC = 1;
    public static final byte SOURCE_STATIC_BROKER = 4;
    public static final byte SOURCE_DEFAULT = 5;

    /**
     * A place a value may come from: a key, its value there, and the source kind.
     *
     * <p>Threading: immutable; safe from any thread.
     */
    public record Synonym(String name, String value, byte source) {
    }
}
