package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vltava.testing.EmbeddedBroker;
import io.vltava.testing.KafkaClients;
import io.vltava.testing.VltavaCommand;
import io.vltava.testing.VltavaCommand.Result;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vltava produce} and {@code vltava consume}, run through bin/vltava against a real broker that
 * does not create topics on its own, including their failures.
 */
class ProduceConsumeCommandIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static EmbeddedBroker broker;
    private static VltavaCli cli;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.start(Map.of("auto.create.topics.enable", "false"));
        cli = new VltavaCli(broker.bootstrapServers());
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void producesKeysValuesAndHeadersAndConsumesThemThroughATemplate() {
        createTopic("orders");
        Result produced = cli.command("produce", "orders", "-k", ":", "-H", "source=test", "-H", "v=1").stdin("k1:apple\nk2:pear\nk3:plum\n").run();
        assertThat(produced.exitCode()).as(produced.toString()).isZero();
        assertThat(produced.stdout()).isEmpty();
        assertThat(produced.stderr().strip()).isEqualTo("produced 3 records to orders");

        Result consumed = cli.command("consume", "orders", "--from-beginning", "-n", "3", "-f", "%k=%v %h %p %o\\n").run();
        assertThat(consumed.exitCode()).as(consumed.toString()).isZero();
        assertThat(consumed.stdout()).isEqualTo("""
                k1=apple source=test,v=1 0 0
                k2=pear source=test,v=1 0 1
                k3=plum source=test,v=1 0 2
                """);
        assertThat(consumed.stderr()).contains("consumed 3 records from orders");

        Result json = cli.command("consume", "orders", "--from-beginning", "-n", "3", "-o", "json").run();
        assertThat(json.exitCode()).as(json.toString()).isZero();
        List<JsonNode> records = json.stdout().lines().map(ProduceConsumeCommandIT::parse).toList();
        assertThat(records).hasSize(3);
        assertThat(records.get(1).get("topic").asText()).isEqualTo("orders");
        assertThat(records.get(1).get("partition").asInt()).isZero();
        assertThat(records.get(1).get("offset").asLong()).isEqualTo(1);
        assertThat(records.get(1).get("timestamp").asLong()).isPositive();
        assertThat(records.get(1).get("key").asText()).isEqualTo("k2");
        assertThat(records.get(1).get("value").asText()).isEqualTo("pear");
        assertThat(records.get(1).get("headers").get("source").asText()).isEqualTo("test");
    }

    @Test
    void producesFromAFileToAPartition(@TempDir Path dir) throws Exception {
        createTopic("from-file", "2");
        Path file = dir.resolve("records.txt");
        Files.writeString(file, "one\ntwo\n");
        Result produced = cli.command("produce", "from-file", "--file", file.toString(), "-p", "1", "--acks", "1", "-z", "lz4").run();
        assertThat(produced.exitCode()).as(produced.toString()).isZero();

        Result consumed = cli.command("consume", "from-file", "-p", "1", "--from-beginning", "-n", "2", "-f", "%p:%v\\n").run();
        assertThat(consumed.stdout()).isEqualTo("1:one\n1:two\n");

        Result missing = cli.command("produce", "from-file", "--file", dir.resolve("absent.txt").toString()).run();
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.stderr().strip()).isEqualTo("vltava: file '" + dir.resolve("absent.txt") + "' does not exist");
    }

    @Test
    void aGroupContinuesWhereItLeft() {
        createTopic("grouped");
        produce("grouped", "a\nb\nc\nd\n");
        Result first = cli.command("consume", "grouped", "-g", "readers", "--from-beginning", "-n", "2").run();
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.stdout()).isEqualTo("a\nb\n");
        Result second = cli.command("consume", "grouped", "--group", "readers", "--from-beginning", "-n", "2").run();
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.stdout()).isEqualTo("c\nd\n");
    }

    @Test
    void startsAtAnOffsetOrATime() throws Exception {
        createTopic("positions");
        produce("positions", "old1\nold2\n");
        long between = System.currentTimeMillis();
        produce("positions", "new1\nnew2\n");

        Result byOffset = cli.command("consume", "positions", "--offset", "1", "-n", "3").run();
        assertThat(byOffset.stdout()).isEqualTo("old2\nnew1\nnew2\n");

        Result byTime = cli.command("consume", "positions", "--timestamp", Long.toString(between), "-n", "2").run();
        assertThat(byTime.exitCode()).as(byTime.toString()).isZero();
        assertThat(byTime.stdout()).isEqualTo("new1\nnew2\n");

        Result byIsoTime = cli.command("consume", "positions", "--timestamp", "2000-01-01T00:00:00Z", "-n", "1").run();
        assertThat(byIsoTime.stdout()).isEqualTo("old1\n");

        Result both = cli.command("consume", "positions", "--offset", "1", "--from-beginning").run();
        assertThat(both.exitCode()).isEqualTo(2);
    }

    @Test
    void startsAtTheEndByDefaultAndStopsCleanlyOnSigterm() throws Exception {
        createTopic("live");
        produce("live", "before\n");
        Process consumer = cli.command("consume", "live", "-f", "%o %v\\n").start();
        try {
            BufferedReader stderr = new BufferedReader(new InputStreamReader(consumer.getErrorStream(), StandardCharsets.UTF_8));
            assertThat(readLineStartingWith(stderr, "consuming")).isEqualTo("consuming topic 'live' (1 partition, from the end); stop with Ctrl-C");
            try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers())) {
                producer.send(new ProducerRecord<>("live", "after")).get(30, TimeUnit.SECONDS);
            }
            BufferedReader stdout = new BufferedReader(new InputStreamReader(consumer.getInputStream(), StandardCharsets.UTF_8));
            assertThat(stdout.readLine()).isEqualTo("1 after");
            consumer.toHandle().destroy(); // SIGTERM, leaving the pipes open to read what it prints last
            assertThat(consumer.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(consumer.exitValue()).isZero();
            assertThat(readLineStartingWith(stderr, "consumed")).isEqualTo("consumed 1 record from live");
        } finally {
            consumer.destroyForcibly();
        }
    }

    @Test
    void anUnknownTopicIsExitCode3() {
        Result produce = cli.command("produce", "no-such-topic", "--timeout", "3s").stdin("x\n").run();
        assertThat(produce.exitCode()).as(produce.toString()).isEqualTo(3);
        assertThat(produce.stderr().strip()).isEqualTo("vltava: topic 'no-such-topic' does not exist");

        Result consume = cli.command("consume", "no-such-topic", "-n", "1").run();
        assertThat(consume.exitCode()).as(consume.toString()).isEqualTo(3);
        assertThat(consume.stderr().strip()).isEqualTo("vltava: topic 'no-such-topic' does not exist");
    }

    @Test
    void aBrokerThatIsDownIsExitCode4() {
        Result produce = VltavaCommand.of("produce", "orders", "-b", "127.0.0.1:1", "--timeout", "2s").stdin("x\n").run();
        assertThat(produce.exitCode()).as(produce.toString()).isEqualTo(4);
        assertThat(produce.stderr().strip()).isEqualTo(
                "vltava: no answer from a broker at 127.0.0.1:1 within 2 s (is one running there? see --bootstrap-server)");

        Result consume = VltavaCommand.run("consume", "orders", "-b", "127.0.0.1:1", "--timeout", "2s");
        assertThat(consume.exitCode()).as(consume.toString()).isEqualTo(4);
    }

    @Test
    void badFlagsAreUsageErrors() {
        Result unknown = cli.command("consume", "orders", "--bogus").run();
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.stderr()).startsWith("vltava: Unknown option: '--bogus'").contains("vltava consume --help");

        Result badAcks = cli.command("produce", "orders", "--acks", "2").run();
        assertThat(badAcks.exitCode()).isEqualTo(2);

        Result badTemplate = cli.command("consume", "orders", "-f", "%x").run();
        assertThat(badTemplate.exitCode()).isEqualTo(2);
        assertThat(badTemplate.stderr()).startsWith("vltava: --format: unknown placeholder or escape '%x'");
    }

    private static void createTopic(String topic, String... partitions) {
        Result created = cli.command("topic", "create", topic, "-p", partitions.length == 0 ? "1" : partitions[0]).run();
        assertThat(created.exitCode()).as(created.toString()).isZero();
    }

    private static void produce(String topic, String lines) {
        Result produced = cli.command("produce", topic).stdin(lines).run();
        assertThat(produced.exitCode()).as(produced.toString()).isZero();
    }

    private static String readLineStartingWith(BufferedReader reader, String prefix) throws Exception {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        return null;
    }


    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }
}
