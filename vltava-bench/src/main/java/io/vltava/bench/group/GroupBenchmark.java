package io.vltava.bench.group;

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
        return SideBySide.flags("GroupBenchmark", "groups")
                .define("members", "10", "consumers in the group before each join")
                .define("partitions", "100", "partitions of the group's topic")
                .define("joins", "5", "joins (each followed by a leave) timed per protocol")
                .define("committers", "4", "threads committing offsets, each in its own group")
                .define("commit-seconds", "10", "seconds of each commit run");
    }

    public static void main(String[] args) throws Exception {
        Flags flags = SideBySide.parse(flags(), args);
        if (flags != null) {
            new GroupBenchmark(flags, System.out).run();
        }
    }

    private void run() throws Exception {
        SideBySide.run(flags, this::measure);
        SideBySide.report(flags, out, "Consumer group benchmark", flags.positiveInt("members") + " consumers over "
                + flags.positiveInt("partitions") + " partitions, " + flags.positiveInt("joins") + " joins and leaves per protocol, "
                + flags.positiveInt("committers") + " committers for " + flags.positiveInt("commit-seconds") + " s",
                "| broker | measurement | median | min | max |\n|---|---|---:|---:|---:|", rows);
    }

    private void measure(String broker, String bootstrap) throws Exception {
        int partitions = flags.positiveInt("partitions");
        try (Admin admin = KafkaClients.admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic("rebalance", partitions, (short) 1), new NewTopic("commits", 100, (short) 1)))
                    .all().get(2, TimeUnit.MINUTES);
        }
        for (String protocol : List.of("classic", "consumer")) {
            out.println(broker + ": timing joins and leaves with the " + protocol + " protocol ...");
            RebalanceRun.Result result = new RebalanceRun(bootstrap, "rebalance", partitions, "rebalance-" + protocol, protocol)
                    .run(flags.positiveInt("members"), flags.positiveInt("joins"));
            row(broker, protocol + ": settle after a member joins (s)", result.joinSeconds());
            row(broker, protocol + ": settle after a member leaves (s)", result.leaveSeconds());
        }
        Duration commitTime = Duration.ofSeconds(flags.positiveInt("commit-seconds"));
        for (int perCommit : List.of(1, 100)) {
            out.println(broker + ": committing " + perCommit + " partition(s) per commit ...");
            CommitRun.Result result = new CommitRun(bootstrap, "commits", perCommit)
                    .run("committers-" + perCommit, flags.positiveInt("committers"), commitTime);
            rows.add(String.format(Locale.ROOT, "| %s | commits/s, %d partition(s) each (p50 / p99 ms: %.2f / %.2f) | %.0f | | |",
                    broker, perCommit, result.p50Millis(), result.p99Millis(), result.commitsPerSecond()));
        }
    }

    private void row(String broker, String measurement, List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        rows.add(String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f | %.2f |", broker, measurement, sorted.get(sorted.size() / 2), sorted.get(0),
                sorted.get(sorted.size() - 1)));
    }
}
