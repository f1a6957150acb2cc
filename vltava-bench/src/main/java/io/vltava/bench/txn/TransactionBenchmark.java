package io.vltava.bench.txn;

import io.vltava.bench.Flags;
import io.vltava.bench.compare.ApacheKafkaLauncher;
import io.vltava.bench.compare.BrokerLauncher;
import io.vltava.bench.compare.FreshBroker;
import io.vltava.bench.compare.VltavaLauncher;
import io.vltava.testing.KafkaClients;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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
        return new Flags("TransactionBenchmark")
                .define("kafka-lib", null, "directory of Apache Kafka's broker jars (empty: Vltava only)")
                .define("vltava-root", null, "the Vltava checkout (bin/vltava, config/)")
                .define("work-dir", "bench/target/transactions/work", "where brokers keep their data")
                .define("out", "bench/target/transactions/results.md", "where the table goes")
                .define("seconds", "10", "seconds of each run")
                .define("max-mib", "2048", "most MiB per throughput run (the same work for both)")
                .define("commit-interval-ms", "100", "how often the transactional producer commits (Kafka Streams' EOS default)")
                .define("heap", "-Xms1g -Xmx1g", "heap options both brokers run with")
                .define("broker-cpus", "1", "taskset CPU list for the brokers, or none");
    }

    public static void main(String[] args) throws Exception {
        if (Arrays.asList(args).contains("--help")) {
            System.out.print(flags().usage());
            return;
        }
        Flags flags;
        try {
            flags = flags().parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        new TransactionBenchmark(flags, System.out).run();
    }

    private void run() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<BrokerLauncher> launchers = new ArrayList<>();
        if (!flags.string("kafka-lib").isEmpty()) {
            launchers.add(new ApacheKafkaLauncher(java, Path.of(flags.string("kafka-lib")).toAbsolutePath(),
                    Arrays.asList(flags.string("heap").trim().split("\\s+"))));
        }
        launchers.add(new VltavaLauncher(Path.of(flags.string("vltava-root")).toAbsolutePath(), flags.string("heap")));
        String brokerCpus = flags.string("broker-cpus").equals("none") ? null : flags.string("broker-cpus");
        for (BrokerLauncher launcher : launchers) {
            FreshBroker.run(launcher, Path.of(flags.string("work-dir")).toAbsolutePath(), brokerCpus, bootstrap -> measure(launcher.name(), bootstrap));
        }
        String report = "# Transaction benchmark\n\n" + Instant.now() + "; " + flags.positiveInt("seconds") + " s per run, 1 KiB records for "
                + "throughput, commits every " + flags.positiveInt("commit-interval-ms") + " ms\n\n| broker | measurement | value |\n|---|---|---:|\n"
                + String.join("\n", rows) + "\n";
        Path outFile = Path.of(flags.string("out"));
        Files.createDirectories(outFile.toAbsolutePath().getParent());
        Files.writeString(outFile, report);
        out.println(report);
        out.println("Written to " + outFile);
    }

    private void measure(String broker, String bootstrap) throws Exception {
        try (Admin admin = KafkaClients.admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic("txn-small", 1, (short) 1), new NewTopic("txn-idempotent", 6, (short) 1),
                    new NewTopic("txn-transactional", 6, (short) 1))).all().get(2, TimeUnit.MINUTES);
        }
        Duration duration = Duration.ofSeconds(flags.positiveInt("seconds"));
        TransactionRun run = new TransactionRun(bootstrap);
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
