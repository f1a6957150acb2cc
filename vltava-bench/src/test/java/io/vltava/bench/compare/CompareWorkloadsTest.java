package io.vltava.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.bench.ProduceRun;
import io.vltava.testing.EmbeddedBroker;
import io.vltava.testing.KafkaClients;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The comparison's workloads, each briefly, against an in-process Vltava broker. */
class CompareWorkloadsTest {

    private static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedBroker.start();
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("preloaded", 3, (short) 1), new NewTopic("fixed", 3, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void consumesEveryRecordProducedBefore() {
        ProduceRun.Result produced = new ProduceRun(broker.bootstrapServers(), 1024, 16384, 1, "1").run("preloaded", 5, 2000);

        ConsumeAll.Result consumed = ConsumeAll.run(broker.bootstrapServers(), "preloaded", Duration.ofMinutes(1));

        assertThat(produced.failed()).isZero();
        assertThat(consumed.records()).isEqualTo(2000);
        assertThat(consumed.bytes()).isEqualTo(2000 * 1024);
    }

    @Test
    void fixedRateRunTimesEverySentRecordBothWays() {
        FixedRateRun.Result result = new FixedRateRun(broker.bootstrapServers(), 100)
                .run("fixed", 500, Duration.ofMillis(200), Duration.ofSeconds(1));

        assertThat(result.failed()).isZero();
        assertThat(result.sent()).isBetween(450L, 550L);
        assertThat(result.ack().getTotalCount()).isEqualTo(result.sent());
        assertThat(result.endToEnd().getTotalCount()).isEqualTo(result.sent());
        assertThat(result.endToEnd().getValueAtPercentile(50)).isGreaterThan(0);
    }

    @Test
    void idleConnectionsStayOpenWhileTheBrokerServesOthers() {
        try (IdleConnections idle = IdleConnections.open(broker.port(), 50)) {
            assertThat(idle.size()).isEqualTo(50);
            assertThat(FirstProduce.secondsSinceLaunch(broker.bootstrapServers(), "with-idle", System.nanoTime(), Duration.ofMinutes(1)))
                    .isPositive();
        }
    }

    @Test
    void createsManyPartitionsAndWaitsForTheirLeaders() {
        assertThat(ManyPartitions.create(broker.bootstrapServers(), 3, 4)).isPositive();
    }

    @Test
    void samplesThisProcess() {
        ProcessSample sample = ProcessSample.self();

        assertThat(sample.cpuSeconds()).isPositive();
        assertThat(sample.rssBytes()).isPositive().isLessThanOrEqualTo(sample.peakRssBytes());
    }
}
