package io.vltava.common.config;

/**
 * A configuration value that is missing, malformed or outside its allowed range. The message is one
 * line that names the key and says what is wrong, fit to show a user as it is.
 *
 * <p>Threading: immutable; safe from any thread.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public static ConfigException invalid(String name, Object value, String reason) {
        return new ConfigException("Invalid value '" + value + "' for configuration '" + name + "': " + reason);
    }
}
