package io.vltava.bench.txn;

import io.vltava.bench.Flags;
import io.vltava.bench.compare.SideBySide;
import io.vltava.testing.KafkaClients;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The transaction benchmark, run against Apache Kafka and Vltava one after the other, each a fresh
 * single-node broker with the same heap: small transactions per second, and the produce throughput
 * of a transactional producer next to a plain idempotent one on the same broker. Writes a markdown
 * table to {@code --out}.
 *
 * <p>Threading: main thread only.
 */
public final class TransactionBenchmark {

    private final Flags flags;
    private final PrintStream out;
    private final List<String> rows = new ArrayList<>();

    private TransactionBenchmark(Flags flags, PrintStream out) {
        this.flags = flags;
        this.out = out;
    }

    static Flags flags() {
        return SideBySide.flags("TransactionBenchmark", "transactions")
                .define("seconds", "10", "seconds of each run")
                .define("warmup-seconds", "3", "unmeasured small transactions and produce after each start")
                .define("max-mib", "2048", "most MiB per throughput run (the same work for both)")
                .define("commit-interval-ms", "100", "how often the transactional producer commits (Kafka Streams' EOS default)");
    }

    public static void main(String[] args) throws Exception {
        Flags flags = SideBySide.parse(flags(), args);
        if (flags != null) {
            new TransactionBenchmark(flags, System.out).run();
        }
    }

    private void run() throws Exception {
        SideBySide.run(flags, this::measure);
        SideBySide.report(flags, out, "Transaction benchmark", flags.positiveInt("seconds") + " s per run, 1 KiB records for throughput, "
                + "commits every " + flags.positiveInt("commit-interval-ms") + " ms", "| broker | measurement | value |\n|---|---|---:|", rows);
    }

    private void measure(String broker, String bootstrap) throws Exception {
        try (Admin admin = KafkaClients.admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic("txn-small", 1, (short) 1), new NewTopic("txn-idempotent", 6, (short) 1),
                    new NewTopic("txn-transactional", 6, (short) 1))).all().get(2, TimeUnit.MINUTES);
        }
        Duration duration = Duration.ofSeconds(flags.positiveInt("seconds"));
        TransactionRun run = new TransactionRun(bootstrap);
        Duration warmup = Duration.ofSeconds(flags.positiveInt("warmup-seconds"));
        run.smallTransactions("txn-small", 1, warmup);
        run.throughput("txn-idempotent", warmup, Long.MAX_VALUE, null);
        for (int records : List.of(1, 10)) {
            out.println(broker + ": transactions of " + records + " record(s) ...");
            TransactionRun.SmallResult result = run.smallTransactions("txn-small", records, duration);
            rows.add(String.format(Locale.ROOT, "| %s | transactions/s, %d record(s) each (p50 / p99 ms: %.2f / %.2f) | %.0f |", broker, records,
                    result.p50Millis(), result.p99Millis(), result.transactionsPerSecond()));
        }
        long maxRecords = flags.positiveLong("max-mib") * 1024;
        out.println(broker + ": idempotent then transactional throughput ...");
        double idempotent = run.throughput("txn-idempotent", duration, maxRecords, null);
        double transactional = run.throughput("txn-transactional", duration, maxRecords, Duration.ofMillis(flags.positiveInt("commit-interval-ms")));
        rows.add(String.format(Locale.ROOT, "| %s | idempotent producer, 1 KiB, acks=all (MiB/s) | %.1f |", broker, idempotent));
        rows.add(String.format(Locale.ROOT, "| %s | transactional producer, same (MiB/s) | %.1f |", broker, transactional));
        rows.add(String.format(Locale.ROOT, "| %s | transactional / idempotent | %.2f |", broker, transactional / idempotent));
    }
}
