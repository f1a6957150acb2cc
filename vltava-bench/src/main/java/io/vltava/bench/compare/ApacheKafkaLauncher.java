package io.vltava.bench.compare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;

/**
 * Apache Kafka's own broker (the jars {@code bench/kafka} fetches from Maven Central) as a single-node
 * KRaft broker and controller in one process, with the JVM options of Kafka's start scripts and the
 * given heap, and Kafka's default settings otherwise.
 *
 * <p>Threading: immutable.
 */
public final class ApacheKafkaLauncher implements BrokerLauncher {

    /** The GC and JIT options {@code kafka-run-class.sh} starts a broker with. */
    private static final List<String> KAFKA_JVM_OPTIONS = List.of("-server", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
            "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent", "-XX:MaxInlineLevel=15",
            "-Djava.awt.headless=true");

    private final Path java;
    private final Path libDir;
    private final List<String> heapOptions;

    /**
     * @param java        the {@code java} binary
     * @param libDir      the directory holding Kafka's broker jars and their dependencies
     * @param heapOptions for example {@code -Xms2g -Xmx2g}
     */
    public ApacheKafkaLauncher(Path java, Path libDir, List<String> heapOptions) {
        this.java = java;
        this.libDir = libDir;
        this.heapOptions = List.copyOf(heapOptions);
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public double prepare(BrokerSite site) {
        String properties = String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.bootstrap.servers=127.0.0.1:" + site.controllerPort(),
                "listeners=PLAINTEXT://127.0.0.1:" + site.port() + ",CONTROLLER://127.0.0.1:" + site.controllerPort(),
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + site.port(),
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "log.dirs=" + logDir(site),
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "");
        try {
            Files.writeString(site.dir().resolve("server.properties"), properties);
            long start = System.nanoTime();
            Process format = new ProcessBuilder(java.toString(), "-cp", libDir + "/*", "kafka.tools.StorageTool", "format",
                    "--standalone", "-t", Uuid.randomUuid().toString(), "-c", "server.properties")
                    .directory(site.dir().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(site.dir().resolve("format.out").toFile())
                    .start();
            if (!format.waitFor(2, TimeUnit.MINUTES) || format.exitValue() != 0) {
                throw new IllegalStateException("kafka-storage format failed; see " + site.dir().resolve("format.out"));
            }
            return (System.nanoTime() - start) / 1e9;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare Kafka in " + site.dir(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while formatting Kafka's storage", e);
        }
    }

    @Override
    public List<String> command(BrokerSite site) {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(heapOptions);
        command.addAll(KAFKA_JVM_OPTIONS);
        command.addAll(List.of("-cp", libDir + "/*", "kafka.Kafka", "server.properties"));
        return command;
    }

    @Override
    public Map<String, String> environment(BrokerSite site) {
        return Map.of();
    }
}
