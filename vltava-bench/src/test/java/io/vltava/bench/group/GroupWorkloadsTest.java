package io.vltava.bench.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.testing.EmbeddedBroker;
import io.vltava.testing.KafkaClients;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The group benchmark's workloads, each briefly, against an in-process Vltava broker. */
class GroupWorkloadsTest {

    private static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedBroker.start(Map.of("group.initial.rebalance.delay.ms", "0", "offsets.topic.num.partitions", "3",
                "group.consumer.heartbeat.interval.ms", "500"));
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("spread", 6, (short) 1), new NewTopic("commits", 4, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void timesAJoinAndALeave(String protocol) {
        RebalanceRun.Result result = new RebalanceRun(broker.bootstrapServers(), "spread", 6, "bench-" + protocol, protocol).run(2, 1);

        assertThat(result.joinSeconds()).hasSize(1).allSatisfy(seconds -> assertThat(seconds).isPositive());
        assertThat(result.leaveSeconds()).hasSize(1).allSatisfy(seconds -> assertThat(seconds).isPositive());
    }

    @Test
    void countsCommits() throws Exception {
        CommitRun.Result result = new CommitRun(broker.bootstrapServers(), "commits", 4).run("committers", 2, Duration.ofSeconds(1));

        assertThat(result.commitsPerSecond()).isPositive();
        assertThat(result.p99Millis()).isGreaterThanOrEqualTo(result.p50Millis());
    }
}
