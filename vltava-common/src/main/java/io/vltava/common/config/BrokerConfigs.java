package io.vltava.common.config;

import static io.vltava.common.config.ConfigType.BOOLEAN;
import static io.vltava.common.config.ConfigType.DOUBLE;
import static io.vltava.common.config.ConfigType.INT;
import static io.vltava.common.config.ConfigType.LIST;
import static io.vltava.common.config.ConfigType.LONG;
import static io.vltava.common.config.ConfigType.STRING;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The broker configuration keys Vltava reads from {@code server.properties}, with Kafka's names and
 * defaults wherever Kafka has the key. The keys that supply topic defaults are defined from the synonym
 * table of {@link TopicConfigs}, with their topic keys' types and validators, so that a bad broker-level
 * default is refused at start-up as the same value would be for a topic.
 *
 * <p>Threading: immutable.
 */
public final class BrokerConfigs {

    public static final String PROCESS_ROLES = "process.roles";
    public static final String NODE_ID = "node.id";
    public static final String BROKER_ID = "broker.id";
    public static final String LISTENERS = "listeners";
    public static final String ADVERTISED_LISTENERS = "advertised.listeners";
    public static final String LISTENER_SECURITY_PROTOCOL_MAP = "listener.security.protocol.map";
    public static final String CONTROLLER_LISTENER_NAMES = "controller.listener.names";
    public static final String CONTROLLER_QUORUM_VOTERS = "controller.quorum.voters";
    public static final String INTER_BROKER_LISTENER_NAME = "inter.broker.listener.name";
    public static final String LOG_DIRS = "log.dirs";
    public static final String LOG_DIR = "log.dir";
    public static final String METADATA_LOG_DIR = "metadata.log.dir";
    public static final String BROKER_RACK = "broker.rack";
    public static final String NUM_PARTITIONS = "num.partitions";
    public static final String DEFAULT_REPLICATION_FACTOR = "default.replication.factor";
    public static final String AUTO_CREATE_TOPICS_ENABLE = "auto.create.topics.enable";
    public static final String DELETE_TOPIC_ENABLE = "delete.topic.enable";
    public static final String SOCKET_REQUEST_MAX_BYTES = "socket.request.max.bytes";
    public static final String SOCKET_SEND_BUFFER_BYTES = "socket.send.buffer.bytes";
    public static final String SOCKET_RECEIVE_BUFFER_BYTES = "socket.receive.buffer.bytes";
    public static final String NUM_NETWORK_THREADS = "num.network.threads";
    public static final String CONNECTIONS_MAX_IDLE_MS = "connections.max.idle.ms";
    public static final String MAX_CONNECTIONS = "max.connections";
    public static final String MAX_CONNECTIONS_PER_IP = "max.connections.per.ip";
    public static final String MAX_CONNECTIONS_PER_IP_OVERRIDES = "max.connections.per.ip.overrides";
    public static final String QUEUED_MAX_REQUESTS = "queued.max.requests";
    public static final String QUEUED_MAX_REQUEST_BYTES = "queued.max.request.bytes";
    public static final String SOCKET_REQUEST_ARRIVAL_TIMEOUT_MS = "socket.request.arrival.timeout.ms";
    public static final String FETCH_MAX_BYTES = "fetch.max.bytes";
    public static final String OFFSETS_TOPIC_NUM_PARTITIONS = "offsets.topic.num.partitions";
    public static final String OFFSETS_TOPIC_REPLICATION_FACTOR = "offsets.topic.replication.factor";
    public static final String OFFSETS_TOPIC_SEGMENT_BYTES = "offsets.topic.segment.bytes";
    public static final String OFFSETS_RETENTION_MINUTES = "offsets.retention.minutes";
    public static final String OFFSETS_RETENTION_CHECK_INTERVAL_MS = "offsets.retention.check.interval.ms";
    public static final String OFFSET_METADATA_MAX_BYTES = "offset.metadata.max.bytes";
    public static final String GROUP_COORDINATOR_THREADS = "group.coordinator.threads";
    public static final String TRANSACTION_STATE_LOG_NUM_PARTITIONS = "transaction.state.log.num.partitions";
    public static final String TRANSACTION_STATE_LOG_REPLICATION_FACTOR = "transaction.state.log.replication.factor";
    public static final String TRANSACTION_STATE_LOG_SEGMENT_BYTES = "transaction.state.log.segment.bytes";
    public static final String TRANSACTION_STATE_LOG_MIN_ISR = "transaction.state.log.min.isr";
    public static final String TRANSACTION_MAX_TIMEOUT_MS = "transaction.max.timeout.ms";
    public static final String TRANSACTIONAL_ID_EXPIRATION_MS = "transactional.id.expiration.ms";
    public static final String TRANSACTION_ABORT_TIMED_OUT_TRANSACTION_CLEANUP_INTERVAL_MS = "transaction.abort.timed.out.transaction.cleanup.interval.ms";
    public static final String TRANSACTION_REMOVE_EXPIRED_TRANSACTION_CLEANUP_INTERVAL_MS = "transaction.remove.expired.transaction.cleanup.interval.ms";
    public static final String GROUP_COORDINATOR_REBALANCE_PROTOCOLS = "group.coordinator.rebalance.protocols";
    public static final String GROUP_MIN_SESSION_TIMEOUT_MS = "group.min.session.timeout.ms";
    public static final String GROUP_MAX_SESSION_TIMEOUT_MS = "group.max.session.timeout.ms";
    public static final String GROUP_INITIAL_REBALANCE_DELAY_MS = "group.initial.rebalance.delay.ms";
    public static final String GROUP_MAX_SIZE = "group.max.size";
    public static final String GROUP_CONSUMER_SESSION_TIMEOUT_MS = "group.consumer.session.timeout.ms";
    public static final String GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS = "group.consumer.heartbeat.interval.ms";
    public static final String GROUP_CONSUMER_MAX_SIZE = "group.consumer.max.size";
    public static final String GROUP_CONSUMER_ASSIGNORS = "group.consumer.assignors";
    public static final String GROUP_CONSUMER_MIGRATION_POLICY = "group.consumer.migration.policy";
    public static final String MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS = "max.incremental.fetch.session.cache.slots";
    public static final String PRODUCER_ID_EXPIRATION_MS = "producer.id.expiration.ms";
    public static final String PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS = "producer.id.expiration.check.interval.ms";
    public static final String LOG_FLUSH_SCHEDULER_INTERVAL_MS = "log.flush.scheduler.interval.ms";
    public static final String LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS = "log.flush.offset.checkpoint.interval.ms";
    public static final String LOG_RETENTION_CHECK_INTERVAL_MS = "log.retention.check.interval.ms";
    public static final String LOG_DIR_MIN_FREE_BYTES = "log.dir.min.free.bytes";
    public static final String LOG_DIR_FREE_SPACE_CHECK_INTERVAL_MS = "log.dir.free.space.check.interval.ms";
    public static final String LOG_CLEANER_ENABLE = "log.cleaner.enable";
    public static final String LOG_CLEANER_THREADS = "log.cleaner.threads";
    public static final String LOG_CLEANER_DEDUPE_BUFFER_SIZE = "log.cleaner.dedupe.buffer.size";
    public static final String LOG_CLEANER_IO_BUFFER_SIZE = "log.cleaner.io.buffer.size";
    public static final String LOG_CLEANER_IO_MAX_BYTES_PER_SECOND = "log.cleaner.io.max.bytes.per.second";
    public static final String LOG_CLEANER_BACKOFF_MS = "log.cleaner.backoff.ms";
    public static final String METRICS_LISTENER = "metrics.listener";
    public static final String QUOTA_WINDOW_NUM = "quota.window.num";
    public static final String QUOTA_WINDOW_SIZE_SECONDS = "quota.window.size.seconds";

    /** Kafka keys that name a mechanism Vltava does not have; accepted with a note, never an error. */
    public static final Map<String, String> WITHOUT_EFFECT = Map.of(
            "num.io.threads", "requests are handled on the network threads",
            "num.recovery.threads.per.data.dir", "logs are loaded and recovered by one thread per CPU core, and closed by 8 threads, across all log directories",
            "background.threads", "background work runs on one scheduler thread, fsyncs on up to 8 threads per log directory",
            "controller.quorum.bootstrap.servers", "the metadata quorum is set by controller.quorum.voters",
            "socket.listen.backlog.size", "the accept backlog is fixed",
            "num.replica.fetchers", "replication is not available yet",
            "replica.fetch.max.bytes", "replication is not available yet",
            "replica.lag.time.max.ms", "replication is not available yet");

    /** Every broker key Vltava knows. */
    public static final ConfigDef DEFINITION = withTopicDefaults(new ConfigDef()
            .define(PROCESS_ROLES, LIST, List.of("broker", "controller"), Validator.listOf("broker", "controller"),
                    "Roles of this node; Vltava runs both in one process.")
            .define(NODE_ID, INT, 1, Validator.atLeast(0), "Id of this node in the cluster.")
            .define(BROKER_ID, INT, -1, Validator.atLeast(-1), "Older name of node.id; if set, it must equal node.id.")
            .define(LISTENERS, LIST, List.of("PLAINTEXT://127.0.0.1:9092", "CONTROLLER://127.0.0.1:9093"), Validator.nonEmptyList(),
                    "Addresses to listen on, as NAME://host:port; an empty host listens on every interface.")
            .define(ADVERTISED_LISTENERS, LIST, null,
                    "Addresses given to clients in Metadata responses; defaults to the client listeners.")
            .define(LISTENER_SECURITY_PROTOCOL_MAP, LIST,
                    List.of("PLAINTEXT:PLAINTEXT", "CONTROLLER:PLAINTEXT", "SSL:SSL", "SASL_PLAINTEXT:SASL_PLAINTEXT", "SASL_SSL:SASL_SSL"),
                    "Security protocol of each listener name; Vltava serves PLAINTEXT so far.")
            .define(CONTROLLER_LISTENER_NAMES, LIST, List.of("CONTROLLER"), Validator.nonEmptyList(),
                    "Listener names used by the metadata quorum; never advertised to clients.")
            .define(CONTROLLER_QUORUM_VOTERS, LIST, List.of(),
                    "Members of the metadata quorum as id@host:port; defaults to this node on its controller listener.")
            .define(INTER_BROKER_LISTENER_NAME, STRING, null,
                    "Listener brokers would use to talk to each other; no effect while replication is not available.")
            .define(LOG_DIRS, LIST, null, "Directories holding the logs; overrides log.dir.")
            .define(LOG_DIR, STRING, "data", "Directory holding the logs when log.dirs is not set.")
            .define(METADATA_LOG_DIR, STRING, null, "Directory of the metadata log; defaults to the first log directory.")
            .define(BROKER_RACK, STRING, null, "Rack of this broker, reported to clients.")
            .define(NUM_PARTITIONS, INT, 1, Validator.atLeast(1), "Partitions of a topic created without a partition count.")
            .define(DEFAULT_REPLICATION_FACTOR, INT, 1, Validator.atLeast(1), "Replication factor of a topic created without one.")
            .define(AUTO_CREATE_TOPICS_ENABLE, BOOLEAN, true, "Create a topic when a client asks for the metadata of one that does not exist.")
            .define(DELETE_TOPIC_ENABLE, BOOLEAN, true, "Allow topics to be deleted.")
            .define(SOCKET_REQUEST_MAX_BYTES, INT, 104_857_600, Validator.atLeast(1), "Largest request accepted; a larger size prefix closes the connection.")
            .define(SOCKET_SEND_BUFFER_BYTES, INT, -1, Validator.atLeast(-1),
                    "SO_SNDBUF of client connections; -1 (unlike Kafka's 102400) lets the system size it, which is faster.")
            .define(SOCKET_RECEIVE_BUFFER_BYTES, INT, -1, Validator.atLeast(-1),
                    "SO_RCVBUF of client connections; -1 (unlike Kafka's 102400) lets the system size it, which is faster.")
            .define(NUM_NETWORK_THREADS, INT, null, Validator.atLeast(1), "Threads serving connections and requests; defaults to the number of CPU cores.")
            .define(CONNECTIONS_MAX_IDLE_MS, LONG, 600_000L, Validator.atLeast(1), "Close connections idle for this long.")
            .define(MAX_CONNECTIONS, INT, Integer.MAX_VALUE, Validator.atLeast(0),
                    "Most client connections the broker holds; at the limit it stops accepting, and new connections wait in the "
                            + "accept backlog until one closes.")
            .define(MAX_CONNECTIONS_PER_IP, INT, Integer.MAX_VALUE, Validator.atLeast(0),
                    "Most client connections from one address; a connection above it is closed as soon as it is accepted.")
            .define(MAX_CONNECTIONS_PER_IP_OVERRIDES, LIST, List.of(), BrokerConfigs::validatePerIpOverrides,
                    "Per-address exceptions to max.connections.per.ip, as host:count pairs (a host name or an IP address).")
            .define(QUEUED_MAX_REQUESTS, INT, 500, Validator.atLeast(1),
                    "Most requests read and not yet answered, across the broker; at the limit every connection stops reading "
                            + "until responses are sent. Each connection also stops at 100 of its own.")
            .define(QUEUED_MAX_REQUEST_BYTES, LONG, -1L, Validator.atLeast(-1),
                    "Most bytes of requests read and not yet answered, across the broker; -1 for no bound. At the limit every "
                            + "connection stops reading; a single request larger than the bound is still taken when the broker is below it.")
            .define(SOCKET_REQUEST_ARRIVAL_TIMEOUT_MS, LONG, 30_000L, Validator.atLeast(1),
                    "Not in Kafka. Longest time a request may take to arrive once part of it has: a connection trickling a request "
                            + "in slower than this is closed (unless the broker itself has stopped reading it).")
            .define(OFFSETS_TOPIC_NUM_PARTITIONS, INT, 50, Validator.atLeast(1),
                    "Partitions of __consumer_offsets, which is created on first use; a group belongs to one of them by its id's hash.")
            .define(OFFSETS_TOPIC_REPLICATION_FACTOR, INT, 3, Validator.atLeast(1),
                    "Replicas of each partition of __consumer_offsets; unlike Kafka, at most as many as there are brokers when it is created.")
            .define(OFFSETS_TOPIC_SEGMENT_BYTES, INT, 104_857_600, Validator.atLeast(1), "segment.bytes of __consumer_offsets.")
            .define(OFFSETS_RETENTION_MINUTES, INT, 10_080, Validator.atLeast(1),
                    "How long the committed offsets of a group live once it has no members (counted from when it emptied, or from the commit if later).")
            .define(OFFSETS_RETENTION_CHECK_INTERVAL_MS, LONG, 600_000L, Validator.atLeast(1), "How often expired offsets and empty groups are looked for.")
            .define(OFFSET_METADATA_MAX_BYTES, INT, 4096, Validator.atLeast(0), "Longest metadata string of a committed offset.")
            .define(GROUP_COORDINATOR_THREADS, INT, 4, Validator.atLeast(1), "Threads of the group coordinator; each partition of __consumer_offsets runs on one.")
            .define(TRANSACTION_STATE_LOG_NUM_PARTITIONS, INT, 50, Validator.atLeast(1),
                    "Partitions of __transaction_state, which is created on first use; a transactional id belongs to one of them by its hash.")
            .define(TRANSACTION_STATE_LOG_REPLICATION_FACTOR, INT, 3, Validator.atLeast(1),
                    "Replicas of each partition of __transaction_state; unlike Kafka, at most as many as there are brokers when it is created.")
            .define(TRANSACTION_STATE_LOG_SEGMENT_BYTES, INT, 104_857_600, Validator.atLeast(1), "segment.bytes of __transaction_state.")
            .define(TRANSACTION_STATE_LOG_MIN_ISR, INT, 2, Validator.atLeast(1),
                    "min.insync.replicas of __transaction_state; at most its replication factor.")
            .define(TRANSACTION_MAX_TIMEOUT_MS, INT, 900_000, Validator.atLeast(1),
                    "Longest transaction.timeout.ms a transactional producer may ask for; longer gets INVALID_TRANSACTION_TIMEOUT.")
            .define(TRANSACTIONAL_ID_EXPIRATION_MS, INT, 604_800_000, Validator.atLeast(1),
                    "How long a transactional id with no transaction in progress is remembered after its last use.")
            .define(TRANSACTION_ABORT_TIMED_OUT_TRANSACTION_CLEANUP_INTERVAL_MS, INT, 10_000, Validator.atLeast(1),
                    "How often transactions older than their timeout are looked for and aborted.")
            .define(TRANSACTION_REMOVE_EXPIRED_TRANSACTION_CLEANUP_INTERVAL_MS, INT, 3_600_000, Validator.atLeast(1),
                    "How often expired transactional ids are looked for and removed.")
            .define(GROUP_COORDINATOR_REBALANCE_PROTOCOLS, LIST, List.of("classic", "consumer"), Validator.listOf("classic", "consumer"),
                    "Rebalance protocols served: classic (JoinGroup/SyncGroup) and consumer (KIP-848 ConsumerGroupHeartbeat); classic is always on.")
            .define(GROUP_MIN_SESSION_TIMEOUT_MS, INT, 6_000, Validator.atLeast(1), "Shortest session.timeout.ms a classic group member may ask for.")
            .define(GROUP_MAX_SESSION_TIMEOUT_MS, INT, 1_800_000, Validator.atLeast(1), "Longest session.timeout.ms a classic group member may ask for.")
            .define(GROUP_INITIAL_REBALANCE_DELAY_MS, INT, 3_000, Validator.atLeast(0),
                    "How long the first rebalance of an empty classic group waits for more members to join.")
            .define(GROUP_MAX_SIZE, INT, Integer.MAX_VALUE, Validator.atLeast(1), "Most members of a classic group.")
            .define(GROUP_CONSUMER_SESSION_TIMEOUT_MS, INT, 45_000, Validator.atLeast(1),
                    "How long a member of a consumer group (group.protocol=consumer) may go without heartbeating before it is removed.")
            .define(GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS, INT, 5_000, Validator.atLeast(1), "How often members of a consumer group heartbeat.")
            .define(GROUP_CONSUMER_MAX_SIZE, INT, Integer.MAX_VALUE, Validator.atLeast(1), "Most members of a consumer group.")
            .define(GROUP_CONSUMER_ASSIGNORS, LIST, List.of("uniform", "range"), Validator.listOf("uniform", "range"),
                    "Server-side assignors of consumer groups; the first is used when a member names none.")
            .define(GROUP_CONSUMER_MIGRATION_POLICY, STRING, "bidirectional", Validator.oneOf("disabled", "upgrade", "downgrade", "bidirectional"),
                    "Whether an empty classic group may become a consumer group (upgrade), the reverse (downgrade), both, or neither.")
            .define(FETCH_MAX_BYTES, INT, 57_671_680, Validator.atLeast(1024), "Largest fetch response, whatever the client asks for.")
            .define(MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS, INT, 1000, Validator.atLeast(0), "Incremental fetch sessions kept at once.")
            .define(QUOTA_WINDOW_NUM, INT, 11, Validator.atLeast(1),
                    "Samples a client's byte rate is measured over, for producer_byte_rate and consumer_byte_rate quotas.")
            .define(QUOTA_WINDOW_SIZE_SECONDS, INT, 1, Validator.atLeast(1), "Length of each sample of a client's byte rate, in seconds.")
            .define(PRODUCER_ID_EXPIRATION_MS, INT, 86_400_000, Validator.atLeast(1), "Forget an idempotent producer's state after this long without writes.")
            .define(PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS, INT, 600_000, Validator.atLeast(1),
                    "How often producers idle for longer than producer.id.expiration.ms are looked for and forgotten.")
            .define(LOG_FLUSH_SCHEDULER_INTERVAL_MS, LONG, Long.MAX_VALUE, Validator.atLeast(1),
                    "How often logs are checked against flush.ms; also the default of flush.ms when log.flush.interval.ms is not set.")
            .define(LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS, INT, 60_000, Validator.atLeast(1), "How often recovery points are written to disk.")
            .define(LOG_RETENTION_CHECK_INTERVAL_MS, LONG, 300_000L, Validator.atLeast(1),
                    "How often logs are checked for segments to delete by retention.ms, retention.bytes and DeleteRecords.")
            .define(LOG_DIR_MIN_FREE_BYTES, LONG, 67_108_864L, Validator.atLeast(0),
                    "Not in Kafka. The logs of a directory with less free space than this refuse appends (producers get "
                            + "KAFKA_STORAGE_ERROR and retry) until space is freed, instead of filling the disk; 0 turns the check off.")
            .define(LOG_DIR_FREE_SPACE_CHECK_INTERVAL_MS, LONG, 1_000L, Validator.atLeast(1),
                    "Not in Kafka. How often the free space of each log directory is checked against log.dir.min.free.bytes.")
            .define(LOG_CLEANER_ENABLE, BOOLEAN, true, "Run the log cleaner, which compacts topics with cleanup.policy=compact.")
            .define(LOG_CLEANER_THREADS, INT, 1, Validator.atLeast(0), "Threads cleaning compacted logs.")
            .define(LOG_CLEANER_DEDUPE_BUFFER_SIZE, LONG, 134_217_728L, Validator.atLeast(0),
                    "Memory for the key maps of the cleaner threads together; bounds how much of a log one cleaning covers.")
            .define(LOG_CLEANER_IO_BUFFER_SIZE, INT, 524_288, Validator.atLeast(0), "Memory for the read and write buffers of the cleaner threads together.")
            .define(LOG_CLEANER_IO_MAX_BYTES_PER_SECOND, DOUBLE, Double.MAX_VALUE,
                    "Bytes per second the cleaner threads may read and write together.")
            .define(LOG_CLEANER_BACKOFF_MS, LONG, 15_000L, Validator.atLeast(0), "Pause of a cleaner thread when no log needs cleaning.")
            .define(METRICS_LISTENER, STRING, "http://127.0.0.1:9644", BrokerConfigs::validateMetricsListener,
                    "Not in Kafka. Address of the Prometheus metrics endpoint (GET /metrics), as http://host:port; an empty host "
                            + "listens on every interface, port 0 picks a free port, and an empty value turns the endpoint off."));

    private BrokerConfigs() {
    }

    /** Parses {@code max.connections.per.ip.overrides}: host:count pairs, the count a non-negative int. */
    public static Map<String, Integer> perIpOverrides(List<?> pairs) {
        Map<String, Integer> overrides = new LinkedHashMap<>();
        for (Object pair : pairs) {
            String text = pair.toString().trim();
            int colon = text.lastIndexOf(':');
            String host = colon < 0 ? "" : text.substring(0, colon).trim();
            int count;
            try {
                count = colon < 0 ? -1 : Integer.parseInt(text.substring(colon + 1).trim());
            } catch (NumberFormatException e) {
                count = -1;
            }
            if (host.isEmpty() || count < 0) {
                throw ConfigException.invalid(MAX_CONNECTIONS_PER_IP_OVERRIDES, text, "each entry must be host:count with a count of at least 0");
            }
            overrides.put(host, count);
        }
        return overrides;
    }

    private static void validatePerIpOverrides(String name, Object value) {
        perIpOverrides((List<?>) value);
    }

    private static void validateMetricsListener(String name, Object value) {
        if (!value.toString().isEmpty()) {
            Endpoint.parseHttp(name, value.toString());
        }
    }

    /**
     * Adds the broker keys that supply topic defaults, from {@link TopicConfigs#synonyms}: each takes its
     * topic key's type, validator and documentation; the least specific synonym of a key also takes its
     * default (converted to the synonym's unit), while the more specific ones have none, so that they
     * only count when set. A synonym already defined (because it also tunes the broker itself) is kept.
     */
    private static ConfigDef withTopicDefaults(ConfigDef definition) {
        for (ConfigKey topicKey : TopicConfigs.DEFINITION.keys()) {
            List<TopicConfigs.Synonym> synonyms = TopicConfigs.synonyms(topicKey.name());
            for (int i = 0; i < synonyms.size(); i++) {
                TopicConfigs.Synonym synonym = synonyms.get(i);
                if (definition.contains(synonym.brokerKey())) {
                    continue;
                }
                boolean leastSpecific = i == synonyms.size() - 1;
                definition.define(synonym.brokerKey(), synonym.unit() == null ? topicKey.type() : INT,
                        leastSpecific ? defaultInUnit(topicKey, synonym) : null, topicKey.validator(),
                        synonymDocumentation(topicKey, synonyms, i));
            }
        }
        return definition;
    }

    private static Object defaultInUnit(ConfigKey topicKey, TopicConfigs.Synonym synonym) {
        if (synonym.unit() == null) {
            return topicKey.defaultValue();
        }
        long millis = (Long) topicKey.defaultValue();
        if (millis % synonym.factor() != 0) {
            throw new IllegalStateException("The default of " + topicKey.name() + " is not a whole number of " + synonym.unit());
        }
        return Math.toIntExact(millis / synonym.factor());
    }

    /** For example "Default of retention.ms (in minutes; overrides log.retention.hours). How long data is kept ...". */
    private static String synonymDocumentation(ConfigKey topicKey, List<TopicConfigs.Synonym> synonyms, int index) {
        List<String> notes = new ArrayList<>();
        TopicConfigs.Synonym synonym = synonyms.get(index);
        if (synonym.unit() != null) {
            notes.add("in " + synonym.unit().name().toLowerCase(Locale.ROOT));
        }
        if (index < synonyms.size() - 1) {
            List<String> lessSpecific = synonyms.subList(index + 1, synonyms.size()).stream().map(TopicConfigs.Synonym::brokerKey).toList();
            notes.add("overrides " + String.join(" and ", lessSpecific));
        }
        String qualified = notes.isEmpty() ? "" : " (" + String.join("; ", notes) + ")";
        return "Default of " + topicKey.name() + qualified + ". " + topicKey.documentation();
    }
}
