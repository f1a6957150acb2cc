package io.vltava.broker.config;

import io.vltava.common.config.BrokerConfig;
import io.vltava.common.config.ConfigException;
import io.vltava.common.config.ConfigKey;
import io.vltava.common.config.TopicConfigs;
import io.vltava.metadata.image.ConfigResource;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.record.ConfigResourceType;
import io.vltava.protocol.records.TopicWriteRules;
import io.vltava.storage.log.LogConfig;
import io.vltava.storage.log.TimestampType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves a topic's effective configuration: its own overrides from the metadata image, else the
 * broker's default for the key (through the key's broker synonyms), else the key's built-in default.
 *
 * <p>Threading: immutable; safe from any thread.
 */
public final class TopicConfigResolver {

    private static final Logger log = LoggerFactory.getLogger(TopicConfigResolver.class);

    private final BrokerConfig brokerConfig;
    private final Map<String, Object> brokerDefaults;

    public TopicConfigResolver(BrokerConfig brokerConfig) {
        this.brokerConfig = brokerConfig;
        this.brokerDefaults = brokerConfig.topicDefaults();
    }

    public BrokerConfig brokerConfig() {
        return brokerConfig;
    }

    /** The topic's overrides, as set through CreateTopics and AlterConfigs. */
    public static Map<String, String> overrides(MetadataImage image, String topic) {
        return image.configs(new ConfigResource(ConfigResourceType.TOPIC, topic));
    }

    /**
     * Every topic key mapped to its effective value given a topic's overrides. An override the
     * definition no longer accepts (stored before a validator became stricter, such as
     * {@code compression.type=GZIP} before values became case-sensitive) is ignored with a warning,
     * so that it cannot keep the topic's partitions, or the broker, from loading.
     */
    public Map<String, Object> effectiveValues(Map<String, String> overrides) {
        Map<String, Object> values = new LinkedHashMap<>(brokerDefaults);
        overrides.forEach((key, text) -> {
            Optional<ConfigKey> definition = TopicConfigs.DEFINITION.key(key);
            if (definition.isEmpty()) {
                return;
            }
            try {
                values.put(key, definition.get().parse(text));
            } catch (ConfigException e) {
                log.warn("Ignoring a stored topic override that is no longer valid, the default applies: {}", e.getMessage());
            }
        });
        return values;
    }

    /** The settings of {@code topic} in the forms the log and the produce path use. */
    public TopicSettings settings(MetadataImage image, String topic) {
        return settings(effectiveValues(overrides(image, topic)));
    }

    static TopicSettings settings(Map<String, Object> values) {
        TimestampType timestampType = TimestampType.forConfig((String) values.get(TopicConfigs.MESSAGE_TIMESTAMP_TYPE));
        @SuppressWarnings("unchecked")
        List<String> cleanupPolicy = (List<String>) values.get(TopicConfigs.CLEANUP_POLICY);
        LogConfig logConfig = LogConfig.builder()
                .segmentBytes((Integer) values.get(TopicConfigs.SEGMENT_BYTES))
                .segmentMs((Long) values.get(TopicConfigs.SEGMENT_MS))
                .segmentJitterMs((Long) values.get(TopicConfigs.SEGMENT_JITTER_MS))
                .segmentIndexBytes((Integer) values.get(TopicConfigs.SEGMENT_INDEX_BYTES))
                .indexIntervalBytes((Integer) values.get(TopicConfigs.INDEX_INTERVAL_BYTES))
                .flushMessages((Long) values.get(TopicConfigs.FLUSH_MESSAGES))
                .flushMs((Long) values.get(TopicConfigs.FLUSH_MS))
                .timestampType(timestampType)
                .fileDeleteDelayMs((Long) values.get(TopicConfigs.FILE_DELETE_DELAY_MS))
                .retentionMs((Long) values.get(TopicConfigs.RETENTION_MS))
                .retentionBytes((Long) values.get(TopicConfigs.RETENTION_BYTES))
                .cleanupPolicy(cleanupPolicy.contains(TopicConfigs.CLEANUP_POLICY_DELETE),
                        cleanupPolicy.contains(TopicConfigs.CLEANUP_POLICY_COMPACT))
                .deleteRetentionMs((Long) values.get(TopicConfigs.DELETE_RETENTION_MS))
                .minCleanableDirtyRatio((Double) values.get(TopicConfigs.MIN_CLEANABLE_DIRTY_RATIO))
                .minCompactionLagMs((Long) values.get(TopicConfigs.MIN_COMPACTION_LAG_MS))
                .maxCompactionLagMs((Long) values.get(TopicConfigs.MAX_COMPACTION_LAG_MS))
                .preallocate((Boolean) values.get(TopicConfigs.PREALLOCATE))
                .build();
        String compressionType = (String) values.get(TopicConfigs.COMPRESSION_TYPE);
        TopicWriteRules rules = new TopicWriteRules(
                (Integer) values.get(TopicConfigs.MAX_MESSAGE_BYTES),
                cleanupPolicy.contains(TopicConfigs.CLEANUP_POLICY_COMPACT),
                timestampType == TimestampType.LOG_APPEND_TIME,
                (Long) values.get(TopicConfigs.MESSAGE_TIMESTAMP_BEFORE_MAX_MS),
                (Long) values.get(TopicConfigs.MESSAGE_TIMESTAMP_AFTER_MAX_MS),
                compressionType,
                compressionLevel(compressionType, values));
        return new TopicSettings(logConfig, rules, (Integer) values.get(TopicConfigs.MIN_IN_SYNC_REPLICAS));
    }

    private static Integer compressionLevel(String compressionType, Map<String, Object> values) {
        return switch (compressionType) {
            case "gzip" -> (Integer) values.get(TopicConfigs.COMPRESSION_GZIP_LEVEL);
            case "lz4" -> (Integer) values.get(TopicConfigs.COMPRESSION_LZ4_LEVEL);
            case "zstd" -> (Integer) values.get(TopicConfigs.COMPRESSION_ZSTD_LEVEL);
            default -> null;
        };
    }
}
