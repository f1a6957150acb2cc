package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/** {@code vltava cluster info}, run through bin/vltava against a real broker with one three-partition topic. */
class ClusterCommandIT {

    private static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedBroker.start();
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("three", 3, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void showsTheClusterAsATableAndAsJson() throws Exception {
        Result table = VltavaCommand.run("cluster", "info", "-b", broker.bootstrapServers());
        assertThat(table.exitCode()).as(table.toString()).isZero();
        System.out.println(table.stdout());
        assertThat(table.stdout()).contains("CLUSTER-ID", "CONTROLLER", "BROKERS", "ID  HOST       PORT")
                .containsPattern("1 +127\\.0\\.0\\.1 +" + broker.port());

        Result json = VltavaCommand.run("cluster", "info", "-o", "json", "-b", broker.bootstrapServers());
        assertThat(json.exitCode()).as(json.toString()).isZero();
        JsonNode info = new ObjectMapper().readTree(json.stdout());
        assertThat(info.get("cluster_id").asText()).isNotBlank();
        assertThat(info.get("controller").asInt()).isEqualTo(1);
        assertThat(info.get("broker_count").asInt()).isEqualTo(1);
        assertThat(info.get("brokers").get(0).get("port").asInt()).isEqualTo(broker.port());
        assertThat(info.get("topics").asInt()).isEqualTo(1);
        assertThat(info.get("partitions").asInt()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aBrokerThatIsDownIsReportedClearly() {
        Result down = VltavaCommand.run("cluster", "info", "--bootstrap-server", "127.0.0.1:1", "--timeout", "2s");
        assertThat(down.exitCode()).isEqualTo(4);
        assertThat(down.stderr().strip()).startsWith("vltava: no answer from a broker at 127.0.0.1:1 within 2 s");
    }
}
