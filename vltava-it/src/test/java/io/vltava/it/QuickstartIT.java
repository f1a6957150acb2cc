package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vltava.testing.BrokerProcess;
import io.vltava.testing.EmbeddedBroker;
import io.vltava.testing.TestDirectories;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the README's quickstart commands as written, against a running broker: the block with the
 * vltava command (run from this repository, with VLTAVA_BOOTSTRAP_SERVER pointing at the broker), the kcat block with
 * Debian's kcat (skipped, with the reason printed, where kcat is not installed) and the block with
 * Kafka's console tools, whose {@code bin/*.sh} scripts are stood in for by the same tool classes from
 * Kafka 4.4's kafka-tools artifact.
 */
class QuickstartIT {

    private static final Map<String, String> KAFKA_TOOLS = Map.of(
            "kafka-topics.sh", "org.apache.kafka.tools.TopicCommand",
            "kafka-console-producer.sh", "org.apache.kafka.tools.ConsoleProducer",
            "kafka-console-consumer.sh", "org.apache.kafka.tools.consumer.ConsoleConsumer",
            "kafka-consumer-groups.sh", "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand");

    private static EmbeddedBroker broker;
    private static Path kafkaHome;

    @BeforeAll
    static void start() throws IOException {
        broker = EmbeddedBroker.start();
        kafkaHome = KafkaTools.install(Files.createTempDirectory("kafka-tools-"), KAFKA_TOOLS);
    }

    @AfterAll
    static void stop() {
        broker.close();
        TestDirectories.deleteQuietly(kafkaHome);
    }

    @Test
    void vltavaCommandsWork() throws Exception {
        List<String> commands = new ArrayList<>();
        for (String command : readmeBlock(0)) {
            if (command.startsWith("curl ") && !KafkaTools.onPath("curl")) {
                System.out.println("QuickstartIT: curl is not installed; skipping `" + command + "`");
                continue;
            }
            commands.add(command.replace("127.0.0.1:9644", "127.0.0.1:" + broker.metricsPort()));
        }
        String output = run(commands, BrokerProcess.repositoryRoot());
        assertThat(output).contains("created");
        assertThat(output).contains("alice -> hello (partition").contains("bob -> from vltava (partition");
        assertThat(output).containsPattern("quickstart-vltava\\s+\\d\\s+\\d\\s+\\d\\s+0");
        assertThat(output).contains("RECORDS-PER-SECOND");
        if (KafkaTools.onPath("curl")) {
            assertThat(output).contains("kafka_server_brokertopicmetrics_messagesin_total{topic=\"quickstart-vltava\"}");
        }
    }

    @Test
    void kcatCommandsWork() throws Exception {
        assumeTrue(KafkaTools.onPath("kcat"), () -> {
            System.out.println("QuickstartIT: kcat is not installed (apt-get install kcat); skipping the kcat block");
            return "kcat is not installed";
        });
        String output = run(readmeBlock(1), kafkaHome);
        assertThat(output).contains("hello from kcat");
        assertThat(output.lines().filter("hello from kcat"::equals)).as("read twice: by offset and in a group").hasSize(2);
    }

    @Test
    void kafkaConsoleToolsWork() throws Exception {
        String output = run(readmeBlock(2), kafkaHome);
        assertThat(output).contains("Created topic quickstart-events.");
        assertThat(output).contains("Topic: quickstart-events").contains("PartitionCount: 1");
        assertThat(output).contains("hello from Kafka's tools");
        assertThat(output).containsPattern("quickstart\\s+quickstart-events\\s+0\\s+1\\s+1\\s+0");
    }

    /** The commands of the n-th shell block of the README's Quickstart section. */
    private static List<String> readmeBlock(int index) throws IOException {
        List<String> lines = Files.readAllLines(BrokerProcess.repositoryRoot().resolve("README.md"), StandardCharsets.UTF_8);
        int section = lines.indexOf("## Quickstart");
        assertThat(section).as("README has a Quickstart section").isNotNegative();
        List<List<String>> blocks = new ArrayList<>();
        List<String> current = null;
        for (String line : lines.subList(section + 1, lines.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            if (line.startsWith("```")) {
                if (current == null) {
                    current = new ArrayList<>();
                } else {
                    blocks.add(current);
                    current = null;
                }
            } else if (current != null && !line.isBlank() && !line.startsWith("#")) {
                current.add(line);
            }
        }
        return blocks.get(index);
    }

    private static String run(List<String> commands, Path directory) throws Exception {
        StringBuilder output = new StringBuilder();
        for (String command : commands) {
            String concrete = command.replace("127.0.0.1:9092", broker.bootstrapServers());
            ProcessBuilder builder = new ProcessBuilder("bash", "-c", concrete).directory(directory.toFile()).redirectErrorStream(true);
            builder.environment().put("VLTAVA_BOOTSTRAP_SERVER", broker.bootstrapServers());
            Process process = builder.start();
            boolean finished = process.waitFor(90, TimeUnit.SECONDS);
            String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!finished) {
                process.destroyForcibly();
            }
            output.append("$ ").append(command).append('\n').append(printed);
            assertThat(finished && process.exitValue() == 0).as("`%s` succeeds; it printed:%n%s", command, printed).isTrue();
        }
        System.out.println(output);
        return output.toString();
    }
}
