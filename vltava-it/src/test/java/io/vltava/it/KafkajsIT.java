package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vltava.testing.EmbeddedBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * kafkajs, a client that speaks only non-flexible protocol versions, creates a topic and produces
 * to it; the Java consumer reads back what it wrote. kafkajs comes from the npm registry; without
 * node and npm the test is skipped with the reason printed.
 */
class KafkajsIT {

    private static final String KAFKAJS = "kafkajs@2.2.4";

    @Test
    void kafkajsProducesAndAdministers() throws Exception {
        Path workDir = Path.of("target", "kafkajs");
        Files.createDirectories(workDir);
        assumeTrue(npmInstall(workDir), () -> {
            System.out.println("KafkajsIT: node/npm or the npm registry is not available; skipping");
            return "node/npm unavailable";
        });
        Files.copy(Path.of("src", "test", "resources", "kafkajs", "produce.js"), workDir.resolve("produce.js"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (EmbeddedBroker broker = EmbeddedBroker.start()) {
            Process node = new ProcessBuilder("node", "produce.js", broker.bootstrapServers(), "from-kafkajs")
                    .directory(workDir.toFile()).redirectErrorStream(true).start();
            assertThat(node.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(node.exitValue()).as("kafkajs printed:%n%s", output).isZero();
            assertThat(output).contains("\"high\":\"11\"");
            List<ConsumerRecord<String, String>> records = PartitionReader.readExactly(broker.bootstrapServers(), new TopicPartition("from-kafkajs", 0), 11);
            assertThat(records.get(0).key()).isEqualTo("k0");
            assertThat(records.get(0).value()).isEqualTo("hello from kafkajs 0");
            assertThat(records.get(10).value()).isEqualTo("gzipped by kafkajs");
        }
    }

    private static boolean npmInstall(Path dir) throws InterruptedException {
        if (Files.isDirectory(dir.resolve("node_modules").resolve("kafkajs"))) {
            return true;
        }
        try {
            Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--prefix", ".", KAFKAJS)
                    .directory(dir.toFile()).redirectErrorStream(true).start();
            boolean finished = npm.waitFor(180, TimeUnit.SECONDS);
            String output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!finished || npm.exitValue() != 0) {
                System.out.println("KafkajsIT: npm install " + KAFKAJS + " failed:\n" + output);
                return false;
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
