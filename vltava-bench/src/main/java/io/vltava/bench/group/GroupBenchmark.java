package io.vltava.bench.group;

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
 * The consumer group benchmark, run against Apache Kafka and Vltava one after the other, each a fresh
 * single-node broker with the same heap: how long a group of Java consumers takes to settle when a
 * member joins and when one leaves (classic and consumer protocols), and how many synchronous offset
 * commits per second a few committers get. Writes a markdown table to {@code --out}.
 *
 * <p>Threading: main thread only (the runs start their own client threads).
 */
public final class GroupBenchmark {

    private final Flags flags;
    private final PrintStream out;
    private final List<String> rows = new ArrayList<>();

    private GroupBenchmark(Flags flags, PrintStream out) {
        this.flags = flags;
        this.out = out;
    }

    static Flags flags() {
        return new Flags("GroupBenchmark")
                .define("kafka-lib", null, "directory of Apache Kafka's broker jars (empty: Vltava only)")
                .define("vltava-root", null, "the Vltava checkout (bin/vltava, config/)")
                .define("work-dir", "bench/target/groups/work", "where brokers keep their data")
                .define("out", "bench/target/groups/results.md", "where the table goes")
                .define("members", "10", "consumers in the group before each join")
                .define("partitions", "100", "partitions of the group's topic")
                .define("joins", "5", "joins (each followed by a leave) timed per protocol")
                .define("committers", "4", "threads committing offsets, each in its own group")
                .define("commit-seconds", "10", "seconds of each commit run")
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
        new GroupBenchmark(flags, System.out).run();
    }

    private void run() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<BrokerLauncher> launchers = new ArrayList<>();
        if (!flags.string("kafka-lib").isEmpty()) {
            launchers.add(new ApacheKafkaLauncher(java, Path.of(flags.string("kafka-lib")).toAbsolutePath(),
                    Arrays.asList(flags.string("heap").trim().split("\\s+"))));
        }
        launchers.add(new VltavaLauncher(Path.of(flags.string("vltava-root")).toAbsolutePath(), flags.string("heap")));
        for (BrokerLauncher launcher : launchers) {
            measure(launcher);
        }
        String table = "| broker | measurement | median | min | max |\n|---|---|---:|---:|---:|\n" + String.join("\n", rows) + "\n";
        String report = "# Consumer group benchmark\n\n" + Instant.now() + "; " + flags.positiveInt("members") + " consumers over "
                + flags.positiveInt("partitions") + " partitions, " + flags.positiveInt("joins") + " joins and leaves per protocol, "
                + flags.positiveInt("committers") + " committers for " + flags.positiveInt("commit-seconds") + " s\n\n" + table;
        Path outFile = Path.of(flags.string("out"));
        Files.createDirectories(outFile.toAbsolutePath().getParent());
        Files.writeString(outFile, report);
        out.println(report);
        out.println("Written to " + outFile);
    }

    private void measure(BrokerLauncher launcher) throws Exception {
        String brokerCpus = flags.string("broker-cpus").equals("none") ? null : flags.string("broker-cpus");
        FreshBroker.run(launcher, Path.of(flags.string("work-dir")).toAbsolutePath(), brokerCpus, bootstrap -> {
            int partitions = flags.positiveInt("partitions");
            try (Admin admin = KafkaClients.admin(bootstrap)) {
                admin.createTopics(List.of(new NewTopic("rebalance", partitions, (short) 1), new NewTopic("commits", 100, (short) 1)))
                        .all().get(2, TimeUnit.MINUTES);
            }
            for (String protocol : List.of("classic", "consumer")) {
                out.println(launcher.name() + ": timing joins and leaves with the " + protocol + " protocol ...");
                RebalanceRun.Result result = new RebalanceRun(bootstrap, "rebalance", partitions, "rebalance-" + protocol, protocol)
                        .run(flags.positiveInt("members"), flags.positiveInt("joins"));
                row(launcher.name(), protocol + ": settle after a member joins (s)", result.joinSeconds());
                row(launcher.name(), protocol + ": settle after a member leaves (s)", result.leaveSeconds());
            }
            Duration commitTime = Duration.ofSeconds(flags.positiveInt("commit-seconds"));
            for (int perCommit : List.of(1, 100)) {
                out.println(launcher.name() + ": committing " + perCommit + " partition(s) per commit ...");
                CommitRun.Result result = new CommitRun(bootstrap, "commits", perCommit)
                        .run("committers-" + perCommit, flags.positiveInt("committers"), commitTime);
                rows.add(String.format(Locale.ROOT, "| %s | commits/s, %d partition(s) each (p50 / p99 ms: %.2f / %.2f) | %.0f | | |",
                        launcher.name(), perCommit, result.p50Millis(), result.p99Millis(), result.commitsPerSecond()));
            }
        });
    }

    private void row(String broker, String measurement, List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        rows.add(String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f | %.2f |", broker, measurement, sorted.get(sorted.size() / 2), sorted.get(0),
                sorted.get(sorted.size() - 1)));
    }
}
