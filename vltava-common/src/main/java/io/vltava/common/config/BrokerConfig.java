package io.vltava.common.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A broker's parsed and validated configuration: every key of {@link BrokerConfigs#DEFINITION} with
 * its value, the text the user gave for the keys they set, and typed views of the values the broker
 * needs.
 *
 * <p>Threading: immutable.
 */
public final class BrokerConfig {

    /** The security protocols Kafka knows, by the names Kafka gives them. */
    private static final List<String> SECURITY_PROTOCOLS = List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");

    private final Map<String, String> originals;
    private final Map<String, Object> values;

    private BrokerConfig(Map<String, String> originals, Map<String, Object> values) {
        this.originals = Collections.unmodifiableMap(new LinkedHashMap<>(originals));
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * Parses user-supplied values. Keys the definition does not know are left out (the caller reports
     * them); a bad value or an inconsistent combination throws {@link ConfigException}.
     */
    public static BrokerConfig parse(Map<String, String> raw) {
        Map<String, String> known = new LinkedHashMap<>();
        raw.forEach((key, value) -> {
            if (BrokerConfigs.DEFINITION.contains(key)) {
                known.put(key, value);
            }
        });
        BrokerConfig config = new BrokerConfig(known, BrokerConfigs.DEFINITION.parse(known));
        config.validate();
        return config;
    }

    private void validate() {
        int brokerId = getInt(BrokerConfigs.BROKER_ID);
        if (brokerId != -1 && brokerId != nodeId()) {
            throw ConfigException.invalid(BrokerConfigs.BROKER_ID, brokerId, "must equal node.id (" + nodeId() + ") when set");
        }
        List<String> roles = getList(BrokerConfigs.PROCESS_ROLES);
        if (!roles.contains("broker") || !roles.contains("controller")) {
            throw ConfigException.invalid(BrokerConfigs.PROCESS_ROLES, String.join(",", roles),
                    "Vltava runs the broker and controller roles together; use broker,controller");
        }
        Map<String, String> protocols = securityProtocols();
        for (Endpoint endpoint : listeners()) {
            String protocol = protocols.get(endpoint.listenerName());
            if (protocol == null) {
                throw ConfigException.invalid(BrokerConfigs.LISTENERS, endpoint,
                        "listener " + endpoint.listenerName() + " has no entry in listener.security.protocol.map");
            }
            if (!protocol.equals("PLAINTEXT")) {
                throw ConfigException.invalid(BrokerConfigs.LISTENERS, endpoint,
                        "security protocol " + protocol + " is not supported yet; use PLAINTEXT");
            }
        }
        if (clientListeners().isEmpty()) {
            throw ConfigException.invalid(BrokerConfigs.LISTENERS, String.join(",", getList(BrokerConfigs.LISTENERS)),
                    "needs at least one listener that is not a controller listener");
        }
        controllerListener();
        for (Endpoint endpoint : advertisedListeners()) {
            if (endpoint.host().isEmpty() || endpoint.host().equals("0.0.0.0") || endpoint.host().equals("::")) {
                throw ConfigException.invalid(BrokerConfigs.ADVERTISED_LISTENERS, endpoint,
                        "clients cannot connect to an empty or wildcard host; give a name or address");
            }
            if (clientListeners().stream().noneMatch(l -> l.listenerName().equals(endpoint.listenerName()))) {
                throw ConfigException.invalid(BrokerConfigs.ADVERTISED_LISTENERS, endpoint,
                        "listener " + endpoint.listenerName() + " is not among the client listeners");
            }
        }
        if (logDirs().isEmpty()) {
            throw ConfigException.invalid(BrokerConfigs.LOG_DIRS, "", "at least one log directory is needed");
        }
    }

    /** The text the user set for each known key. */
    public Map<String, String> originals() {
        return originals;
    }

    /** Whether the user set {@code key}. */
    public boolean isSet(String key) {
        return originals.containsKey(key);
    }

    /** The parsed value of {@code key} (its default when unset); null for unset keys without default. */
    public Object get(String key) {
        if (!values.containsKey(key)) {
            throw new IllegalArgumentException("Unknown broker configuration key " + key);
        }
        return values.get(key);
    }

    public int getInt(String key) {
        return (Integer) get(key);
    }

    public long getLong(String key) {
        return (Long) get(key);
    }

    public double getDouble(String key) {
        return (Double) get(key);
    }

    public boolean getBoolean(String key) {
        return (Boolean) get(key);
    }

    public String getString(String key) {
        return (String) get(key);
    }

    @SuppressWarnings("unchecked")
    public List<String> getList(String key) {
        return (List<String>) get(key);
    }

    public int nodeId() {
        return getInt(BrokerConfigs.NODE_ID);
    }

    /** Every endpoint in {@code listeners}, controller listeners included. */
    public List<Endpoint> listeners() {
        List<Endpoint> endpoints = new ArrayList<>();
        for (String text : getList(BrokerConfigs.LISTENERS)) {
            endpoints.add(Endpoint.parse(BrokerConfigs.LISTENERS, text));
        }
        return endpoints;
    }

    /** The listeners clients connect to: every listener but the controller's. */
    public List<Endpoint> clientListeners() {
        List<String> controllerNames = controllerListenerNames();
        return listeners().stream().filter(e -> !controllerNames.contains(e.listenerName())).toList();
    }

    /** The listener the metadata quorum uses. */
    public Endpoint controllerListener() {
        List<String> names = controllerListenerNames();
        return listeners().stream()
                .filter(e -> e.listenerName().equals(names.get(0)))
                .findFirst()
                .orElseThrow(() -> ConfigException.invalid(BrokerConfigs.CONTROLLER_LISTENER_NAMES, names.get(0),
                        "no listener with that name in listeners"));
    }

    /** The endpoints published to clients; the client listeners unless {@code advertised.listeners} is set. */
    public List<Endpoint> advertisedListeners() {
        List<String> advertised = getList(BrokerConfigs.ADVERTISED_LISTENERS);
        if (advertised == null) {
            return clientListeners().stream().map(BrokerConfig::advertisable).toList();
        }
        List<String> controllerNames = controllerListenerNames();
        List<Endpoint> endpoints = new ArrayList<>();
        for (String text : advertised) {
            Endpoint endpoint = Endpoint.parse(BrokerConfigs.ADVERTISED_LISTENERS, text);
            if (!controllerNames.contains(endpoint.listenerName())) {
                endpoints.add(endpoint);
            }
        }
        return endpoints;
    }

    /** A bound address as clients should be told it: a wildcard host becomes this machine's loopback name. */
    private static Endpoint advertisable(Endpoint endpoint) {
        if (endpoint.host().isEmpty() || endpoint.host().equals("0.0.0.0") || endpoint.host().equals("::")) {
            return new Endpoint(endpoint.listenerName(), "localhost", endpoint.port());
        }
        return endpoint;
    }

    private List<String> controllerListenerNames() {
        return getList(BrokerConfigs.CONTROLLER_LISTENER_NAMES).stream().map(n -> n.toUpperCase(Locale.ROOT)).toList();
    }

    /**
     * Listener name to security protocol, from {@code listener.security.protocol.map}, both upper-cased:
     * as in Kafka, listener names and protocol names are read without regard to case.
     */
    public Map<String, String> securityProtocols() {
        Map<String, String> map = new LinkedHashMap<>();
        for (String entry : getList(BrokerConfigs.LISTENER_SECURITY_PROTOCOL_MAP)) {
            int colon = entry.indexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw ConfigException.invalid(BrokerConfigs.LISTENER_SECURITY_PROTOCOL_MAP, entry, "expected NAME:PROTOCOL");
            }
            String protocol = entry.substring(colon + 1).trim().toUpperCase(Locale.ROOT);
            if (!SECURITY_PROTOCOLS.contains(protocol)) {
                throw ConfigException.invalid(BrokerConfigs.LISTENER_SECURITY_PROTOCOL_MAP, entry,
                        "unknown security protocol; expected one of " + String.join(", ", SECURITY_PROTOCOLS));
            }
            map.put(entry.substring(0, colon).trim().toUpperCase(Locale.ROOT), protocol);
        }
        return map;
    }

    /** Where the Prometheus metrics endpoint listens, from {@code metrics.listener}; empty when it is turned off. */
    public Optional<Endpoint> metricsListener() {
        String text = getString(BrokerConfigs.METRICS_LISTENER);
        return text == null || text.isEmpty() ? Optional.empty() : Optional.of(Endpoint.parseHttp(BrokerConfigs.METRICS_LISTENER, text));
    }

    /** The log directories: {@code log.dirs}, or {@code log.dir} when that is not set. */
    public List<Path> logDirs() {
        List<String> dirs = getList(BrokerConfigs.LOG_DIRS);
        if (dirs == null) {
            return List.of(Path.of(getString(BrokerConfigs.LOG_DIR)));
        }
        return dirs.stream().map(Path::of).toList();
    }

    /** Where the metadata log lives: {@code metadata.log.dir}, else the first log directory. */
    public Path metadataLogDir() {
        String dir = getString(BrokerConfigs.METADATA_LOG_DIR);
        return dir != null ? Path.of(dir) : logDirs().get(0);
    }

    public int numNetworkThreads() {
        Object threads = get(BrokerConfigs.NUM_NETWORK_THREADS);
        return threads != null ? (Integer) threads : Runtime.getRuntime().availableProcessors();
    }

    /**
     * The broker-level default of a topic key: from the first of its synonyms the user set, else the
     * first synonym with a default, else the topic key's own default.
     */
    public TopicDefault topicDefault(String topicKey) {
        ConfigKey key = TopicConfigs.DEFINITION.key(topicKey)
                .orElseThrow(() -> new IllegalArgumentException("Unknown topic configuration key " + topicKey));
        List<TopicConfigs.Synonym> synonyms = TopicConfigs.synonyms(topicKey);
        for (TopicConfigs.Synonym synonym : synonyms) {
            if (isSet(synonym.brokerKey())) {
                return new TopicDefault(convert(key, get(synonym.brokerKey()), synonym.factor()), synonym.brokerKey());
            }
        }
        for (TopicConfigs.Synonym synonym : synonyms) {
            Object value = get(synonym.brokerKey());
            if (value != null) {
                return new TopicDefault(convert(key, value, synonym.factor()), null);
            }
        }
        return new TopicDefault(key.defaultValue(), null);
    }

    /** Every topic key mapped to its broker-level default value. */
    public Map<String, Object> topicDefaults() {
        Map<String, Object> defaults = new LinkedHashMap<>();
        for (ConfigKey key : TopicConfigs.DEFINITION.keys()) {
            defaults.put(key.name(), topicDefault(key.name()).value());
        }
        return defaults;
    }

    private static Object convert(ConfigKey topicKey, Object value, long factor) {
        if (value instanceof Number number) {
            return switch (topicKey.type()) {
                case LONG -> saturatedMultiply(number.longValue(), factor);
                case INT -> (int) saturatedMultiply(number.longValue(), factor);
                default -> value;
            };
        }
        return value;
    }

    private static long saturatedMultiply(long value, long factor) {
        if (value < 0) {
            return value;
        }
        long high = Math.multiplyHigh(value, factor);
        long product = value * factor;
        return high != 0 || product < 0 ? Long.MAX_VALUE : product;
    }

    /**
     * A topic key's broker-level default.
     *
     * <p>Threading: immutable; safe from any thread.
     *
     * @param value     the default value, typed as the topic key
     * @param brokerKey the broker key the user set that supplied it, or null when it is a built-in default
     */
    public record TopicDefault(Object value, String brokerKey) {
    }
}
