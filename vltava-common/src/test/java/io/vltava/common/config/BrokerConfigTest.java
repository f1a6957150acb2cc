package io.vltava.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BrokerConfigTest {

    @ParameterizedTest
    @ValueSource(strings = {"log.flush.scheduler.interval.ms", "log.flush.offset.checkpoint.interval.ms", "log.retention.check.interval.ms",
            "producer.id.expiration.check.interval.ms", "producer.id.expiration.ms", "connections.max.idle.ms"})
    void intervalsBelowOneMillisecondAreRefused(String key) {
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of(key, "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value '0' for configuration '" + key + "': must be at least 1");
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of(key, "-5"))).isInstanceOf(ConfigException.class);

        assertThat(((Number) BrokerConfig.parse(Map.of(key, "1")).get(key)).longValue()).isEqualTo(1);
    }

    @Test
    void connectionAndRequestLimitsDefaultAsInKafkaAndRefuseBadValues() {
        BrokerConfig defaults = BrokerConfig.parse(Map.of());
        assertThat(defaults.getInt(BrokerConfigs.MAX_CONNECTIONS)).isEqualTo(Integer.MAX_VALUE);
        assertThat(defaults.getInt(BrokerConfigs.MAX_CONNECTIONS_PER_IP)).isEqualTo(Integer.MAX_VALUE);
        assertThat(defaults.getInt(BrokerConfigs.QUEUED_MAX_REQUESTS)).isEqualTo(500);
        assertThat(defaults.getLong(BrokerConfigs.QUEUED_MAX_REQUEST_BYTES)).isEqualTo(-1L);
        assertThat(BrokerConfigs.WITHOUT_EFFECT).doesNotContainKey(BrokerConfigs.QUEUED_MAX_REQUESTS);

        BrokerConfig set = BrokerConfig.parse(Map.of(BrokerConfigs.MAX_CONNECTIONS_PER_IP_OVERRIDES, "127.0.0.1:5, broker.example:0,::1:7"));
        assertThat(BrokerConfigs.perIpOverrides(set.getList(BrokerConfigs.MAX_CONNECTIONS_PER_IP_OVERRIDES)))
                .containsExactly(Map.entry("127.0.0.1", 5), Map.entry("broker.example", 0), Map.entry("::1", 7));

        assertThatThrownBy(() -> BrokerConfig.parse(Map.of(BrokerConfigs.MAX_CONNECTIONS_PER_IP_OVERRIDES, "127.0.0.1:many")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("host:count");
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of(BrokerConfigs.MAX_CONNECTIONS_PER_IP_OVERRIDES, "127.0.0.1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("host:count");
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of(BrokerConfigs.MAX_CONNECTIONS_PER_IP_OVERRIDES, ":3")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("host:count");
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of(BrokerConfigs.MAX_CONNECTIONS, "-1"))).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of(BrokerConfigs.QUEUED_MAX_REQUESTS, "0"))).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of(BrokerConfigs.QUEUED_MAX_REQUEST_BYTES, "-2"))).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of(BrokerConfigs.SOCKET_REQUEST_ARRIVAL_TIMEOUT_MS, "0")))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void intervalsDefaultAsInKafka() {
        BrokerConfig config = BrokerConfig.parse(Map.of());

        assertThat(config.getLong(BrokerConfigs.LOG_FLUSH_SCHEDULER_INTERVAL_MS)).isEqualTo(Long.MAX_VALUE);
        assertThat(config.getInt(BrokerConfigs.LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS)).isEqualTo(60_000);
        assertThat(config.getLong(BrokerConfigs.LOG_RETENTION_CHECK_INTERVAL_MS)).isEqualTo(300_000L);
        assertThat(config.getInt(BrokerConfigs.PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS)).isEqualTo(600_000);
    }

    @Test
    void brokerDefaultsOfTopicKeysAreValidatedLikeTheTopicKeys() {
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of("compression.gzip.level", "100")))
                .hasMessage("Invalid value '100' for configuration 'compression.gzip.level': must be -1 or between 1 and 9");
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of("log.cleanup.policy", "Delete"))).hasMessageContaining("must be one of");
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of("compression.type", "LZ4"))).hasMessageContaining("must be one of");
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of("log.message.timestamp.type", "createtime"))).hasMessageContaining("must be one of");
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of("log.roll.hours", "0"))).hasMessageContaining("must be at least 1");
    }

    @Test
    void topicDefaultsComeFromTheMostSpecificSynonymSet() {
        BrokerConfig config = BrokerConfig.parse(Map.of("log.retention.minutes", "5", "log.retention.hours", "2", "compression.gzip.level", "4",
                "message.max.bytes", "2000"));

        assertThat(config.topicDefault("retention.ms")).isEqualTo(new BrokerConfig.TopicDefault(300_000L, "log.retention.minutes"));
        assertThat(config.topicDefault("compression.gzip.level")).isEqualTo(new BrokerConfig.TopicDefault(4, "compression.gzip.level"));
        assertThat(config.topicDefault("max.message.bytes")).isEqualTo(new BrokerConfig.TopicDefault(2000, "message.max.bytes"));
        assertThat(config.topicDefault("segment.ms")).isEqualTo(new BrokerConfig.TopicDefault(604_800_000L, null));
    }

    @Test
    void flushMsFallsBackToTheFlushSchedulerInterval() {
        assertThat(BrokerConfig.parse(Map.of()).topicDefault("flush.ms").value()).isEqualTo(Long.MAX_VALUE);
        assertThat(BrokerConfig.parse(Map.of("log.flush.scheduler.interval.ms", "500")).topicDefault("flush.ms"))
                .isEqualTo(new BrokerConfig.TopicDefault(500L, "log.flush.scheduler.interval.ms"));
        assertThat(BrokerConfig.parse(Map.of("log.flush.scheduler.interval.ms", "500", "log.flush.interval.ms", "0")).topicDefault("flush.ms"))
                .isEqualTo(new BrokerConfig.TopicDefault(0L, "log.flush.interval.ms"));
    }

    @Test
    void brokerSynonymsAreDocumentedFromTheirTopicKey() {
        assertThat(BrokerConfigs.DEFINITION.key("log.retention.minutes").orElseThrow().documentation())
                .startsWith("Default of retention.ms (in minutes; overrides log.retention.hours). How long a segment is kept");
        assertThat(BrokerConfigs.DEFINITION.key("log.retention.hours").orElseThrow().defaultValue()).isEqualTo(168);
        assertThat(BrokerConfigs.DEFINITION.key("log.retention.ms").orElseThrow().defaultValue()).isNull();
    }

    @Test
    void processRolesAreCaseSensitiveAsInKafka() {
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of("process.roles", "Broker,Controller")))
                .hasMessage("Invalid value 'Broker' for configuration 'process.roles': must be one of broker, controller");
    }

    @Test
    void listenerNamesAndSecurityProtocolsIgnoreCaseAsInKafka() {
        BrokerConfig config = BrokerConfig.parse(Map.of("listeners", "client://127.0.0.1:9092,controller://127.0.0.1:9093",
                "listener.security.protocol.map", "client:plaintext,Controller:PlainText"));

        assertThat(config.securityProtocols()).containsExactly(Map.entry("CLIENT", "PLAINTEXT"), Map.entry("CONTROLLER", "PLAINTEXT"));
        assertThat(config.clientListeners()).containsExactly(new Endpoint("CLIENT", "127.0.0.1", 9092));
    }

    @Test
    void anUnknownSecurityProtocolIsRefused() {
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of("listener.security.protocol.map",
                "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,EXTERNAL:PLAINTXT")))
                .hasMessage("Invalid value 'EXTERNAL:PLAINTXT' for configuration 'listener.security.protocol.map': "
                        + "unknown security protocol; expected one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL");
    }

    @Test
    void withoutEffectKeysAreNotDefinedKeys() {
        assertThat(BrokerConfigs.WITHOUT_EFFECT.keySet()).allSatisfy(key -> assertThat(BrokerConfigs.DEFINITION.contains(key)).isFalse());
        assertThat(List.copyOf(BrokerConfigs.WITHOUT_EFFECT.values())).doesNotContain("");
    }

    @Test
    void metricsListenerDefaultsToLoopbackAndAnEmptyValueTurnsItOff() {
        assertThat(BrokerConfig.parse(Map.of()).metricsListener()).contains(new Endpoint("HTTP", "127.0.0.1", 9644));
        assertThat(BrokerConfig.parse(Map.of("metrics.listener", "http://:0")).metricsListener()).contains(new Endpoint("HTTP", "", 0));
        assertThat(BrokerConfig.parse(Map.of("metrics.listener", "")).metricsListener()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:9644", "https://127.0.0.1:9644", "http://127.0.0.1", "http://127.0.0.1:70000", "PLAINTEXT://host:1"})
    void metricsListenerOtherThanHttpHostPortIsRefused(String value) {
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of("metrics.listener", value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Invalid value '" + value + "' for configuration 'metrics.listener': ");
    }
}
