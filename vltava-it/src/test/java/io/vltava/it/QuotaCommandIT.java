package io.vltava.it;

import static io.vltava.it.VltavaCli.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vltava.testing.EmbeddedBroker;
import io.vltava.testing.VltavaCommand.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code vltava quota ...}, run through bin/vltava against a real broker, including its failures. */
class QuotaCommandIT {

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
    void setsListsAndDeletesQuotas() throws Exception {
        JsonNode set = json(cli.run("quota", "set", "--client-id", "app", "producer_byte_rate=1048576", "consumer_byte_rate=2048", "-o", "json"));
        assertThat(set.findValuesAsText("status")).containsExactly("set", "set");
        assertThat(cli.run("quota", "set", "--user", "alice", "--client-id-default", "request_percentage=12.5").exitCode()).isZero();

        JsonNode listed = json(cli.run("quota", "list", "-o", "json"));
        assertThat(listed).hasSize(3);
        assertThat(listed.get(0).get("client_id").asText()).isEqualTo("app");
        assertThat(listed.get(0).has("user")).as("no user part").isFalse();
        assertThat(listed.get(0).get("key").asText()).isEqualTo("consumer_byte_rate");
        assertThat(listed.get(0).get("value").asLong()).isEqualTo(2048);
        assertThat(listed.get(2).get("user").asText()).isEqualTo("alice");
        assertThat(listed.get(2).get("client_id").asText()).isEqualTo("<default>");
        assertThat(listed.get(2).get("value").asDouble()).isEqualTo(12.5);

        assertThat(json(cli.run("quota", "list", "--client-id", "app", "-o", "json"))).hasSize(2);
        assertThat(json(cli.run("quota", "list", "--user", "alice", "--strict", "-o", "json"))).isEmpty();
        Result yaml = cli.run("quota", "list", "--user", "alice", "-o", "yaml");
        assertThat(yaml.stdout()).contains("key: request_percentage").contains("client_id: <default>");
        Result table = cli.run("quota", "list");
        assertThat(table.stdout()).contains("CLIENT-ID").contains("producer_byte_rate").contains("1048576");

        assertThat(cli.run("quota", "delete", "--client-id", "app", "consumer_byte_rate").exitCode()).isZero();
        assertThat(json(cli.run("quota", "list", "--client-id", "app", "-o", "json")).findValuesAsText("key")).containsExactly("producer_byte_rate");
        JsonNode deleted = json(cli.run("quota", "delete", "--user", "alice", "--client-id-default", "-o", "json"));
        assertThat(deleted.findValuesAsText("key")).containsExactly("request_percentage");
        assertThat(json(cli.run("quota", "list", "--user", "alice", "-o", "json"))).isEmpty();
    }

    @Test
    void badKeysValuesAndEntitiesAreOneLineUsageErrors() {
        Result unknownKey = cli.run("quota", "set", "--client-id", "app", "no_such_quota=1");
        assertThat(unknownKey.exitCode()).as(unknownKey.toString()).isEqualTo(2);
        assertThat(unknownKey.stderr().strip()).isEqualTo("vltava: quotas of client-id 'app': Unknown quota key: no_such_quota");

        Result fraction = cli.run("quota", "set", "--client-id", "app", "producer_byte_rate=1.5");
        assertThat(fraction.exitCode()).isEqualTo(2);
        assertThat(fraction.stderr().strip()).startsWith("vltava: quotas of client-id 'app': ").contains("whole number").doesNotContain("\n");

        Result notANumber = cli.run("quota", "set", "--client-id", "app", "producer_byte_rate=fast");
        assertThat(notANumber.exitCode()).isEqualTo(2);
        assertThat(notANumber.stderr().strip()).isEqualTo("vltava: the value of producer_byte_rate is not a number: fast");

        Result noEntity = cli.run("quota", "set", "producer_byte_rate=1");
        assertThat(noEntity.exitCode()).isEqualTo(2);
        assertThat(noEntity.stderr()).startsWith("vltava: name the quota's entity");

        Result both = cli.run("quota", "list", "--user", "bob", "--user-default");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.stderr().strip()).isEqualTo("vltava: give --user or --user-default, not both");

        Result nothingSet = cli.run("quota", "delete", "--client-id", "nobody");
        assertThat(nothingSet.exitCode()).isEqualTo(3);
        assertThat(nothingSet.stderr().strip()).isEqualTo("vltava: quotas of client-id 'nobody': none are set");
    }
}
