package io.vltava.common.config;

import java.util.Objects;

/**
 * The definition of one configuration key: its name, type, default, validator and documentation.
 *
 * <p>Threading: immutable; safe from any thread (its validator is stateless).
 *
 * @param name          the key, as Kafka spells it
 * @param type          the value's type
 * @param defaultValue  the parsed default, or {@code null} for a key whose default is "not set"
 * @param validator     checks a non-null value
 * @param documentation one or two sentences for the configuration reference
 */
public record ConfigKey(String name, ConfigType type, Object defaultValue, Validator validator, String documentation) {

    public ConfigKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(validator, "validator");
        Objects.requireNonNull(documentation, "documentation");
    }

    /** Parses and validates a user-supplied value for this key. */
    public Object parse(String raw) {
        Object value = type.parse(name, raw);
        validator.ensureValid(name, value);
        return value;
    }

    /** The default rendered as a user would write it, or {@code null}. */
    public String defaultText() {
        return type.format(defaultValue);
    }
}
