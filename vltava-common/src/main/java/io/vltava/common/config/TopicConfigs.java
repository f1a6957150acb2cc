package io.vltava.common.config;

import static io.vltava.common.config.ConfigType.BOOLEAN;
import static io.vltava.common.config.ConfigType.DOUBLE;
import static io.vltava.common.config.ConfigType.INT;
import static io.vltava.common.config.ConfigType.LIST;
import static io.vltava.common.config.ConfigType.LONG;
import static io.vltava.common.config.ConfigType.STRING;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The topic-level configuration keys Kafka defines, with their types, defaults and validators, and the
 * broker keys ("synonyms") that supply a topic's default when the topic does not override it.
 *
 * <p>Threading: immutable.
 */
public final class TopicConfigs {

    public static final String CLEANUP_POLICY = "cleanup.policy";
    public static final String COMPRESSION_TYPE = "compression.type";
    public static final String COMPRESSION_GZIP_LEVEL = "compression.gzip.level";
    public static final String COMPRESSION_LZ4_LEVEL = "compression.lz4.level";
    public static final String COMPRESSION_ZSTD_LEVEL = "compression.zstd.level";
    public static final String DELETE_RETENTION_MS = "delete.retention.ms";
    public static final String FILE_DELETE_DELAY_MS = "file.delete.delay.ms";
    public static final String FLUSH_MESSAGES = "flush.messages";
    public static final String FLUSH_MS = "flush.ms";
    public static final String FOLLOWER_REPLICATION_THROTTLED_REPLICAS = "follower.replication.throttled.replicas";
    public static final String INDEX_INTERVAL_BYTES = "index.interval.bytes";
    public static final String LEADER_REPLICATION_THROTTLED_REPLICAS = "leader.replication.throttled.replicas";
    public static final String LOCAL_RETENTION_BYTES = "local.retention.bytes";
    public static final String LOCAL_RETENTION_MS = "local.retention.ms";
    public static final String MAX_COMPACTION_LAG_MS = "max.compaction.lag.ms";
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    public static final String MESSAGE_TIMESTAMP_AFTER_MAX_MS = "message.timestamp.after.max.ms";
    public static final String MESSAGE_TIMESTAMP_BEFORE_MAX_MS = "message.timestamp.before.max.ms";
    public static final String MESSAGE_TIMESTAMP_TYPE = "message.timestamp.type";
    public static final String MIN_CLEANABLE_DIRTY_RATIO = "min.cleanable.dirty.ratio";
    public static final String MIN_COMPACTION_LAG_MS = "min.compaction.lag.ms";
    public static final String MIN_IN_SYNC_REPLICAS = "min.insync.replicas";
    public static final String PREALLOCATE = "preallocate";
    public static final String REMOTE_STORAGE_ENABLE = "remote.storage.enable";
    public static final String RETENTION_BYTES = "retention.bytes";
    public static final String RETENTION_MS = "retention.ms";
    public static final String SEGMENT_BYTES = "segment.bytes";
    public static final String SEGMENT_INDEX_BYTES = "segment.index.bytes";
    public static final String SEGMENT_JITTER_MS = "segment.jitter.ms";
    public static final String SEGMENT_MS = "segment.ms";
    public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";

    /** {@code cleanup.policy} values. */
    public static final String CLEANUP_POLICY_DELETE = "delete";
    public static final String CLEANUP_POLICY_COMPACT = "compact";

    private static final String NOT_ENFORCED = " Accepted and reported, not enforced yet.";

    /** Every topic-level key. */
    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(CLEANUP_POLICY, LIST, List.of(CLEANUP_POLICY_DELETE), Validator.listOf(CLEANUP_POLICY_DELETE, CLEANUP_POLICY_COMPACT),
                    "How old log segments go: 'delete' by retention, 'compact' keeping the latest record per key, or both.")
            .define(COMPRESSION_TYPE, STRING, "producer", Validator.oneOf("producer", "uncompressed", "gzip", "snappy", "lz4", "zstd"),
                    "Codec batches are stored with; 'producer' keeps each batch as the producer compressed it.")
            .define(COMPRESSION_GZIP_LEVEL, INT, -1, gzipLevel(), "Level used when the broker compresses with gzip.")
            .define(COMPRESSION_LZ4_LEVEL, INT, 9, Validator.between(1, 17), "Level used when the broker compresses with lz4.")
            .define(COMPRESSION_ZSTD_LEVEL, INT, 3, Validator.between(-131072, 22), "Level used when the broker compresses with zstd.")
            .define(DELETE_RETENTION_MS, LONG, 86_400_000L, Validator.atLeast(0), "How long a tombstone stays in a compacted topic after the first cleaning that keeps it.")
            .define(FILE_DELETE_DELAY_MS, LONG, 60_000L, Validator.atLeast(0), "Delay before the files of a deleted log are removed from disk.")
            .define(FLUSH_MESSAGES, LONG, Long.MAX_VALUE, Validator.atLeast(1),
                    "Fsync the log after this many messages; 1 means a produce is acknowledged only once it is on disk.")
            .define(FLUSH_MS, LONG, Long.MAX_VALUE, Validator.atLeast(0), "Fsync data that has been in the log longer than this.")
            .define(FOLLOWER_REPLICATION_THROTTLED_REPLICAS, LIST, List.of(), "Replicas throttled as followers." + NOT_ENFORCED)
            .define(INDEX_INTERVAL_BYTES, INT, 4096, Validator.atLeast(0), "Bytes of log between two offset index entries.")
            .define(LEADER_REPLICATION_THROTTLED_REPLICAS, LIST, List.of(), "Replicas throttled as leaders." + NOT_ENFORCED)
            .define(LOCAL_RETENTION_BYTES, LONG, -2L, Validator.atLeast(-2), "Local retention by size with tiered storage." + NOT_ENFORCED)
            .define(LOCAL_RETENTION_MS, LONG, -2L, Validator.atLeast(-2), "Local retention by time with tiered storage." + NOT_ENFORCED)
            .define(MAX_COMPACTION_LAG_MS, LONG, Long.MAX_VALUE, Validator.atLeast(1), "A log whose oldest uncleaned record is older than this is cleaned whatever its dirty ratio.")
            .define(MAX_MESSAGE_BYTES, INT, 1_048_588, Validator.atLeast(0), "Largest record batch the topic accepts, in bytes as sent.")
            .define(MESSAGE_TIMESTAMP_AFTER_MAX_MS, LONG, 3_600_000L, Validator.atLeast(0),
                    "How far in the future a CreateTime timestamp may be.")
            .define(MESSAGE_TIMESTAMP_BEFORE_MAX_MS, LONG, Long.MAX_VALUE, Validator.atLeast(0),
                    "How far in the past a CreateTime timestamp may be.")
            .define(MESSAGE_TIMESTAMP_TYPE, STRING, "CreateTime", Validator.oneOf("CreateTime", "LogAppendTime"),
                    "Whose timestamp the log keeps: the producer's (CreateTime) or the broker's (LogAppendTime).")
            .define(MIN_CLEANABLE_DIRTY_RATIO, DOUBLE, 0.5, Validator.between(0, 1), "Share of a compacted log not yet cleaned at which the cleaner cleans it.")
            .define(MIN_COMPACTION_LAG_MS, LONG, 0L, Validator.atLeast(0), "Records younger than this (by their segment's newest timestamp) are not compacted yet.")
            .define(MIN_IN_SYNC_REPLICAS, INT, 1, Validator.atLeast(1), "Replicas that must have a write before acks=all succeeds.")
            .define(PREALLOCATE, BOOLEAN, false, "Preallocate segment files." + NOT_ENFORCED)
            .define(REMOTE_STORAGE_ENABLE, BOOLEAN, false, "Tiered storage for the topic; not supported.")
            .define(RETENTION_BYTES, LONG, -1L, "Size a partition may grow to before its oldest segments are deleted; -1 for no limit.")
            .define(RETENTION_MS, LONG, 604_800_000L, Validator.atLeast(-1), "How long a segment is kept after its newest record's timestamp; -1 for ever.")
            .define(SEGMENT_BYTES, INT, 1_073_741_824, Validator.atLeast(1_048_576), "Size at which the active segment rolls.")
            .define(SEGMENT_INDEX_BYTES, INT, 10_485_760, Validator.atLeast(4), "Maximum size of a segment's offset index.")
            .define(SEGMENT_JITTER_MS, LONG, 0L, Validator.atLeast(0), "Most a segment's roll by segment.ms is brought forward at random, to spread rolls.")
            .define(SEGMENT_MS, LONG, 604_800_000L, Validator.atLeast(1), "Age (by its first batch's timestamp) at which the active segment rolls on the next append.")
            .define(UNCLEAN_LEADER_ELECTION_ENABLE, BOOLEAN, false, "Allow an out-of-sync replica to become leader." + NOT_ENFORCED);

    /**
     * A broker key that supplies a topic key's default.
     *
     * <p>Threading: immutable; safe from any thread.
     *
     * @param brokerKey the broker key
     * @param unit      the time unit of the broker key's value when it differs from the topic key's
     *                  milliseconds (as for {@code log.retention.hours}); null when both share a unit
     */
    public record Synonym(String brokerKey, TimeUnit unit) {

        /** What a value of the broker key is multiplied by to give the topic key's value. */
        public long factor() {
            return unit == null ? 1 : unit.toMillis(1);
        }
    }

    /**
     * Every topic key's broker synonyms, most specific first, as Kafka maps them: the one table the
     * broker keys that supply topic defaults are defined from (see {@link BrokerConfigs}). Keys absent
     * here have no broker-level default.
     */
    private static final Map<String, List<Synonym>> SYNONYMS = new LinkedHashMap<>();

    static {
        mapTo(CLEANUP_POLICY, "log.cleanup.policy");
        mapTo(COMPRESSION_TYPE, "compression.type");
        mapTo(COMPRESSION_GZIP_LEVEL, "compression.gzip.level");
        mapTo(COMPRESSION_LZ4_LEVEL, "compression.lz4.level");
        mapTo(COMPRESSION_ZSTD_LEVEL, "compression.zstd.level");
        mapTo(DELETE_RETENTION_MS, "log.cleaner.delete.retention.ms");
        mapTo(FILE_DELETE_DELAY_MS, "log.segment.delete.delay.ms");
        mapTo(FLUSH_MESSAGES, "log.flush.interval.messages");
        mapTo(FLUSH_MS, "log.flush.interval.ms", "log.flush.scheduler.interval.ms");
        mapTo(INDEX_INTERVAL_BYTES, "log.index.interval.bytes");
        mapTo(LOCAL_RETENTION_BYTES, "log.local.retention.bytes");
        mapTo(LOCAL_RETENTION_MS, "log.local.retention.ms");
        mapTo(MAX_COMPACTION_LAG_MS, "log.cleaner.max.compaction.lag.ms");
        mapTo(MAX_MESSAGE_BYTES, "message.max.bytes");
        mapTo(MESSAGE_TIMESTAMP_AFTER_MAX_MS, "log.message.timestamp.after.max.ms");
        mapTo(MESSAGE_TIMESTAMP_BEFORE_MAX_MS, "log.message.timestamp.before.max.ms");
        mapTo(MESSAGE_TIMESTAMP_TYPE, "log.message.timestamp.type");
        mapTo(MIN_CLEANABLE_DIRTY_RATIO, "log.cleaner.min.cleanable.ratio");
        mapTo(MIN_COMPACTION_LAG_MS, "log.cleaner.min.compaction.lag.ms");
        mapTo(MIN_IN_SYNC_REPLICAS, "min.insync.replicas");
        mapTo(PREALLOCATE, "log.preallocate");
        mapTo(RETENTION_BYTES, "log.retention.bytes");
        mapTo(RETENTION_MS, new Synonym("log.retention.ms", null), new Synonym("log.retention.minutes", TimeUnit.MINUTES),
                new Synonym("log.retention.hours", TimeUnit.HOURS));
        mapTo(SEGMENT_BYTES, "log.segment.bytes");
        mapTo(SEGMENT_INDEX_BYTES, "log.index.size.max.bytes");
        mapTo(SEGMENT_JITTER_MS, new Synonym("log.roll.jitter.ms", null), new Synonym("log.roll.jitter.hours", TimeUnit.HOURS));
        mapTo(SEGMENT_MS, new Synonym("log.roll.ms", null), new Synonym("log.roll.hours", TimeUnit.HOURS));
        mapTo(UNCLEAN_LEADER_ELECTION_ENABLE, "unclean.leader.election.enable");
    }

    private TopicConfigs() {
    }

    /** The broker keys that can supply {@code topicKey}'s default, most specific first. */
    public static List<Synonym> synonyms(String topicKey) {
        return SYNONYMS.getOrDefault(topicKey, List.of());
    }

    /** Maps {@code topicKey} to broker keys that share its unit, most specific first. */
    private static void mapTo(String topicKey, String... brokerKeys) {
        mapTo(topicKey, Arrays.stream(brokerKeys).map(brokerKey -> new Synonym(brokerKey, null)).toArray(Synonym[]::new));
    }

    private static void mapTo(String topicKey, Synonym... synonyms) {
        if (!DEFINITION.contains(topicKey) || SYNONYMS.put(topicKey, List.of(synonyms)) != null) {
            throw new IllegalStateException("Synonyms of an unknown topic key, or mapped twice: " + topicKey);
        }
    }

    private static Validator gzipLevel() {
        return (name, value) -> {
            int level = (Integer) value;
            if (level != -1 && (level < 1 || level > 9)) {
                throw ConfigException.invalid(name, value, "must be -1 or between 1 and 9");
            }
        };
    }
}
