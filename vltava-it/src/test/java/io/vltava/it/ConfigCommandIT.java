package io.vltava.it;

import static io.vltava.it.VltavaCli.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vltava.testing.EmbeddedBroker;
import io.vltava.testing.KafkaClients;
import io.vltava.testing.VltavaCommand;
import io.vltava.testing.VltavaCommand.Result;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code vltava config get|set}, run through bin/vltava against a real broker, including its failures. */
class ConfigCommandIT {

    private static EmbeddedBroker broker;
    private static VltavaCli cli;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedBroker.start();
        cli = new VltavaCli(broker.bootstrapServers());
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("configured", 1, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void setsGetsAndDeletesTopicConfigs() throws Exception {
        Result set = cli.run("config", "set", "--topic", "configured", "retention.ms=60000", "cleanup.policy=compact");
        assertThat(set.exitCode()).as(set.toString()).isZero();
        assertThat(set.stdout()).contains("retention.ms").contains("set");

        JsonNode got = json(cli.run("config", "get", "--topic", "configured", "retention.ms", "cleanup.policy", "-o", "json"));
        assertThat(got).hasSize(2);
        assertThat(got.get(0).get("key").asText()).isEqualTo("cleanup.policy");
        assertThat(got.get(0).get("value").asText()).isEqualTo("compact");
        assertThat(got.get(1).get("value").asText()).isEqualTo("60000");
        assertThat(got.get(1).get("source").asText()).isEqualTo("topic");

        assertThat(cli.run("config", "set", "--topic", "configured", "--delete", "retention.ms").exitCode()).isZero();
        JsonNode deleted = json(cli.run("config", "get", "--topic", "configured", "retention.ms", "-o", "json"));
        assertThat(deleted.get(0).get("value").asText()).isNotEqualTo("60000");
        assertThat(deleted.get(0).get("source").asText()).isNotEqualTo("topic");
    }

    @Test
    void getsTheBrokersConfigAndRefusesToChangeAReadOnlyKey() {
        Result table = cli.run("config", "get");
        assertThat(table.exitCode()).as(table.toString()).isZero();
        assertThat(table.stdout()).contains("KEY", "VALUE", "SOURCE", "READ-ONLY", "SENSITIVE").contains("num.partitions");

        Result set = cli.run("config", "set", "--broker", "1", "num.partitions=3");
        assertThat(set.exitCode()).as(set.toString()).isEqualTo(1);
        assertThat(set.stderr().strip()).startsWith("vltava: broker 1: ").doesNotContain("\n").doesNotContain("Exception");
    }

    @Test
    void badValuesUnknownTopicsAndABrokerThatIsDown() {
        Result badValue = cli.run("config", "set", "--topic", "configured", "retention.ms=soon");
        assertThat(badValue.exitCode()).as(badValue.toString()).isEqualTo(2);
        assertThat(badValue.stderr()).startsWith("vltava: topic 'configured': ").doesNotContain("Exception");

        Result unknown = cli.run("config", "get", "--topic", "no-such-topic");
        assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(3);
        assertThat(unknown.stderr().strip()).isEqualTo("vltava: topic 'no-such-topic' does not exist");

        Result down = VltavaCommand.run("config", "get", "--topic", "configured", "--bootstrap-server", "127.0.0.1:1", "--timeout", "2s");
        assertThat(down.exitCode()).isEqualTo(4);
    }

}
