package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vltava.testing.EmbeddedBroker;
import io.vltava.testing.KafkaClients;
import io.vltava.testing.TestDirectories;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Consumer groups through clients and tools other than the Java consumer: librdkafka's balanced
 * consumer (kcat -G; skipped with the reason printed where kcat is not installed) and Kafka's own
 * kafka-consumer-groups tool (lag, list, offset reset, delete).
 */
class GroupToolsIT {

    private static EmbeddedBroker broker;
    private static Path kafkaHome;

    @BeforeAll
    static void start() throws IOException {
        broker = EmbeddedBroker.start(Map.of("group.initial.rebalance.delay.ms", "0", "offsets.topic.num.partitions", "3"));
        kafkaHome = KafkaTools.install(Files.createTempDirectory("kafka-tools-"),
                Map.of("kafka-consumer-groups.sh", "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand"));
    }

    @AfterAll
    static void stop() {
        broker.close();
        TestDirectories.deleteQuietly(kafkaHome);
    }

    private static void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        }
    }

    private static void produce(String topic, int partitions, int perPartition) {
        try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers())) {
            for (int p = 0; p < partitions; p++) {
                for (int i = 0; i < perPartition; i++) {
                    producer.send(new ProducerRecord<>(topic, p, "k", "value-" + p + "-" + i));
                }
            }
            producer.flush();
        }
    }

    private static ConsumerGroupDescription describe(String groupId) throws Exception {
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            return admin.describeConsumerGroups(List.of(groupId)).all().get().get(groupId);
        }
    }

    private static Process kcatMember(String groupId, String topic, Path output) throws IOException {
        return new ProcessBuilder("kcat", "-b", broker.bootstrapServers(), "-G", groupId, "-X", "auto.offset.reset=earliest",
                "-X", "session.timeout.ms=6000", "-f", "%s\\n", "-u", "-q", topic)
                .redirectOutput(output.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static void stopGracefully(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    @Test
    void librdkafkaConsumersShareATopicAndCommitTheirOffsets() throws Exception {
        assumeTrue(KafkaTools.onPath("kcat"), () -> {
            System.out.println("GroupToolsIT: kcat is not installed (apt-get install kcat); skipping the librdkafka group test");
            return "kcat is not installed";
        });
        createTopic("kcat-shared", 4);
        produce("kcat-shared", 4, 10);
        Path first = Files.createTempFile(kafkaHome, "kcat-a", ".out");
        Path second = Files.createTempFile(kafkaHome, "kcat-b", ".out");
        Process a = kcatMember("kcat-group", "kcat-shared", first);
        Process b = null;
        try {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                ConsumerGroupDescription group = describe("kcat-group");
                assertThat(group.groupState()).isEqualTo(GroupState.STABLE);
                assertThat(group.members()).singleElement().satisfies(member -> assertThat(member.assignment().topicPartitions()).hasSize(4));
            });
            b = kcatMember("kcat-group", "kcat-shared", second);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                ConsumerGroupDescription group = describe("kcat-group");
                assertThat(group.groupState()).isEqualTo(GroupState.STABLE);
                assertThat(group.members()).hasSize(2);
                Set<TopicPartition> union = new HashSet<>();
                for (MemberDescription member : group.members()) {
                    assertThat(member.assignment().topicPartitions()).hasSize(2);
                    union.addAll(member.assignment().topicPartitions());
                }
                assertThat(union).hasSize(4);
            });
            List<String> expected = new ArrayList<>();
            IntStream.range(0, 4).forEach(p -> IntStream.range(0, 10).forEach(i -> expected.add("value-" + p + "-" + i)));
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                List<String> consumed = new ArrayList<>(Files.readAllLines(first, StandardCharsets.UTF_8));
                consumed.addAll(Files.readAllLines(second, StandardCharsets.UTF_8));
                assertThat(consumed).containsAll(expected);
            });
        } finally {
            stopGracefully(a);
            if (b != null) {
                stopGracefully(b);
            }
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(describe("kcat-group").members()).isEmpty());
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("kcat-group").partitionsToOffsetAndMetadata().get();
            assertThat(committed).hasSize(4).allSatisfy((tp, offset) -> assertThat(offset.offset()).isEqualTo(10));
        }
    }

    @Test
    void kafkasConsumerGroupsToolShowsLagResetsOffsetsAndDeletes() throws Exception {
        createTopic("lagging", 2);
        produce("lagging", 2, 10);
        Properties props = new Properties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "laggards");
        try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(broker.bootstrapServers(), props)) {
            consumer.commitSync(Map.of(new TopicPartition("lagging", 0), new OffsetAndMetadata(4),
                    new TopicPartition("lagging", 1), new OffsetAndMetadata(6)));
        }

        String described = tool("--describe", "--group", "laggards");
        assertThat(described).containsPattern("laggards\\s+lagging\\s+0\\s+4\\s+10\\s+6\\b");
        assertThat(described).containsPattern("laggards\\s+lagging\\s+1\\s+6\\s+10\\s+4\\b");

        assertThat(tool("--list")).contains("laggards");

        String reset = tool("--reset-offsets", "--group", "laggards", "--topic", "lagging", "--to-earliest", "--execute");
        assertThat(reset).containsPattern("laggards\\s+lagging\\s+0\\s+0\\b");
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            assertThat(admin.listConsumerGroupOffsets("laggards").partitionsToOffsetAndMetadata().get().values())
                    .extracting(OffsetAndMetadata::offset).containsOnly(0L);
        }

        assertThat(tool("--delete", "--group", "laggards")).contains("Deletion of requested consumer groups ('laggards') was successful");
        assertThat(tool("--list")).doesNotContain("laggards");
    }

    /** Runs kafka-consumer-groups.sh against the broker and returns what it printed; it must succeed. */
    private static String tool(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(kafkaHome.resolve("bin/kafka-consumer-groups.sh").toString(),
                "--bootstrap-server", broker.bootstrapServers()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        boolean finished = process.waitFor(90, TimeUnit.SECONDS);
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!finished) {
            process.destroyForcibly();
        }
        System.out.println("$ kafka-consumer-groups.sh " + String.join(" ", arguments) + "\n" + printed);
        assertThat(finished && process.exitValue() == 0).as("kafka-consumer-groups %s succeeds; it printed:%n%s", List.of(arguments), printed)
                .isTrue();
        return printed;
    }
}
