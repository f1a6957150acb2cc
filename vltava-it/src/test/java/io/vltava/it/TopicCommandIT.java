package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vltava.testing.EmbeddedBroker;
import io.vltava.testing.VltavaCommand;
import io.vltava.testing.VltavaCommand.Result;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code vltava topic ...}, run through bin/vltava against a real broker, including its failures. */
class TopicCommandIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void createsDescribesChangesAndDeletesATopic() throws Exception {
        Result created = vltava("topic", "create", "orders", "--partitions", "3", "--replication-factor", "1", "--config", "retention.ms=60000");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(created.stdout()).contains("orders").contains("created");

        JsonNode listed = json(vltava("topic", "list", "-o", "json"));
        assertThat(listed.findValuesAsText("name")).contains("orders");

        JsonNode described = json(vltava("topic", "describe", "orders", "--output", "json"));
        assertThat(described.get("partition_count").asInt()).isEqualTo(3);
        assertThat(described.get("partitions")).hasSize(3);
        assertThat(described.get("partitions").get(0).get("leader").asInt()).isEqualTo(1);
        assertThat(described.get("partitions").get(0).get("isr").get(0).asInt()).isEqualTo(1);
        assertThat(config(described, "retention.ms")).isEqualTo("60000");

        Result table = vltava("topic", "describe", "orders");
        assertThat(table.stdout()).contains("PARTITION  LEADER  REPLICAS  ISR  LOG-START-OFFSET  LOG-END-OFFSET")
                .contains("retention.ms").contains("60000");

        assertThat(vltava("topic", "alter-config", "orders", "--set", "cleanup.policy=compact", "--delete", "retention.ms").exitCode()).isZero();
        JsonNode altered = json(vltava("topic", "describe", "orders", "-o", "json"));
        assertThat(config(altered, "cleanup.policy")).isEqualTo("compact");
        assertThat(config(altered, "retention.ms")).isNotEqualTo("60000");

        Result grown = vltava("topic", "add-partitions", "orders", "--add", "2");
        assertThat(grown.exitCode()).as(grown.toString()).isZero();
        assertThat(json(vltava("topic", "describe", "orders", "-o", "json")).get("partition_count").asInt()).isEqualTo(5);

        Result deleted = vltava("topic", "delete", "orders");
        assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
        assertThat(json(vltava("topic", "list", "-o", "json")).findValuesAsText("name")).doesNotContain("orders");
    }

    @Test
    void printsYaml() {
        vltava("topic", "create", "yaml-topic", "-p", "1");
        Result yaml = vltava("topic", "list", "--output", "yaml");
        assertThat(yaml.exitCode()).isZero();
        assertThat(yaml.stdout()).contains("- name: yaml-topic").contains("  partitions: 1");
    }

    @Test
    void anUnknownTopicIsOneLineAndExitCode3() {
        Result result = vltava("topic", "describe", "no-such-topic");
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stderr().strip()).isEqualTo("vltava: topic 'no-such-topic' does not exist");
        assertThat(result.stdout()).isEmpty();

        Result delete = vltava("topic", "delete", "no-such-topic");
        assertThat(delete.exitCode()).isEqualTo(3);
    }

    @Test
    void creatingAnExistingTopicFailsUnlessAskedNotTo() {
        vltava("topic", "create", "twice", "-p", "1");
        Result again = vltava("topic", "create", "twice", "-p", "1");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.stderr().strip()).isEqualTo("vltava: topic 'twice' already exists");
        assertThat(vltava("topic", "create", "twice", "-p", "1", "--if-not-exists").exitCode()).isZero();
    }

    @Test
    void badFlagsAndValuesAreUsageErrors() {
        Result unknownFlag = vltava("topic", "list", "--bogus");
        assertThat(unknownFlag.exitCode()).isEqualTo(2);
        assertThat(unknownFlag.stderr()).startsWith("vltava: Unknown option: '--bogus'").contains("vltava topic list --help");

        Result badConfig = vltava("topic", "create", "bad-config", "--config", "retention.ms=soon");
        assertThat(badConfig.exitCode()).as(badConfig.toString()).isEqualTo(2);
        assertThat(badConfig.stderr()).startsWith("vltava: topic 'bad-config': ").doesNotContain("Exception");
    }

    @Test
    void aBrokerThatIsDownIsReportedClearly() {
        Result result = VltavaCommand.run("topic", "list", "--bootstrap-server", "127.0.0.1:1", "--timeout", "2s");
        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(result.stderr().strip()).isEqualTo(
                "vltava: no answer from a broker at 127.0.0.1:1 within 2 s (is one running there? see --bootstrap-server)");
    }

    @Test
    void verboseShowsTheStackTrace() {
        Result result = vltava("topic", "describe", "no-such-topic", "--verbose");
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stderr()).contains("UnknownTopicOrPartitionException").contains("\tat ");
    }

    private static Result vltava(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--bootstrap-server");
        all.add(broker.bootstrapServers());
        return VltavaCommand.run(all.toArray(String[]::new));
    }

    private static JsonNode json(Result result) throws Exception {
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return JSON.readTree(result.stdout());
    }

    private static String config(JsonNode description, String key) {
        for (JsonNode config : description.get("configs")) {
            if (config.get("key").asText().equals(key)) {
                return config.path("value").asText(null);
            }
        }
        return null;
    }
}
