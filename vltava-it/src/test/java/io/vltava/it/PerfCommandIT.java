package io.vltava.it;

import static io.vltava.it.VltavaCli.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vltava.testing.EmbeddedBroker;
import io.vltava.testing.VltavaCommand.Result;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code vltava perf produce|consume|e2e}, run through bin/vltava against a real broker, each bounded in count and time. */
class PerfCommandIT {

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
    void producesThenConsumesAndSummarisesAsJson() throws Exception {
        Result produced = cli.run("perf", "produce", "--topic", "perf", "--create", "--partitions", "2", "--num-records", "2000",
                "--record-size", "100", "--duration", "60s", "-o", "json");
        JsonNode produce = json(produced);
        assertThat(produce.get("test").asText()).isEqualTo("produce");
        assertThat(produce.get("records").asLong()).isEqualTo(2000);
        assertThat(produce.get("bytes").asLong()).isEqualTo(200_000);
        assertThat(produce.get("errors").asLong()).isZero();
        assertThat(produce.get("mib_per_second").asDouble()).isPositive();
        for (String latency : List.of("latency_p50_ms", "latency_p95_ms", "latency_p99_ms", "latency_p999_ms", "latency_max_ms")) {
            assertThat(produce.get(latency).asDouble()).as(latency).isPositive();
        }
        assertThat(produce.get("latency_p99_ms").asDouble()).isLessThanOrEqualTo(produce.get("latency_max_ms").asDouble());
        assertThat(produced.stderr()).contains("created topic 'perf' with 2 partitions");

        JsonNode consume = json(cli.run("perf", "consume", "--topic", "perf", "--num-records", "2000", "--duration", "60s", "-o", "json"));
        assertThat(consume.get("records").asLong()).isEqualTo(2000);
        assertThat(consume.get("bytes").asLong()).isEqualTo(200_000);
        assertThat(consume.get("records_per_second").asDouble()).isPositive();
        assertThat(consume.has("latency_p99_ms")).isFalse();
    }

    @Test
    void measuresEndToEndLatency() throws Exception {
        JsonNode e2e = json(cli.run("perf", "e2e", "--topic", "perf-e2e", "--create", "--num-records", "500", "--throughput", "500",
                "--duration", "60s", "-o", "json"));
        assertThat(e2e.get("test").asText()).isEqualTo("e2e");
        assertThat(e2e.get("records").asLong()).isEqualTo(500);
        assertThat(e2e.get("latency_p99_ms").asDouble()).isPositive();
    }

    @Test
    void printsATableAndProgressLines() {
        Result table = cli.run("perf", "produce", "--topic", "perf-table", "--create", "--duration", "2s", "--throughput", "200");
        assertThat(table.exitCode()).as(table.toString()).isZero();
        assertThat(table.stdout()).contains("RECORDS-PER-SECOND").contains("MIB-PER-SECOND").contains("LATENCY-P99-MS");
        assertThat(table.stderr()).containsPattern("perf produce: \\d+ s, \\d+ records/s");
    }

    @Test
    void anUnknownTopicWithoutCreateIsExitCode3() {
        Result result = cli.run("perf", "consume", "--topic", "no-such-topic", "--num-records", "1");
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(3);
        assertThat(result.stderr().strip()).isEqualTo("vltava: topic 'no-such-topic' does not exist");

        Result noTopic = cli.run("perf", "produce", "--num-records", "1");
        assertThat(noTopic.exitCode()).isEqualTo(2);
    }
}
