package io.vltava.bench.txn;

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

/** The transaction benchmark's workloads, each briefly, against an in-process Vltava broker. */
class TransactionWorkloadsTest {

    private static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedBroker.start(Map.of("transaction.state.log.num.partitions", "3"));
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("small", 1, (short) 1), new NewTopic("bulk", 2, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void countsSmallTransactions() {
        TransactionRun.SmallResult result = new TransactionRun(broker.bootstrapServers()).smallTransactions("small", 2, Duration.ofSeconds(1));

        assertThat(result.transactionsPerSecond()).isPositive();
        assertThat(result.p99Millis()).isGreaterThanOrEqualTo(result.p50Millis());
    }

    @Test
    void measuresThroughputWithAndWithoutTransactions() {
        TransactionRun run = new TransactionRun(broker.bootstrapServers());

        assertThat(run.throughput("bulk", Duration.ofSeconds(1), 2000, null)).isPositive();
        assertThat(run.throughput("bulk", Duration.ofSeconds(1), 2000, Duration.ofMillis(100))).isPositive();
    }
}
