package io.vltava.common.config;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An ordered set of {@link ConfigKey} definitions, and the parsing of user-supplied text values
 * against them.
 *
 * <p>Threading: build it once, then share it read-only.
 */
public final class ConfigDef {

    private final Map<String, ConfigKey> keys = new LinkedHashMap<>();

    /** Adds a key; its default must itself be valid. */
    public ConfigDef define(String name, ConfigType type, Object defaultValue, Validator validator, String documentation) {
        if (keys.containsKey(name)) {
            throw new IllegalArgumentException("Configuration key defined twice: " + name);
        }
        if (defaultValue != null) {
            validator.ensureValid(name, defaultValue);
        }
        keys.put(name, new ConfigKey(name, type, defaultValue, validator, documentation));
        return this;
    }

    /** Adds a key that accepts any value of its type. */
    public ConfigDef define(String name, ConfigType type, Object defaultValue, String documentation) {
        return define(name, type, defaultValue, Validator.ANY, documentation);
    }

    public Optional<ConfigKey> key(String name) {
        return Optional.ofNullable(keys.get(name));
    }

    public boolean contains(String name) {
        return keys.containsKey(name);
    }

    /** All keys in definition order. */
    public Collection<ConfigKey> keys() {
        return Collections.unmodifiableCollection(keys.values());
    }

    /**
     * Parses the given values of known keys and fills in every other key's default. Keys this
     * definition does not know are ignored; use {@link #unknownKeys(Map)} to report them.
     *
     * @return every defined key mapped to its parsed value (null where unset and without default)
     * @throws ConfigException naming the first invalid value
     */
    public Map<String, Object> parse(Map<String, String> raw) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (ConfigKey key : keys.values()) {
            String text = raw.get(key.name());
            values.put(key.name(), text == null ? key.defaultValue() : key.parse(text));
        }
        return values;
    }

    /** The keys in {@code raw} that this definition does not know. */
    public Collection<String> unknownKeys(Map<String, String> raw) {
        return raw.keySet().stream().filter(k -> !keys.containsKey(k)).sorted().toList();
    }
}
