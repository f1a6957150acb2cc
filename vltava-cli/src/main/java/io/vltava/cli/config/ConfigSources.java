package io.vltava.cli.config;

import java.util.Locale;
import org.apache.kafka.clients.admin.ConfigEntry;

/**
 * Names where a configuration value comes from, in the words {@code topic describe} and
 * {@code config get} print.
 *
 * <p>Threading: stateless.
 */
public final class ConfigSources {

    private ConfigSources() {
    }

    public static String label(ConfigEntry.ConfigSource source) {
        return switch (source) {
            case DYNAMIC_TOPIC_CONFIG -> "topic";
            case DYNAMIC_BROKER_CONFIG, DYNAMIC_DEFAULT_BROKER_CONFIG, DYNAMIC_BROKER_LOGGER_CONFIG -> "broker (dynamic)";
            case STATIC_BROKER_CONFIG -> "broker";
            case DEFAULT_CONFIG -> "default";
            default -> source.name().toLowerCase(Locale.ROOT);
        };
    }
}
