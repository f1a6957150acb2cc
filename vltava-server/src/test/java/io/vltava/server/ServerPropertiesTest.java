package io.vltava.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vltava.common.config.BrokerConfig;
import io.vltava.common.config.ConfigException;
import io.vltava.common.config.Endpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerPropertiesTest {

    @Test
    void shippedServerPropertiesAreValid() {
        BrokerConfig config = ServerProperties.load(Path.of("..", "config", "server.properties"), List.of());
        assertThat(config.clientListeners()).containsExactly(new Endpoint("PLAINTEXT", "127.0.0.1", 9092));
        assertThat(config.logDirs()).containsExactly(Path.of("data"));
    }

    @Test
    void overridesWinOverTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("server.properties");
        Files.writeString(file, "num.partitions=3\nlog.dirs=/var/lib/vltava\n");
        BrokerConfig config = ServerProperties.load(file, List.of("num.partitions=7"));
        assertThat(config.getInt("num.partitions")).isEqualTo(7);
        assertThat(config.logDirs()).containsExactly(Path.of("/var/lib/vltava"));
        assertThat(config.isSet("num.partitions")).isTrue();
        assertThat(config.isSet("message.max.bytes")).isFalse();
    }

    @Test
    void badValuesFailWithOneLineNamingTheKey() {
        assertThatThrownBy(() -> ServerProperties.parse(Map.of("num.partitions", "zero")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value 'zero' for configuration 'num.partitions': expected a 32-bit integer");
        assertThatThrownBy(() -> ServerProperties.parse(Map.of("log.segment.bytes", "1000")))
                .hasMessageContaining("'log.segment.bytes'").hasMessageContaining("at least 1048576");
        assertThatThrownBy(() -> ServerProperties.parse(Map.of("listeners", "PLAINTEXT//nohost")))
                .hasMessageContaining("expected NAME://host:port");
        assertThatThrownBy(() -> ServerProperties.parse(Map.of("listeners", "SSL://127.0.0.1:9093,CONTROLLER://127.0.0.1:9094")))
                .hasMessageContaining("not supported yet");
        assertThatThrownBy(() -> ServerProperties.parse(Map.of("advertised.listeners", "PLAINTEXT://0.0.0.0:9092")))
                .hasMessageContaining("wildcard");
        assertThatThrownBy(() -> ServerProperties.load(Path.of("does-not-exist.properties"), List.of()))
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> ServerProperties.load(null, List.of("no-equals-sign")))
                .hasMessageContaining("expected key=value");
    }

    @Test
    void unknownKeysAreIgnored() {
        BrokerConfig config = ServerProperties.parse(Map.of("no.such.key", "1", "num.io.threads", "8"));
        assertThat(config.originals()).doesNotContainKeys("no.such.key", "num.io.threads");
    }

    @Test
    void topicDefaultsComeFromBrokerSynonyms() {
        BrokerConfig config = ServerProperties.parse(Map.of("log.retention.hours", "2", "log.segment.bytes", "2097152"));
        assertThat(config.topicDefault("retention.ms").value()).isEqualTo(7_200_000L);
        assertThat(config.topicDefault("retention.ms").brokerKey()).isEqualTo("log.retention.hours");
        assertThat(config.topicDefault("segment.bytes").value()).isEqualTo(2_097_152);
        assertThat(config.topicDefault("cleanup.policy").brokerKey()).isNull();
    }
}
