package io.vltava.bench.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vltava.bench.Flags;
import io.vltava.bench.compare.BrokerSite;
import io.vltava.bench.compare.FirstProduce;
import io.vltava.bench.compare.HeapAfterGc;
import io.vltava.bench.compare.ProcessSample;
import io.vltava.bench.compare.RunningBroker;
import io.vltava.bench.compare.SideBySide;
import io.vltava.bench.compare.VltavaLauncher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A long run of sustained load against one Vltava broker with a small heap: {@code bin/vltava perf e2e}
 * (a producer and a consumer) at a fixed rate for {@code --minutes}, while the broker's heap after a
 * full collection and its resident memory are sampled. Writes a table of the samples and a summary of
 * the broker's GC pauses (from its GC log) to {@code --out}.
 *
 * <p>Threading: main thread only; the load runs in a {@code bin/vltava} process of its own.
 */
public final class SoakBenchmark {

    private static final double MIB = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private SoakBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Flags flags = SideBySide.parse(SideBySide.flags("SoakBenchmark", "soak")
                .define("minutes", "10", "how long the load runs")
                .define("throughput", "20000", "records per second of the load")
                .define("record-size", "1024", "value size in bytes")
                .define("sample-seconds", "60", "seconds between samples of heap and RSS")
                .define("heap", "-Xms512m -Xmx512m", "the broker's heap options"), args);
        if (flags != null) {
            run(flags);
        }
    }

    private static void run(Flags flags) throws Exception {
        Path workDir = Path.of(flags.string("work-dir")).toAbsolutePath();
        BrokerSite site = BrokerSite.create(workDir);
        Path gcLog = site.dir().resolve("gc.log");
        String heap = flags.string("heap");
        VltavaLauncher launcher = new VltavaLauncher(Path.of(flags.string("vltava-root")).toAbsolutePath(),
                heap + " -Xlog:gc:file=" + gcLog + ":uptime");
        String cpus = flags.string("broker-cpus").equals("none") ? null : flags.string("broker-cpus");
        RunningBroker broker = RunningBroker.start(launcher, site, cpus);
        List<String> rows = new ArrayList<>();
        JsonNode load;
        try {
            FirstProduce.secondsSinceLaunch(site.bootstrap(), "ready", broker.launchNanos(), Duration.ofMinutes(5));
            int minutes = flags.positiveInt("minutes");
            Process perf = perf(flags, site.bootstrap(), minutes);
            long start = System.nanoTime();
            long sampleNanos = TimeUnit.SECONDS.toNanos(flags.positiveInt("sample-seconds"));
            for (long next = start + sampleNanos; perf.isAlive(); next += sampleNanos) {
                if (perf.waitFor(Math.max(0, next - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    break;
                }
                ProcessSample sample = broker.sample();
                double heapMiB = HeapAfterGc.bytes(Path.of(System.getProperty("java.home")), broker.pid()) / MIB;
                String row = String.format(Locale.ROOT, "| %.1f | %.1f | %.1f | %.1f |", (System.nanoTime() - start) / 60e9, heapMiB,
                        sample.rssBytes() / MIB, sample.cpuSeconds());
                rows.add(row);
                System.out.println(row);
            }
            String output = new String(perf.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (perf.waitFor() != 0) {
                throw new IllegalStateException("bin/vltava perf e2e failed:\n" + output);
            }
            load = JSON.readTree(output);
            broker.stop();
        } finally {
            broker.kill();
        }
        String pauses = GcLog.summary(Files.readAllLines(gcLog));
        site.delete();
        String summary = String.format(Locale.ROOT, "Vltava with %s, bin/vltava perf e2e for %d min at %d records/s of %d B "
                        + "(%.0f records/s reached, end-to-end p50 / p99 / p99.9 / max %.2f / %.2f / %.2f / %.2f ms, %d errors); "
                        + "young and mixed GC pauses of the broker: %s",
                heap, flags.positiveInt("minutes"), flags.positiveInt("throughput"), flags.positiveInt("record-size"),
                load.get("records_per_second").asDouble(), load.get("latency_p50_ms").asDouble(), load.get("latency_p99_ms").asDouble(),
                load.get("latency_p999_ms").asDouble(), load.get("latency_max_ms").asDouble(), load.get("errors").asLong(), pauses);
        SideBySide.report(flags, System.out, "Soak: sustained load with a small heap", summary,
                "| minutes | heap after full GC (MiB) | RSS (MiB) | broker CPU seconds |\n|---:|---:|---:|---:|", rows);
    }

    private static Process perf(Flags flags, String bootstrap, int minutes) throws IOException {
        List<String> command = List.of(Path.of(flags.string("vltava-root")).resolve("bin/vltava").toString(), "perf", "e2e",
                "--topic", "soak", "--create", "--duration", minutes + "m", "--throughput", Integer.toString(flags.positiveInt("throughput")),
                "--record-size", Integer.toString(flags.positiveInt("record-size")), "--bootstrap-server", bootstrap, "-o", "json");
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }
}
