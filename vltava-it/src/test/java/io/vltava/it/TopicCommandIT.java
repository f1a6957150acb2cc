package io.vltava.it;

import static io.vltava.it.VltavaCli.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vltava.testing.EmbeddedBroker;
import io.vltava.testing.KafkaClients;
import io.vltava.testing.VltavaCommand;
import io.vltava.testing.VltavaCommand.Result;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code vltava topic ...}, run through bin/vltava against a real broker, including its failures. */
class TopicCommandIT {

    private static EmbeddedBroker broker;
    private static VltavaCli cli;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.start();
        cli = new VltavaCli(broker.bootstrapServers());
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void createsDescribesChangesAndDeletesATopic() throws Exception {
        Result created = cli.run("topic", "create", "orders", "--partitions", "3", "--replication-factor", "1", "--config", "retention.ms=60000");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(created.stdout()).contains("orders").contains("created");

        JsonNode listed = json(cli.run("topic", "list", "-o", "json"));
        assertThat(listed.findValuesAsText("name")).contains("orders");

        JsonNode described = json(cli.run("topic", "describe", "orders", "--output", "json"));
        assertThat(described.get("partition_count").asInt()).isEqualTo(3);
        assertThat(described.get("partitions")).hasSize(3);
        assertThat(described.get("partitions").get(0).get("leader").asInt()).isEqualTo(1);
        assertThat(described.get("partitions").get(0).get("isr").get(0).asInt()).isEqualTo(1);
        assertThat(config(described, "retention.ms")).isEqualTo("60000");

        try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers())) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>("orders", 0, "key-" + i, "value-" + i)).get();
            }
        }
        JsonNode produced = json(cli.run("topic", "describe", "orders", "-o", "json"));
        assertThat(produced.get("partitions").get(0).get("size_bytes").asLong()).isPositive();
        assertThat(produced.get("partitions").get(1).get("size_bytes").asLong()).isZero();

        Result table = cli.run("topic", "describe", "orders");
        assertThat(table.stdout()).contains("PARTITION  LEADER  REPLICAS  ISR  LOG-START-OFFSET  LOG-END-OFFSET  SIZE-BYTES")
                .contains("retention.ms").contains("60000");

        assertThat(cli.run("topic", "alter-config", "orders", "--set", "cleanup.policy=compact", "--delete", "retention.ms").exitCode()).isZero();
        JsonNode altered = json(cli.run("topic", "describe", "orders", "-o", "json"));
        assertThat(config(altered, "cleanup.policy")).isEqualTo("compact");
        assertThat(config(altered, "retention.ms")).isNotEqualTo("60000");

        Result grown = cli.run("topic", "add-partitions", "orders", "--add", "2");
        assertThat(grown.exitCode()).as(grown.toString()).isZero();
        assertThat(json(cli.run("topic", "describe", "orders", "-o", "json")).get("partition_count").asInt()).isEqualTo(5);

        Result deleted = cli.run("topic", "delete", "orders");
        assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
        assertThat(json(cli.run("topic", "list", "-o", "json")).findValuesAsText("name")).doesNotContain("orders");
    }

    @Test
    void printsYaml() {
        cli.run("topic", "create", "yaml-topic", "-p", "1");
        Result yaml = cli.run("topic", "list", "--output", "yaml");
        assertThat(yaml.exitCode()).isZero();
        assertThat(yaml.stdout()).contains("- name: yaml-topic").contains("  partitions: 1");
    }

    @Test
    void anUnknownTopicIsOneLineAndExitCode3() {
        Result result = cli.run("topic", "describe", "no-such-topic");
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stderr().strip()).isEqualTo("vltava: topic 'no-such-topic' does not exist");
        assertThat(result.stdout()).isEmpty();

        Result delete = cli.run("topic", "delete", "no-such-topic");
        assertThat(delete.exitCode()).isEqualTo(3);
    }

    @Test
    void creatingAnExistingTopicFailsUnlessAskedNotTo() {
        cli.run("topic", "create", "twice", "-p", "1");
        Result again = cli.run("topic", "create", "twice", "-p", "1");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.stderr().strip()).isEqualTo("vltava: topic 'twice' already exists");
        assertThat(cli.run("topic", "create", "twice", "-p", "1", "--if-not-exists").exitCode()).isZero();
    }

    @Test
    void badFlagsAndValuesAreUsageErrors() {
        Result unknownFlag = cli.run("topic", "list", "--bogus");
        assertThat(unknownFlag.exitCode()).isEqualTo(2);
        assertThat(unknownFlag.stderr()).startsWith("vltava: Unknown option: '--bogus'").contains("vltava topic list --help");

        Result badConfig = cli.run("topic", "create", "bad-config", "--config", "retention.ms=soon");
        assertThat(badConfig.exitCode()).as(badConfig.toString()).isEqualTo(2);
        assertThat(badConfig.stderr()).startsWith("vltava: topic 'bad-config': ").doesNotContain("Exception");

        Result badClientSetting = cli.run("topic", "list", "-X", "retries=several");
        assertThat(badClientSetting.exitCode()).as(badClientSetting.toString()).isEqualTo(2);
        assertThat(badClientSetting.stderr().strip()).startsWith("vltava: bad client setting: ").contains("retries");

        Result unresolvable = VltavaCommand.run("topic", "list", "--bootstrap-server", "no-such-host.invalid:9092");
        assertThat(unresolvable.exitCode()).as(unresolvable.toString()).isEqualTo(2);
        assertThat(unresolvable.stderr().strip()).startsWith("vltava: bad client setting: ").contains("no-such-host.invalid");
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
        Result result = cli.run("topic", "describe", "no-such-topic", "--verbose");
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stderr()).contains("UnknownTopicOrPartitionException").contains("\tat ");
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
