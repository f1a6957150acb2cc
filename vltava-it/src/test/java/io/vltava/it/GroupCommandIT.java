package io.vltava.it;

import static io.vltava.it.VltavaCli.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vltava.testing.EmbeddedBroker;
import io.vltava.testing.KafkaClients;
import io.vltava.testing.VltavaCommand;
import io.vltava.testing.VltavaCommand.Result;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code vltava group ...}, run through bin/vltava against a real broker, on groups made by real Java
 * consumers: five records in each of the two partitions of "events".
 */
class GroupCommandIT {

    private static final TopicPartition EVENTS_0 = new TopicPartition("events", 0);
    private static final TopicPartition EVENTS_1 = new TopicPartition("events", 1);
    private static EmbeddedBroker broker;
    private static VltavaCli cli;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedBroker.start(Map.of("group.initial.rebalance.delay.ms", "0"));
        cli = new VltavaCli(broker.bootstrapServers());
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("events", 2, (short) 1))).all().get();
        }
        try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("events", i % 2, "key-" + i, "value-" + i)).get();
            }
        }
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void describesResetsAndDeletesAGroupAConsumerLeft() throws Exception {
        try (KafkaConsumer<String, String> consumer = consumer("readers")) {
            consumer.subscribe(List.of("events"));
            int read = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (read < 10 && System.nanoTime() < deadline) {
                read += consumer.poll(Duration.ofMillis(200)).count();
            }
            assertThat(read).isEqualTo(10);
            consumer.commitSync(Map.of(EVENTS_0, new OffsetAndMetadata(3), EVENTS_1, new OffsetAndMetadata(5)));
        }

        JsonNode listed = json(cli.run("group", "list", "-o", "json"));
        assertThat(listed.findValuesAsText("group")).contains("readers");
        for (JsonNode group : listed) {
            if (group.get("group").asText().equals("readers")) {
                assertThat(group.get("state").asText()).isEqualTo("Empty");
                assertThat(group.get("type").asText()).isEqualTo("classic");
            }
        }

        Result table = cli.run("group", "describe", "readers");
        assertThat(table.exitCode()).as(table.toString()).isZero();
        System.out.println(table.stdout());
        assertThat(table.stdout()).contains("GROUP", "readers", "Empty", "OFFSETS")
                .contains("TOPIC   PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG")
                .containsPattern("events  0 +3 +5 +2")
                .containsPattern("events  1 +5 +5 +0");

        Result dryRun = cli.run("group", "reset-offsets", "readers", "--all-topics", "--to-earliest", "--dry-run");
        assertThat(dryRun.exitCode()).as(dryRun.toString()).isZero();
        assertThat(dryRun.stdout()).contains("TOPIC   PARTITION  OLD-OFFSET  NEW-OFFSET").containsPattern("events  0 +3 +0");
        assertThat(committed("readers")).isEqualTo(Map.of(EVENTS_0, 3L, EVENTS_1, 5L));

        assertThat(cli.run("group", "reset-offsets", "readers", "--topic", "events", "--to-earliest").exitCode()).isZero();
        assertThat(committed("readers")).isEqualTo(Map.of(EVENTS_0, 0L, EVENTS_1, 0L));

        JsonNode shifted = json(cli.run("group", "reset-offsets", "readers", "--topic", "events:1", "--shift-by", "100", "-o", "json"));
        assertThat(shifted.get(0).get("new_offset").asLong()).as("kept at the log end").isEqualTo(5);
        assertThat(committed("readers")).isEqualTo(Map.of(EVENTS_0, 0L, EVENTS_1, 5L));

        JsonNode byTime = json(cli.run("group", "reset-offsets", "readers", "--topic", "events:0", "--to-datetime", "2000-01-01T00:00:00Z",
                "--dry-run", "-o", "json"));
        assertThat(byTime.get(0).get("new_offset").asLong()).as("the first record after 2000").isZero();
        JsonNode future = json(cli.run("group", "reset-offsets", "readers", "--topic", "events:0", "--to-timestamp",
                Long.toString(System.currentTimeMillis() + 3_600_000), "--dry-run", "-o", "json"));
        assertThat(future.get(0).get("new_offset").asLong()).as("no record that late: the log end").isEqualTo(5);

        Result deleted = cli.run("group", "delete", "readers");
        assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
        Result gone = cli.run("group", "describe", "readers");
        assertThat(gone.exitCode()).isEqualTo(3);
        assertThat(gone.stderr().strip()).isEqualTo("vltava: group 'readers' does not exist");
    }

    @Test
    void aGroupWithActiveMembersIsNeitherResetNorDeleted() throws Exception {
        try (KafkaConsumer<String, String> consumer = consumer("active")) {
            consumer.subscribe(List.of("events"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.assignment().size() < 2 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200));
            }
            consumer.commitSync();

            JsonNode described = json(cli.run("group", "describe", "active", "-o", "json"));
            assertThat(described.get("state").asText()).isEqualTo("Stable");
            assertThat(described.get("member_count").asInt()).isEqualTo(1);
            assertThat(described.get("members").get(0).get("client_id").asText()).startsWith("consumer-active");
            assertThat(described.get("offsets").findValuesAsText("member_id")).hasSize(2).doesNotContain("");

            Result reset = cli.run("group", "reset-offsets", "active", "--all-topics", "--to-latest");
            assertThat(reset.exitCode()).as(reset.toString()).isEqualTo(1);
            assertThat(reset.stderr().strip()).isEqualTo("vltava: group 'active' still has active members (state Stable); stop them first");

            Result delete = cli.run("group", "delete", "active");
            assertThat(delete.exitCode()).as(delete.toString()).isEqualTo(1);
            assertThat(delete.stderr().strip()).isEqualTo("vltava: group 'active' still has active members; stop them first");
        }
    }

    @Test
    void badUsageAndABrokerThatIsDown() {
        Result noTarget = cli.run("group", "reset-offsets", "readers", "--all-topics");
        assertThat(noTarget.exitCode()).isEqualTo(2);
        assertThat(noTarget.stderr()).startsWith("vltava: Error: Missing required argument");

        Result down = VltavaCommand.run("group", "list", "--bootstrap-server", "127.0.0.1:1", "--timeout", "2s");
        assertThat(down.exitCode()).isEqualTo(4);
        assertThat(down.stderr().strip()).isEqualTo(
                "vltava: no answer from a broker at 127.0.0.1:1 within 2 s (is one running there? see --bootstrap-server)");
    }

    private static KafkaConsumer<String, String> consumer(String group) {
        Properties props = new Properties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return KafkaClients.consumer(broker.bootstrapServers(), props);
    }

    private static Map<TopicPartition, Long> committed(String group) throws Exception {
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        }
    }

}
