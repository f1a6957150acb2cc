package io.vltava.bench.compare;

import io.vltava.bench.Flags;
import io.vltava.bench.ProduceRun;
import io.vltava.testing.KafkaClients;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Runs the same workloads against Apache Kafka's broker and Vltava's, interleaved (Kafka then Vltava,
 * for every round), each broker started fresh for each round with the same heap and default durability
 * settings, optionally pinned to other CPUs than this JVM (the load generator). Writes
 * {@code results.md} and {@code results.json} to the output directory and prints the table.
 *
 * <p>Threading: runs on the main thread; each workload starts its own client threads.
 */
public final class Compare {

    private static final double MIB = 1024.0 * 1024.0;
    private static final int BATCH_SIZE = 65536;
    private static final int LINGER_MS = 5;
    private static final Duration LATENCY_WARM_UP = Duration.ofSeconds(2);
    private static final Duration FIRST_PRODUCE_TIMEOUT = Duration.ofMinutes(5);
    private static final int[] RECORD_BYTES = {1024, 100};
    private static final String[] ACKS = {"1", "all"};

    private final Flags flags;
    private final PrintStream out;
    private final Measurements measurements = new Measurements();
    private final Path workDir;
    private final String brokerCpus;
    private double kafkaMaxRecordsPerSecond;
    private final Map<String, String> jvmOptions = new LinkedHashMap<>();

    private Compare(Flags flags, PrintStream out) {
        this.flags = flags;
        this.out = out;
        this.workDir = Path.of(flags.string("work-dir")).toAbsolutePath();
        this.brokerCpus = flags.string("broker-cpus").equals("none") ? null : flags.string("broker-cpus");
    }

    static Flags flags() {
        return new Flags("Compare")
                .define("kafka-lib", null, "directory of Apache Kafka's broker jars")
                .define("vltava-root", null, "the Vltava checkout (bin/vltava, config/)")
                .define("work-dir", "bench/target/compare/work", "where brokers keep their data (emptied per run)")
                .define("out-dir", "bench/target/compare", "where results.md and results.json go")
                .define("rounds", "3", "rounds of the main workloads (Kafka then Vltava each)")
                .define("many-rounds", "1", "rounds of the 10,000-partition workloads")
                .define("seconds", "10", "longest maximum-throughput run")
                .define("max-mib", "2048", "most MiB of record values per maximum-throughput run (the same work for both)")
                .define("warmup-seconds", "3", "unmeasured produce after each start")
                .define("latency-seconds", "10", "measured seconds of each fixed-rate run")
                .define("fixed-rate", "10000", "records/s of the first fixed-rate run (the second is half Kafka's max)")
                .define("partitions", "6", "partitions of each workload's topic")
                .define("idle-connections", "1000", "idle connections held during the last fixed-rate run")
                .define("many-topics", "100", "topics of the many-partitions workload")
                .define("many-partitions-per-topic", "100", "partitions per topic of the many-partitions workload")
                .define("idle-seconds", "10", "seconds over which idle CPU is measured")
                .define("heap", "-Xms2g -Xmx2g", "heap options both brokers run with")
                .define("broker-cpus", "1", "taskset CPU list for the brokers, or none");
    }

    public static void main(String[] args) throws IOException {
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
        new Compare(flags, System.out).run();
    }

    private void run() throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> heap = Arrays.asList(flags.string("heap").trim().split("\\s+"));
        List<BrokerLauncher> launchers = List.of(
                new ApacheKafkaLauncher(java, Path.of(flags.string("kafka-lib")).toAbsolutePath(), heap),
                new VltavaLauncher(Path.of(flags.string("vltava-root")).toAbsolutePath(), flags.string("heap")));
        Map<String, String> header = header();
        header.forEach((key, value) -> out.println(key + ": " + value));
        for (BrokerLauncher launcher : launchers) {
            out.printf("%nStarting and stopping %s once, unmeasured (the first start after a build makes Vltava's start-up cache)%n",
                    launcher.name());
            firstStart(launcher);
        }
        try {
            int rounds = flags.nonNegativeInt("rounds");
            for (int round = 1; round <= rounds; round++) {
                for (BrokerLauncher launcher : launchers) {
                    out.printf("%n== round %d/%d: %s ==%n", round, rounds, launcher.name());
                    mainWorkloads(launcher);
                }
            }
            int manyRounds = flags.nonNegativeInt("many-rounds");
            for (int round = 1; round <= manyRounds; round++) {
                for (BrokerLauncher launcher : launchers) {
                    out.printf("%n== many partitions, round %d/%d: %s ==%n", round, manyRounds, launcher.name());
                    manyPartitions(launcher);
                }
            }
        } finally {
            writeResults(header);
        }
    }

    /** Writes what was measured, also when a workload failed part of the way. */
    private void writeResults(Map<String, String> header) throws IOException {
        header.putAll(jvmOptions);
        Path outDir = Path.of(flags.string("out-dir"));
        Files.createDirectories(outDir);
        StringBuilder markdown = new StringBuilder();
        header.forEach((key, value) -> markdown.append("- ").append(key).append(": ").append(value).append('\n'));
        markdown.append('\n').append(Report.markdown(measurements));
        Files.writeString(outDir.resolve("results.md"), markdown);
        Files.writeString(outDir.resolve("results.json"), Report.json(header, measurements));
        out.println();
        out.println(markdown);
        out.println("Written to " + outDir.resolve("results.md") + " and " + outDir.resolve("results.json"));
    }

    private void firstStart(BrokerLauncher launcher) {
        BrokerSite site = newSite();
        launcher.prepare(site);
        RunningBroker broker = RunningBroker.start(launcher, site, brokerCpus);
        try {
            FirstProduce.secondsSinceLaunch(site.bootstrap(), "first-produce", broker.launchNanos(), FIRST_PRODUCE_TIMEOUT);
            broker.stop();
        } finally {
            broker.kill();
            site.delete();
        }
    }

    private void mainWorkloads(BrokerLauncher launcher) {
        String name = launcher.name();
        BrokerSite site = newSite();
        double prepareSeconds = launcher.prepare(site);
        RunningBroker broker = RunningBroker.start(launcher, site, brokerCpus);
        try {
            double first = FirstProduce.secondsSinceLaunch(site.bootstrap(), "first-produce", broker.launchNanos(), FIRST_PRODUCE_TIMEOUT);
            jvmOptions.putIfAbsent(name + " JVM options", broker.jvmOptions());
            report(Metric.lower("start", "launch → first acknowledged produce", "s", "≤ 0.2"), name, first);
            report(Metric.lower("start", "storage format before the first start", "s", ""), name, prepareSeconds);
            List<String> topics = new ArrayList<>(List.of("warmup", "latency-fixed", "latency-half", "latency-connections"));
            for (int recordBytes : RECORD_BYTES) {
                for (String acks : ACKS) {
                    topics.add(produceTopic(recordBytes, acks));
                }
            }
            createTopics(site.bootstrap(), topics, flags.positiveInt("partitions"));
            new ProduceRun(site.bootstrap(), 1024, BATCH_SIZE, LINGER_MS, "1").run("warmup", flags.positiveInt("warmup-seconds"), Long.MAX_VALUE);
            for (int recordBytes : RECORD_BYTES) {
                for (String acks : ACKS) {
                    maxProduce(broker, recordBytes, acks);
                }
            }
            consume(broker);
            double fixedRate = flags.positiveInt("fixed-rate");
            fixedRate(broker, "latency-fixed", String.format(Locale.ROOT, "%,.0f msg/s", fixedRate), fixedRate);
            report(Metric.lower("memory", "broker RSS after the fixed-rate run", "MiB", "≤ 0.3"), name, broker.sample().rssBytes() / MIB);
            if (kafkaMaxRecordsPerSecond > 0) {
                fixedRate(broker, "latency-half", "50% of Kafka's max", kafkaMaxRecordsPerSecond / 2);
            }
            report(Metric.lower("memory", "broker peak RSS (VmHWM)", "MiB", "≤ 0.3"), name, broker.sample().peakRssBytes() / MIB);
            report(Metric.lower("memory", "heap after full GC", "MiB", ""), name,
                    HeapAfterGc.bytes(Path.of(System.getProperty("java.home")), broker.pid()) / MIB);
            settle();
            try (IdleConnections idle = IdleConnections.open(site.port(), flags.positiveInt("idle-connections"))) {
                String workload = String.format(Locale.ROOT, "%,d idle connections + %,.0f msg/s", idle.size(), fixedRate);
                FixedRateRun.Result result = new FixedRateRun(site.bootstrap(), 1024)
                        .run("latency-connections", fixedRate, LATENCY_WARM_UP, Duration.ofSeconds(flags.positiveInt("latency-seconds")));
                report(Metric.lower(workload, "broker RSS", "MiB", "≤ 0.3"), name, broker.sample().rssBytes() / MIB);
                report(Metric.lower(workload, "ack latency p99", "ms", "≤ 0.5"), name, result.ack().getValueAtPercentile(99) / 1000.0);
                report(Metric.lower(workload, "end-to-end latency p99", "ms", "≤ 0.5"), name, result.endToEnd().getValueAtPercentile(99) / 1000.0);
            }
            report(Metric.lower("stop", "clean shutdown", "s", ""), name, broker.stop());
        } finally {
            broker.kill();
            site.delete();
        }
    }

    private void maxProduce(RunningBroker broker, int recordBytes, String acks) {
        settle();
        String name = broker.launcher().name();
        String workload = String.format(Locale.ROOT, "produce %s acks=%s", recordBytes == 1024 ? "1 KiB" : recordBytes + " B", acks);
        ProcessSample before = broker.sample();
        ProcessSample clientBefore = ProcessSample.self();
        ProduceRun.Result result = new ProduceRun(broker.site().bootstrap(), recordBytes, BATCH_SIZE, LINGER_MS, acks)
                .run(produceTopic(recordBytes, acks), flags.positiveInt("seconds"), flags.positiveLong("max-mib") * (long) MIB / recordBytes);
        ProcessSample after = broker.sample();
        ProcessSample clientAfter = ProcessSample.self();
        if (result.failed() > 0) {
            throw new IllegalStateException(name + ": " + result.failed() + " records failed in " + workload + ": " + result.firstError());
        }
        double mebibytes = result.bytes() / MIB;
        report(Metric.higher(workload, "throughput", "MiB/s", "≥ 1.1"), name, mebibytes / result.seconds());
        report(Metric.lower(workload, "broker CPU", "ms/MiB", "≤ 0.5"), name, after.cpuSecondsSince(before) * 1000 / mebibytes);
        report(Metric.lower(workload, "client CPU", "ms/MiB", ""), name, clientAfter.cpuSecondsSince(clientBefore) * 1000 / mebibytes);
        report(Metric.lower(workload, "disk bytes written per byte produced", "B/B", ""), name,
                (double) after.writeBytesSince(before) / result.bytes());
        if (recordBytes == 1024 && acks.equals("1") && name.equals("kafka")) {
            kafkaMaxRecordsPerSecond = result.recordsPerSecond();
        }
    }

    private void consume(RunningBroker broker) {
        settle();
        String name = broker.launcher().name();
        String workload = "consume 1 KiB records from the start";
        ProcessSample before = broker.sample();
        ProcessSample clientBefore = ProcessSample.self();
        ConsumeAll.Result result = ConsumeAll.run(broker.site().bootstrap(), produceTopic(1024, "1"), Duration.ofMinutes(5));
        ProcessSample after = broker.sample();
        ProcessSample clientAfter = ProcessSample.self();
        double mebibytes = result.bytes() / MIB;
        report(Metric.higher(workload, "throughput", "MiB/s", "≥ 1.1"), name, result.mebibytesPerSecond());
        report(Metric.lower(workload, "broker CPU", "ms/MiB", "≤ 0.7"), name, after.cpuSecondsSince(before) * 1000 / mebibytes);
        report(Metric.lower(workload, "client CPU", "ms/MiB", ""), name, clientAfter.cpuSecondsSince(clientBefore) * 1000 / mebibytes);
    }

    private void fixedRate(RunningBroker broker, String topic, String rateName, double rate) {
        settle();
        String name = broker.launcher().name();
        String workload = "1 KiB at " + rateName + " (acks=all)";
        ProcessSample before = broker.sample();
        ProcessSample clientBefore = ProcessSample.self();
        FixedRateRun.Result result = new FixedRateRun(broker.site().bootstrap(), 1024)
                .run(topic, rate, LATENCY_WARM_UP, Duration.ofSeconds(flags.positiveInt("latency-seconds")));
        ProcessSample after = broker.sample();
        ProcessSample clientAfter = ProcessSample.self();
        if (result.failed() > 0) {
            throw new IllegalStateException(name + ": " + result.failed() + " records failed at " + rateName);
        }
        report(Metric.lower(workload, "rate sent", "msg/s", ""), name, rate);
        latencies(name, workload, "ack", result.ack(), "");
        latencies(name, workload, "end-to-end", result.endToEnd(), "≤ 0.5");
        double seconds = LATENCY_WARM_UP.toSeconds() + flags.positiveInt("latency-seconds");
        report(Metric.lower(workload, "broker CPU", "% of a core", ""), name, 100 * after.cpuSecondsSince(before) / seconds);
        report(Metric.lower(workload, "client CPU (producer and consumer)", "% of a core", ""), name,
                100 * clientAfter.cpuSecondsSince(clientBefore) / seconds);
    }

    private void latencies(String name, String workload, String kind, Histogram histogram, String tailTarget) {
        report(Metric.lower(workload, kind + " latency p50", "ms", kind.equals("ack") ? "" : "≤ 0.7"), name,
                histogram.getValueAtPercentile(50) / 1000.0);
        report(Metric.lower(workload, kind + " latency p99", "ms", tailTarget), name, histogram.getValueAtPercentile(99) / 1000.0);
        report(Metric.lower(workload, kind + " latency p99.9", "ms", tailTarget), name, histogram.getValueAtPercentile(99.9) / 1000.0);
        report(Metric.lower(workload, kind + " latency max", "ms", ""), name, histogram.getMaxValue() / 1000.0);
    }

    private void manyPartitions(BrokerLauncher launcher) {
        String name = launcher.name();
        int topics = flags.positiveInt("many-topics");
        int perTopic = flags.positiveInt("many-partitions-per-topic");
        String workload = String.format(Locale.ROOT, "%,d partitions", topics * perTopic);
        BrokerSite site = newSite();
        launcher.prepare(site);
        RunningBroker broker = RunningBroker.start(launcher, site, brokerCpus);
        try {
            FirstProduce.secondsSinceLaunch(site.bootstrap(), "first-produce", broker.launchNanos(), FIRST_PRODUCE_TIMEOUT);
            report(Metric.lower(workload, "create (" + topics + " topics, 10 per request)", "s", ""), name,
                    ManyPartitions.create(site.bootstrap(), topics, perTopic));
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(5));
            ProcessSample before = broker.sample();
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(flags.positiveInt("idle-seconds")));
            ProcessSample after = broker.sample();
            report(Metric.lower(workload, "idle broker CPU", "% of a core", "≤ 0.5"), name,
                    100 * after.cpuSecondsSince(before) / flags.positiveInt("idle-seconds"));
            report(Metric.lower(workload, "idle broker RSS", "MiB", ""), name, after.rssBytes() / MIB);
            report(Metric.lower(workload, "clean shutdown", "s", ""), name, broker.stop());
            broker = RunningBroker.start(launcher, site, brokerCpus);
            report(Metric.lower(workload, "restart after clean stop → first produce", "s", ""), name,
                    FirstProduce.secondsSinceLaunch(site.bootstrap(), ManyPartitions.topic(0), broker.launchNanos(), FIRST_PRODUCE_TIMEOUT));
            broker.kill();
            broker = RunningBroker.start(launcher, site, brokerCpus);
            report(Metric.lower(workload, "restart after SIGKILL → first produce", "s", ""), name,
                    FirstProduce.secondsSinceLaunch(site.bootstrap(), ManyPartitions.topic(1), broker.launchNanos(), FIRST_PRODUCE_TIMEOUT));
            broker.stop();
        } finally {
            broker.kill();
            site.delete();
        }
    }

    /**
     * Writes every dirty page to disk ({@code sync}) and pauses a second, so that no workload pays for
     * the write-back of the one before it.
     */
    private static void settle() {
        try {
            Process sync = new ProcessBuilder("sync").inheritIO().start();
            if (!sync.waitFor(5, TimeUnit.MINUTES)) {
                sync.destroyForcibly();
            }
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run sync", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for sync", e);
        }
    }

    private void report(Metric metric, String broker, double value) {
        measurements.add(metric, broker, value);
        out.printf(Locale.ROOT, "  %-50s %-42s %12.3f %s%n", metric.workload(), metric.figure(), value, metric.unit());
    }

    private static String produceTopic(int recordBytes, String acks) {
        return "produce-" + recordBytes + "-acks-" + acks;
    }

    private static void createTopics(String bootstrap, List<String> names, int partitions) {
        try (Admin admin = KafkaClients.admin(bootstrap)) {
            admin.createTopics(names.stream().map(topic -> new NewTopic(topic, partitions, (short) 1)).toList())
                    .all().get(2, TimeUnit.MINUTES);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Cannot create topics " + names, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        }
    }

    private BrokerSite newSite() {
        return BrokerSite.create(workDir);
    }

    private Map<String, String> header() throws IOException {
        Map<String, String> header = new LinkedHashMap<>();
        header.put("date", Instant.now().toString());
        header.put("cpu", cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " CPUs visible to the load generator");
        header.put("memory", Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " "));
        header.put("kernel", Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim());
        header.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        header.put("brokers pinned to CPUs", brokerCpus == null ? "no" : brokerCpus);
        header.put("settings", String.format(Locale.ROOT,
                "same heap for both (%s), each broker's own JVM flags otherwise; %d rounds (many partitions: %d); "
                        + "%d partitions per topic; batch.size=%d linger.ms=%d for max throughput (at most %d s and %d MiB per run); "
                        + "fixed-rate runs: linger.ms=0, acks=all, %d s measured after %d s",
                flags.string("heap"), flags.nonNegativeInt("rounds"), flags.nonNegativeInt("many-rounds"), flags.positiveInt("partitions"), BATCH_SIZE, LINGER_MS,
                flags.positiveInt("seconds"), flags.positiveLong("max-mib"), flags.positiveInt("latency-seconds"),
                LATENCY_WARM_UP.toSeconds()));
        return header;
    }

    private static String cpuModel() throws IOException {
        return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                .filter(line -> line.startsWith("model name"))
                .map(line -> line.substring(line.indexOf(':') + 1).trim())
                .findFirst().orElse("unknown CPU");
    }
}
