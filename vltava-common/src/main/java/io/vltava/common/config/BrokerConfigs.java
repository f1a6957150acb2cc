package io.vltava.common.config;

import static io.vltava.common.config.ConfigType.BOOLEAN;
import static io.vltava.common.config.ConfigType.DOUBLE;
import static io.vltava.common.config.ConfigType.INT;
import static io.vltava.common.config.ConfigType.LIST;
import static io.vltava.common.config.ConfigType.LONG;
import static io.vltava.common.config.ConfigType.STRING;

import java.util.List;
import java.util.Map;

/**
 * The broker configuration keys Vltava reads from {@code server.properties}, with Kafka's names and
 * defaults wherever Kafka has the key. Keys that only supply topic defaults are listed here too, so
 * that they are validated and reported like Kafka's.
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
    public static final String MESSAGE_MAX_BYTES = "message.max.bytes";
    public static final String SOCKET_REQUEST_MAX_BYTES = "socket.request.max.bytes";
    public static final String SOCKET_SEND_BUFFER_BYTES = "socket.send.buffer.bytes";
    public static final String SOCKET_RECEIVE_BUFFER_BYTES = "socket.receive.buffer.bytes";
    public static final String NUM_NETWORK_THREADS = "num.network.threads";
    public static final String CONNECTIONS_MAX_IDLE_MS = "connections.max.idle.ms";
    public static final String FETCH_MAX_BYTES = "fetch.max.bytes";
    public static final String MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS = "max.incremental.fetch.session.cache.slots";
    public static final String PRODUCER_ID_EXPIRATION_MS = "producer.id.expiration.ms";
    public static final String LOG_FLUSH_INTERVAL_MESSAGES = "log.flush.interval.messages";
    public static final String LOG_FLUSH_INTERVAL_MS = "log.flush.interval.ms";
    public static final String LOG_FLUSH_SCHEDULER_INTERVAL_MS = "log.flush.scheduler.interval.ms";
    public static final String LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS = "log.flush.offset.checkpoint.interval.ms";
    public static final String LOG_SEGMENT_BYTES = "log.segment.bytes";
    public static final String LOG_SEGMENT_DELETE_DELAY_MS = "log.segment.delete.delay.ms";
    public static final String LOG_INDEX_SIZE_MAX_BYTES = "log.index.size.max.bytes";
    public static final String LOG_INDEX_INTERVAL_BYTES = "log.index.interval.bytes";
    public static final String LOG_MESSAGE_TIMESTAMP_TYPE = "log.message.timestamp.type";

    /** Kafka keys that name a mechanism Vltava does not have; accepted with a note, never an error. */
    public static final Map<String, String> WITHOUT_EFFECT = Map.of(
            "num.io.threads", "requests are handled on the network threads",
            "num.recovery.threads.per.data.dir", "logs are recovered by one thread per log directory",
            "background.threads", "background work runs on a fixed small pool",
            "queued.max.requests", "each connection bounds its own queue",
            "controller.quorum.bootstrap.servers", "the metadata quorum is set by controller.quorum.voters",
            "socket.listen.backlog.size", "the accept backlog is fixed",
            "num.replica.fetchers", "replication is not available yet",
            "replica.fetch.max.bytes", "replication is not available yet",
            "replica.lag.time.max.ms", "replication is not available yet");

    /** Every broker key Vltava knows. */
    public static final ConfigDef DEFINITION = new ConfigDef()
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
            .define(INTER_BROKER_LISTENER_NAME, STRING, null, "Listener brokers use to talk to each other.")
            .define(LOG_DIRS, LIST, null, "Directories holding the logs; overrides log.dir.")
            .define(LOG_DIR, STRING, "data", "Directory holding the logs when log.dirs is not set.")
            .define(METADATA_LOG_DIR, STRING, null, "Directory of the metadata log; defaults to the first log directory.")
            .define(BROKER_RACK, STRING, null, "Rack of this broker, reported to clients.")
            .define(NUM_PARTITIONS, INT, 1, Validator.atLeast(1), "Partitions of a topic created without a partition count.")
            .define(DEFAULT_REPLICATION_FACTOR, INT, 1, Validator.atLeast(1), "Replication factor of a topic created without one.")
            .define(AUTO_CREATE_TOPICS_ENABLE, BOOLEAN, true, "Create a topic when a client asks for the metadata of one that does not exist.")
            .define(DELETE_TOPIC_ENABLE, BOOLEAN, true, "Allow topics to be deleted.")
            .define(MESSAGE_MAX_BYTES, INT, 1_048_588, Validator.atLeast(0), "Largest record batch a topic accepts unless it sets max.message.bytes.")
            .define(SOCKET_REQUEST_MAX_BYTES, INT, 104_857_600, Validator.atLeast(1), "Largest request accepted; a larger size prefix closes the connection.")
            .define(SOCKET_SEND_BUFFER_BYTES, INT, -1, Validator.atLeast(-1),
                    "SO_SNDBUF of client connections; -1 (unlike Kafka's 102400) lets the system size it, which is faster.")
            .define(SOCKET_RECEIVE_BUFFER_BYTES, INT, -1, Validator.atLeast(-1),
                    "SO_RCVBUF of client connections; -1 (unlike Kafka's 102400) lets the system size it, which is faster.")
            .define(NUM_NETWORK_THREADS, INT, null, Validator.atLeast(1), "Threads serving connections and requests; defaults to the number of CPU cores.")
            .define(CONNECTIONS_MAX_IDLE_MS, LONG, 600_000L, Validator.atLeast(1), "Close connections idle for this long.")
            .define(FETCH_MAX_BYTES, INT, 57_671_680, Validator.atLeast(1024), "Largest fetch response, whatever the client asks for.")
            .define(MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS, INT, 1000, Validator.atLeast(0), "Incremental fetch sessions kept at once.")
            .define(PRODUCER_ID_EXPIRATION_MS, INT, 86_400_000, Validator.atLeast(1), "Forget an idempotent producer's state after this long without writes.")
            .define(LOG_FLUSH_INTERVAL_MESSAGES, LONG, Long.MAX_VALUE, Validator.atLeast(1),
                    "Default of flush.messages: fsync after this many messages; 1 makes every acknowledgement durable.")
            .define(LOG_FLUSH_INTERVAL_MS, LONG, null, Validator.atLeast(0), "Default of flush.ms; falls back to log.flush.scheduler.interval.ms.")
            .define(LOG_FLUSH_SCHEDULER_INTERVAL_MS, LONG, Long.MAX_VALUE, Validator.atLeast(0), "How often logs are checked for time-based flushing.")
            .define(LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS, INT, 60_000, Validator.atLeast(0), "How often recovery points are written to disk.")
            .define(LOG_SEGMENT_BYTES, INT, 1_073_741_824, Validator.atLeast(1_048_576), "Default of segment.bytes.")
            .define(LOG_SEGMENT_DELETE_DELAY_MS, LONG, 60_000L, Validator.atLeast(0), "Default of file.delete.delay.ms.")
            .define(LOG_INDEX_SIZE_MAX_BYTES, INT, 10_485_760, Validator.atLeast(4), "Default of segment.index.bytes.")
            .define(LOG_INDEX_INTERVAL_BYTES, INT, 4096, Validator.atLeast(0), "Default of index.interval.bytes.")
            .define(LOG_MESSAGE_TIMESTAMP_TYPE, STRING, "CreateTime", Validator.oneOf("CreateTime", "LogAppendTime"), "Default of message.timestamp.type.")
            .define("log.message.timestamp.before.max.ms", LONG, Long.MAX_VALUE, Validator.atLeast(0), "Default of message.timestamp.before.max.ms.")
            .define("log.message.timestamp.after.max.ms", LONG, 3_600_000L, Validator.atLeast(0), "Default of message.timestamp.after.max.ms.")
            .define("compression.type", STRING, "producer", Validator.oneOf("producer", "uncompressed", "gzip", "snappy", "lz4", "zstd"),
                    "Default of the topic compression.type.")
            .define("compression.gzip.level", INT, -1, "Default of compression.gzip.level.")
            .define("compression.lz4.level", INT, 9, Validator.between(1, 17), "Default of compression.lz4.level.")
            .define("compression.zstd.level", INT, 3, Validator.between(-131072, 22), "Default of compression.zstd.level.")
            .define("min.insync.replicas", INT, 1, Validator.atLeast(1), "Default of min.insync.replicas.")
            .define("unclean.leader.election.enable", BOOLEAN, false, "Default of unclean.leader.election.enable.")
            .define("log.cleanup.policy", LIST, List.of("delete"), Validator.listOf("delete", "compact"), "Default of cleanup.policy.")
            .define("log.retention.ms", LONG, null, Validator.atLeast(-1), "Default of retention.ms; overrides log.retention.minutes and .hours.")
            .define("log.retention.minutes", INT, null, Validator.atLeast(-1), "Default of retention.ms in minutes; overrides log.retention.hours.")
            .define("log.retention.hours", INT, 168, Validator.atLeast(-1), "Default of retention.ms in hours.")
            .define("log.retention.bytes", LONG, -1L, "Default of retention.bytes.")
            .define("log.retention.check.interval.ms", LONG, 300_000L, Validator.atLeast(1), "How often retention is checked.")
            .define("log.roll.ms", LONG, null, Validator.atLeast(1), "Default of segment.ms; overrides log.roll.hours.")
            .define("log.roll.hours", INT, 168, Validator.atLeast(1), "Default of segment.ms in hours.")
            .define("log.roll.jitter.ms", LONG, null, Validator.atLeast(0), "Default of segment.jitter.ms; overrides log.roll.jitter.hours.")
            .define("log.roll.jitter.hours", INT, 0, Validator.atLeast(0), "Default of segment.jitter.ms in hours.")
            .define("log.preallocate", BOOLEAN, false, "Default of preallocate.")
            .define("log.cleaner.delete.retention.ms", LONG, 86_400_000L, Validator.atLeast(0), "Default of delete.retention.ms.")
            .define("log.cleaner.min.cleanable.ratio", DOUBLE, 0.5, Validator.between(0, 1), "Default of min.cleanable.dirty.ratio.")
            .define("log.cleaner.min.compaction.lag.ms", LONG, 0L, Validator.atLeast(0), "Default of min.compaction.lag.ms.")
            .define("log.cleaner.max.compaction.lag.ms", LONG, Long.MAX_VALUE, Validator.atLeast(1), "Default of max.compaction.lag.ms.")
            .define("log.local.retention.ms", LONG, -2L, Validator.atLeast(-2), "Default of local.retention.ms.")
            .define("log.local.retention.bytes", LONG, -2L, Validator.atLeast(-2), "Default of local.retention.bytes.");

    private BrokerConfigs() {
    }
}
