package io.vltava.broker.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.common.config.BrokerConfig;
import io.vltava.metadata.image.MetadataDelta;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.record.ConfigRecord;
import io.vltava.metadata.record.ConfigResourceType;
import io.vltava.metadata.record.PartitionRecord;
import io.vltava.metadata.record.TopicRecord;
import io.vltava.storage.log.LogConfig;
import io.vltava.storage.log.TimestampType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TopicConfigResolverTest {

    private static TopicConfigResolver resolver(Map<String, String> brokerProps) {
        return new TopicConfigResolver(BrokerConfig.parse(brokerProps));
    }

    private static Object effective(Map<String, String> brokerProps, Map<String, String> overrides, String key) {
        return resolver(brokerProps).effectiveValues(overrides).get(key);
    }

    private static TopicSettings settings(Map<String, String> overrides) {
        return TopicConfigResolver.settings(resolver(Map.of()).effectiveValues(overrides));
    }

    @Test
    void withNothingSetEveryTopicKeyHasKafkasDefault() {
        Map<String, Object> values = resolver(Map.of()).effectiveValues(Map.of());
        assertThat(values).containsEntry("retention.ms", 604_800_000L)
                .containsEntry("segment.bytes", 1_073_741_824)
                .containsEntry("max.message.bytes", 1_048_588)
                .containsEntry("cleanup.policy", List.of("delete"))
                .containsEntry("message.timestamp.type", "CreateTime")
                .containsEntry("min.insync.replicas", 1)
                .containsEntry("file.delete.delay.ms", 60_000L)
                .containsEntry("remote.storage.enable", false);
    }

    @Test
    void brokerSynonymsSupplyDefaultsInTheTopicKeysUnit() {
        assertThat(effective(Map.of("log.retention.hours", "1"), Map.of(), "retention.ms")).isEqualTo(3_600_000L);
        assertThat(effective(Map.of("log.retention.minutes", "5"), Map.of(), "retention.ms")).isEqualTo(300_000L);
        assertThat(effective(Map.of("log.roll.hours", "2"), Map.of(), "segment.ms")).isEqualTo(7_200_000L);
        assertThat(effective(Map.of("log.segment.bytes", "2097152"), Map.of(), "segment.bytes")).isEqualTo(2_097_152);
        assertThat(effective(Map.of("message.max.bytes", "5000"), Map.of(), "max.message.bytes")).isEqualTo(5000);
        assertThat(effective(Map.of("log.segment.delete.delay.ms", "0"), Map.of(), "file.delete.delay.ms")).isEqualTo(0L);
        assertThat(effective(Map.of("log.cleanup.policy", "compact"), Map.of(), "cleanup.policy")).isEqualTo(List.of("compact"));
    }

    @Test
    void aStoredOverrideThatIsNoLongerValidIsIgnored() {
        // Older versions accepted choices in any case; such values may be in the metadata log.
        Map<String, Object> values = resolver(Map.of("compression.type", "lz4")).effectiveValues(Map.of("compression.type", "GZIP",
                "cleanup.policy", "Compact", "retention.ms", "1000"));

        assertThat(values).containsEntry("compression.type", "lz4").containsEntry("cleanup.policy", List.of("delete"))
                .containsEntry("retention.ms", 1000L);
        assertThat(TopicConfigResolver.settings(values).writeRules().compressionType()).isEqualTo("lz4");
    }

    @Test
    void theMostSpecificSynonymSetWins() {
        Map<String, String> all = Map.of("log.retention.ms", "1234", "log.retention.minutes", "5", "log.retention.hours", "1");
        assertThat(effective(all, Map.of(), "retention.ms")).isEqualTo(1234L);
        assertThat(effective(Map.of("log.retention.minutes", "5", "log.retention.hours", "1"), Map.of(), "retention.ms")).isEqualTo(300_000L);
    }

    @Test
    void anUnlimitedRetentionStaysUnlimited() {
        assertThat(effective(Map.of("log.retention.hours", "-1"), Map.of(), "retention.ms")).isEqualTo(-1L);
    }

    @Test
    void aTopicOverrideWinsOverTheBrokerDefault() {
        Map<String, String> broker = Map.of("log.retention.hours", "1", "log.segment.bytes", "2097152");
        Map<String, String> overrides = Map.of("retention.ms", "1000", "segment.bytes", "4194304");
        assertThat(effective(broker, overrides, "retention.ms")).isEqualTo(1000L);
        assertThat(effective(broker, overrides, "segment.bytes")).isEqualTo(4_194_304);
    }

    @Test
    void unknownOverridesAreIgnored() {
        Map<String, Object> values = resolver(Map.of()).effectiveValues(Map.of("no.such.key", "1"));
        assertThat(values).doesNotContainKey("no.such.key");
    }

    @Test
    void overridesAreReadFromTheImage() {
        UUID id = UUID.randomUUID();
        MetadataDelta delta = new MetadataDelta(MetadataImage.EMPTY);
        delta.replay(new TopicRecord("events", id));
        delta.replay(new PartitionRecord(id, 0, List.of(1), List.of(1), 1, 0, 0));
        delta.replay(new ConfigRecord(ConfigResourceType.TOPIC, "events", "segment.bytes", "3145728"));
        delta.replay(new ConfigRecord(ConfigResourceType.TOPIC, "other", "segment.bytes", "5242880"));
        MetadataImage image = delta.apply(0);

        assertThat(TopicConfigResolver.overrides(image, "events")).containsExactly(Map.entry("segment.bytes", "3145728"));
        assertThat(resolver(Map.of()).settings(image, "events").logConfig().segmentBytes()).isEqualTo(3_145_728);
        assertThat(resolver(Map.of()).settings(image, "unconfigured").logConfig().segmentBytes()).isEqualTo(1_073_741_824);
    }

    @Test
    void defaultSettingsMatchKafkasLogDefaults() {
        TopicSettings settings = TopicConfigResolver.settings(resolver(Map.of()).effectiveValues(Map.of()));
        assertThat(settings.logConfig()).isEqualTo(LogConfig.DEFAULT);
        assertThat(settings.minInsyncReplicas()).isEqualTo(1);
        assertThat(settings.writeRules().compacted()).isFalse();
        assertThat(settings.writeRules().logAppendTime()).isFalse();
        assertThat(settings.writeRules().maxMessageBytes()).isEqualTo(1_048_588);
        assertThat(settings.writeRules().timestampBeforeMaxMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(settings.writeRules().timestampAfterMaxMs()).isEqualTo(3_600_000L);
        assertThat(settings.writeRules().compressionType()).isEqualTo("producer");
        assertThat(settings.writeRules().compressionLevel()).isNull();
    }

    @Test
    void settingsMapTheLogKeys() {
        Map<String, String> overrides = new HashMap<>(Map.of("segment.bytes", "2097152", "segment.index.bytes", "4096",
                "index.interval.bytes", "100", "flush.messages", "1", "flush.ms", "500", "file.delete.delay.ms", "7",
                "min.insync.replicas", "2", "segment.ms", "1000", "segment.jitter.ms", "10", "retention.ms", "2000"));
        overrides.putAll(Map.of("retention.bytes", "3000", "cleanup.policy", "compact,delete", "delete.retention.ms", "4000",
                "min.cleanable.dirty.ratio", "0.25", "min.compaction.lag.ms", "5000", "max.compaction.lag.ms", "6000", "preallocate", "true",
                "message.timestamp.type", "LogAppendTime"));
        TopicSettings settings = settings(overrides);
        assertThat(settings.logConfig()).isEqualTo(new LogConfig(2_097_152, 1000L, 10L, 4096, 100, 1L, 500L, TimestampType.LOG_APPEND_TIME,
                7L, 2000L, 3000L, true, true, 4000L, 0.25, 5000L, 6000L, true));
        assertThat(settings.minInsyncReplicas()).isEqualTo(2);
    }

    @Test
    void aCompactPolicyMakesTheTopicCompacted() {
        assertThat(settings(Map.of("cleanup.policy", "compact")).writeRules().compacted()).isTrue();
        assertThat(settings(Map.of("cleanup.policy", "delete,compact")).writeRules().compacted()).isTrue();
        assertThat(settings(Map.of("cleanup.policy", "delete")).writeRules().compacted()).isFalse();
    }

    @Test
    void logAppendTimeReachesBothTheLogAndTheWriteRules() {
        TopicSettings settings = settings(Map.of("message.timestamp.type", "LogAppendTime"));
        assertThat(settings.logConfig().timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(settings.writeRules().logAppendTime()).isTrue();
    }

    @Test
    void theCompressionLevelIsTheOneOfTheTopicsCodec() {
        assertThat(settings(Map.of("compression.type", "gzip")).writeRules().compressionLevel()).isEqualTo(-1);
        assertThat(settings(Map.of("compression.type", "gzip", "compression.gzip.level", "6")).writeRules().compressionLevel()).isEqualTo(6);
        assertThat(settings(Map.of("compression.type", "lz4")).writeRules().compressionLevel()).isEqualTo(9);
        assertThat(settings(Map.of("compression.type", "zstd", "compression.zstd.level", "7", "compression.lz4.level", "3"))
                .writeRules().compressionLevel()).isEqualTo(7);
        assertThat(settings(Map.of("compression.type", "snappy")).writeRules().compressionLevel()).isNull();
        assertThat(settings(Map.of("compression.type", "uncompressed", "compression.gzip.level", "6")).writeRules().compressionLevel()).isNull();
        assertThat(settings(Map.of("compression.type", "zstd")).writeRules().compressionType()).isEqualTo("zstd");
    }

    @Test
    void timestampBoundsComeFromTheirKeys() {
        TopicSettings settings = settings(Map.of("message.timestamp.before.max.ms", "10", "message.timestamp.after.max.ms", "20"));
        assertThat(settings.writeRules().timestampBeforeMaxMs()).isEqualTo(10L);
        assertThat(settings.writeRules().timestampAfterMaxMs()).isEqualTo(20L);
    }

    @Test
    void brokerDefaultsReachTheSettings() {
        TopicConfigResolver resolver = resolver(Map.of("log.message.timestamp.type", "LogAppendTime", "compression.type", "lz4",
                "log.flush.interval.messages", "1", "min.insync.replicas", "2"));
        TopicSettings settings = resolver.settings(MetadataImage.EMPTY, "any");
        assertThat(settings.logConfig().timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(settings.logConfig().flushMessages()).isEqualTo(1L);
        assertThat(settings.writeRules().compressionType()).isEqualTo("lz4");
        assertThat(settings.writeRules().compressionLevel()).isEqualTo(9);
        assertThat(settings.minInsyncReplicas()).isEqualTo(2);
    }
}
