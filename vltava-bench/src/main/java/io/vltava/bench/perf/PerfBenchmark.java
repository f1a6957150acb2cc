package io.vltava.bench.perf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vltava.bench.Flags;
import io.vltava.bench.compare.SideBySide;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs {@code bin/vltava perf produce}, {@code perf consume} (of what was produced) and {@code perf e2e}
 * against a fresh Apache Kafka and then a fresh Vltava, reads their JSON summaries, and writes one
 * markdown table of both to {@code --out}.
 *
 * <p>Threading: main thread only; each perf tool runs in a process of its own.
 */
public final class PerfBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Flags flags;
    private final PrintStream out;
    private final Map<String, Map<String, JsonNode>> results = new LinkedHashMap<>();

    private PerfBenchmark(Flags flags, PrintStream out) {
        this.flags = flags;
        this.out = out;
    }

    static Flags flags() {
        return SideBySide.flags("PerfBenchmark", "perf")
                .define("produce-seconds", "20", "seconds of perf produce")
                .define("e2e-seconds", "15", "seconds of perf e2e")
                .define("record-size", "1024", "value size in bytes")
                .define("partitions", "6", "partitions of the produce topic (the e2e topic has 1)")
                .define("acks", "all", "the producers' acks")
                .define("e2e-throughput", "1000", "records per second of perf e2e");
    }

    public static void main(String[] args) throws Exception {
        Flags flags = SideBySide.parse(flags(), args);
        if (flags != null) {
            new PerfBenchmark(flags, System.out).run();
        }
    }

    private void run() throws Exception {
        SideBySide.run(flags, this::measure);
        List<String> brokers = new ArrayList<>(results.keySet());
        StringBuilder header = new StringBuilder("| measurement |");
        StringBuilder rule = new StringBuilder("|---|");
        for (String broker : brokers) {
            header.append(' ').append(broker.equals("kafka") ? "Kafka 4.4.0" : "Vltava").append(" |");
            rule.append("---:|");
        }
        List<String> rows = new ArrayList<>();
        rows.add(row(brokers, "produce MiB/s (records/s)", r -> throughput(r.get("produce"))));
        rows.add(row(brokers, "produce send-to-ack latency p50 / p99 / p99.9 ms", r -> latencies(r.get("produce"))));
        rows.add(row(brokers, "consume MiB/s (records/s)", r -> throughput(r.get("consume"))));
        rows.add(row(brokers, "e2e latency p50 / p99 / p99.9 ms", r -> latencies(r.get("e2e"))));
        rows.add(row(brokers, "e2e records/s", r -> String.format(Locale.ROOT, "%,.0f", r.get("e2e").get("records_per_second").asDouble())));
        String summary = String.format(Locale.ROOT, "bin/vltava perf: produce %d s to %d partitions, %d B records, acks=%s, then consume "
                        + "all of it; e2e %d s at %d records/s to 1 partition; MiB = 2^20 bytes",
                flags.positiveInt("produce-seconds"), flags.positiveInt("partitions"), flags.positiveInt("record-size"), flags.string("acks"),
                flags.positiveInt("e2e-seconds"), flags.positiveInt("e2e-throughput"));
        SideBySide.report(flags, out, "bin/vltava perf against Apache Kafka and Vltava", summary, header + "\n" + rule, rows);
    }

    private void measure(String broker, String bootstrap) throws Exception {
        String size = Integer.toString(flags.positiveInt("record-size"));
        Map<String, JsonNode> summaries = new LinkedHashMap<>();
        out.println(broker + ": perf produce ...");
        summaries.put("produce", perf(bootstrap, "produce", "--topic", "perf-produce", "--create", "--partitions",
                Integer.toString(flags.positiveInt("partitions")), "--duration", flags.positiveInt("produce-seconds") + "s",
                "--record-size", size, "--acks", flags.string("acks")));
        out.println(broker + ": perf consume ...");
        summaries.put("consume", perf(bootstrap, "consume", "--topic", "perf-produce", "--num-records",
                Long.toString(summaries.get("produce").get("records").asLong()), "--duration", "300s"));
        out.println(broker + ": perf e2e ...");
        summaries.put("e2e", perf(bootstrap, "e2e", "--topic", "perf-e2e", "--create", "--duration", flags.positiveInt("e2e-seconds") + "s",
                "--throughput", Integer.toString(flags.positiveInt("e2e-throughput")), "--record-size", size, "--acks", flags.string("acks")));
        results.put(broker, summaries);
    }

    /** Runs {@code bin/vltava perf TOOL ARGS -o json} against {@code bootstrap} and returns its summary. */
    private JsonNode perf(String bootstrap, String tool, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(flags.string("vltava-root")).resolve("bin/vltava").toString(), "perf", tool));
        command.addAll(List.of(args));
        command.addAll(List.of("--bootstrap-server", bootstrap, "-o", "json"));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + stdout);
        }
        out.print(stdout);
        return JSON.readTree(stdout);
    }

    private String row(List<String> brokers, String measurement, Function<Map<String, JsonNode>, String> value) {
        StringBuilder row = new StringBuilder("| ").append(measurement).append(" |");
        for (String broker : brokers) {
            row.append(' ').append(value.apply(results.get(broker))).append(" |");
        }
        return row.toString();
    }

    private static String throughput(JsonNode summary) {
        return String.format(Locale.ROOT, "%.1f (%,.0f)", summary.get("mib_per_second").asDouble(), summary.get("records_per_second").asDouble());
    }

    private static String latencies(JsonNode summary) {
        return String.format(Locale.ROOT, "%.2f / %.2f / %.2f", summary.get("latency_p50_ms").asDouble(),
                summary.get("latency_p99_ms").asDouble(), summary.get("latency_p999_ms").asDouble());
    }
}
