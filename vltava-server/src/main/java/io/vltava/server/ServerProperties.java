package io.vltava.server;

import io.vltava.common.config.BrokerConfig;
import io.vltava.common.config.BrokerConfigs;
import io.vltava.common.config.ConfigException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a broker's configuration: {@code server.properties} (Java properties syntax, Kafka's key
 * names) with {@code --override key=value} on top, parsed into a {@link BrokerConfig}. Unknown keys are
 * reported and ignored; Kafka keys that mean nothing to Vltava are noted; a bad value stops start-up
 * with a {@link ConfigException} naming the key.
 *
 * <p>Threading: stateless.
 */
public final class ServerProperties {

    private static final Logger log = LoggerFactory.getLogger(ServerProperties.class);

    private ServerProperties() {
    }

    /**
     * @param file      the properties file, or null for defaults only
     * @param overrides {@code key=value} strings applied after the file
     */
    public static BrokerConfig load(Path file, List<String> overrides) {
        Map<String, String> raw = new LinkedHashMap<>();
        if (file != null) {
            raw.putAll(readFile(file));
        }
        for (String override : overrides) {
            int eq = override.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("Invalid override '" + override + "': expected key=value");
            }
            raw.put(override.substring(0, eq).trim(), override.substring(eq + 1).trim());
        }
        return parse(raw);
    }

    /** Parses raw values, reporting keys that are unknown or without effect. */
    public static BrokerConfig parse(Map<String, String> raw) {
        List<String> unknown = new ArrayList<>();
        for (String key : BrokerConfigs.DEFINITION.unknownKeys(raw)) {
            String reason = BrokerConfigs.WITHOUT_EFFECT.get(key);
            if (reason != null) {
                log.info("Configuration '{}' has no effect in Vltava: {}", key, reason);
            } else {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            log.warn("Ignoring unknown configuration keys: {}", String.join(", ", unknown));
        }
        return BrokerConfig.parse(raw);
    }

    private static Map<String, String> readFile(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            throw new ConfigException("Configuration file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException("Cannot read configuration file " + file + ": " + e.getMessage());
        }
        Map<String, String> raw = new LinkedHashMap<>();
        for (String key : properties.stringPropertyNames()) {
            raw.put(key, properties.getProperty(key));
        }
        return raw;
    }
}
