package io.vltava.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicConfigsTest {

    /** Kafka's mapping of topic keys to the broker keys that supply their defaults, most specific first. */
    private static final Map<String, List<String>> KAFKA_SYNONYMS = new LinkedHashMap<>();

    static {
        KAFKA_SYNONYMS.put("cleanup.policy", List.of("log.cleanup.policy"));
        KAFKA_SYNONYMS.put("compression.type", List.of("compression.type"));
        KAFKA_SYNONYMS.put("compression.gzip.level", List.of("compression.gzip.level"));
        KAFKA_SYNONYMS.put("compression.lz4.level", List.of("compression.lz4.level"));
        KAFKA_SYNONYMS.put("compression.zstd.level", List.of("compression.zstd.level"));
        KAFKA_SYNONYMS.put("delete.retention.ms", List.of("log.cleaner.delete.retention.ms"));
        KAFKA_SYNONYMS.put("file.delete.delay.ms", List.of("log.segment.delete.delay.ms"));
        KAFKA_SYNONYMS.put("flush.messages", List.of("log.flush.interval.messages"));
        KAFKA_SYNONYMS.put("flush.ms", List.of("log.flush.interval.ms", "log.flush.scheduler.interval.ms"));
        KAFKA_SYNONYMS.put("follower.replication.throttled.replicas", List.of());
        KAFKA_SYNONYMS.put("index.interval.bytes", List.of("log.index.interval.bytes"));
        KAFKA_SYNONYMS.put("leader.replication.throttled.replicas", List.of());
        KAFKA_SYNONYMS.put("local.retention.bytes", List.of("log.local.retention.bytes"));
        KAFKA_SYNONYMS.put("local.retention.ms", List.of("log.local.retention.ms"));
        KAFKA_SYNONYMS.put("max.compaction.lag.ms", List.of("log.cleaner.max.compaction.lag.ms"));
        KAFKA_SYNONYMS.put("max.message.bytes", List.of("message.max.bytes"));
        KAFKA_SYNONYMS.put("message.timestamp.after.max.ms", List.of("log.message.timestamp.after.max.ms"));
        KAFKA_SYNONYMS.put("message.timestamp.before.max.ms", List.of("log.message.timestamp.before.max.ms"));
        KAFKA_SYNONYMS.put("message.timestamp.type", List.of("log.message.timestamp.type"));
        KAFKA_SYNONYMS.put("min.cleanable.dirty.ratio", List.of("log.cleaner.min.cleanable.ratio"));
        KAFKA_SYNONYMS.put("min.compaction.lag.ms", List.of("log.cleaner.min.compaction.lag.ms"));
        KAFKA_SYNONYMS.put("min.insync.replicas", List.of("min.insync.replicas"));
        KAFKA_SYNONYMS.put("preallocate", List.of("log.preallocate"));
        KAFKA_SYNONYMS.put("remote.storage.enable", List.of());
        KAFKA_SYNONYMS.put("retention.bytes", List.of("log.retention.bytes"));
        KAFKA_SYNONYMS.put("retention.ms", List.of("log.retention.ms", "log.retention.minutes", "log.retention.hours"));
        KAFKA_SYNONYMS.put("segment.bytes", List.of("log.segment.bytes"));
        KAFKA_SYNONYMS.put("segment.index.bytes", List.of("log.index.size.max.bytes"));
        KAFKA_SYNONYMS.put("segment.jitter.ms", List.of("log.roll.jitter.ms", "log.roll.jitter.hours"));
        KAFKA_SYNONYMS.put("segment.ms", List.of("log.roll.ms", "log.roll.hours"));
        KAFKA_SYNONYMS.put("unclean.leader.election.enable", List.of("unclean.leader.election.enable"));
    }

    @Test
    void everyTopicKeyHasKafkasBrokerSynonyms() {
        Map<String, List<String>> actual = new LinkedHashMap<>();
        for (ConfigKey key : TopicConfigs.DEFINITION.keys()) {
            actual.put(key.name(), TopicConfigs.synonyms(key.name()).stream().map(TopicConfigs.Synonym::brokerKey).toList());
        }

        assertThat(actual).containsExactlyEntriesOf(KAFKA_SYNONYMS);
    }

    @Test
    void synonymsInHoursOrMinutesConvertToMilliseconds() {
        assertThat(TopicConfigs.synonyms("retention.ms")).extracting(TopicConfigs.Synonym::factor).containsExactly(1L, 60_000L, 3_600_000L);
        assertThat(TopicConfigs.synonyms("segment.ms")).extracting(TopicConfigs.Synonym::factor).containsExactly(1L, 3_600_000L);
        assertThat(TopicConfigs.synonyms("compression.gzip.level")).extracting(TopicConfigs.Synonym::factor).containsExactly(1L);
    }

    @Test
    void everySynonymIsABrokerKeyThatAcceptsItsTopicKeysDefault() {
        for (ConfigKey topicKey : TopicConfigs.DEFINITION.keys()) {
            for (TopicConfigs.Synonym synonym : TopicConfigs.synonyms(topicKey.name())) {
                ConfigKey brokerKey = BrokerConfigs.DEFINITION.key(synonym.brokerKey()).orElseThrow();
                if (synonym.unit() == null) {
                    assertThat(brokerKey.type()).as(brokerKey.name()).isEqualTo(topicKey.type());
                    brokerKey.parse(topicKey.defaultText());
                }
            }
        }
    }

    @Test
    void stringChoicesAreCaseSensitiveAsInKafka() {
        assertThat(parse("compression.type", "gzip")).isEqualTo("gzip");
        assertThat(parse("cleanup.policy", "compact,delete")).isEqualTo(List.of("compact", "delete"));
        assertThat(parse("message.timestamp.type", "LogAppendTime")).isEqualTo("LogAppendTime");

        assertThatThrownBy(() -> parse("compression.type", "GZIP"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value 'GZIP' for configuration 'compression.type': must be one of producer, uncompressed, gzip, snappy, lz4, zstd");
        assertThatThrownBy(() -> parse("cleanup.policy", "Compact")).hasMessageContaining("must be one of delete, compact");
        assertThatThrownBy(() -> parse("message.timestamp.type", "logappendtime")).hasMessageContaining("must be one of CreateTime, LogAppendTime");
    }

    @Test
    void compressionLevelsAreChecked() {
        assertThatThrownBy(() -> parse("compression.gzip.level", "10")).hasMessageContaining("must be -1 or between 1 and 9");
        assertThatThrownBy(() -> parse("compression.lz4.level", "18")).hasMessageContaining("between 1 and 17");
        assertThatThrownBy(() -> parse("compression.zstd.level", "23")).hasMessageContaining("between -131072 and 22");
    }

    private static Object parse(String key, String value) {
        return TopicConfigs.DEFINITION.key(key).orElseThrow().parse(value);
    }
}
