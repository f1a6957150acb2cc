package io.vltava.bench.compare;

import io.vltava.bench.Flags;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The frame of a benchmark run against Apache Kafka and then Vltava, each a fresh single-node broker
 * with the same heap: the flags every such benchmark takes, their parsing, the runs, and the markdown
 * report. {@code bench/lib/side-by-side.sh} starts them.
 *
 * <p>Threading: stateless; called from a benchmark's main thread.
 */
public final class SideBySide {

    /** What a benchmark measures on one broker. */
    @FunctionalInterface
    public interface Measurement {
        void measure(String brokerName, String bootstrap) throws Exception;
    }

    private SideBySide() {
    }

    /** The flags of every side-by-side benchmark; {@code name} places its files under bench/target/name. */
    public static Flags flags(String tool, String name) {
        return new Flags(tool)
                .define("kafka-lib", null, "directory of Apache Kafka's broker jars (empty: Vltava only)")
                .define("vltava-root", null, "the Vltava checkout (bin/vltava, config/)")
                .define("work-dir", "bench/target/" + name + "/work", "where brokers keep their data")
                .define("out", "bench/target/" + name + "/results.md", "where the table goes")
                .define("heap", "-Xms1g -Xmx1g", "heap options both brokers run with")
                .define("broker-cpus", "1", "taskset CPU list for the brokers, or none");
    }

    /** The parsed flags, or null after printing the usage for --help; bad flags end the JVM with status 2. */
    public static Flags parse(Flags definition, String[] args) {
        if (Arrays.asList(args).contains("--help")) {
            System.out.print(definition.usage());
            return null;
        }
        try {
            return definition.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return null;
        }
    }

    /** Runs {@code measurement} against a fresh Kafka (unless --kafka-lib is empty) and then a fresh Vltava. */
    public static void run(Flags flags, Measurement measurement) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<BrokerLauncher> launchers = new ArrayList<>();
        if (!flags.string("kafka-lib").isEmpty()) {
            launchers.add(new ApacheKafkaLauncher(java, Path.of(flags.string("kafka-lib")).toAbsolutePath(),
                    Arrays.asList(flags.string("heap").trim().split("\\s+"))));
        }
        launchers.add(new VltavaLauncher(Path.of(flags.string("vltava-root")).toAbsolutePath(), flags.string("heap")));
        String brokerCpus = flags.string("broker-cpus").equals("none") ? null : flags.string("broker-cpus");
        for (BrokerLauncher launcher : launchers) {
            FreshBroker.run(launcher, Path.of(flags.string("work-dir")).toAbsolutePath(), brokerCpus,
                    bootstrap -> measurement.measure(launcher.name(), bootstrap));
        }
    }

    /** Writes the report to --out and prints it: a title, a line saying when and what, and a table. */
    public static void report(Flags flags, PrintStream out, String title, String summary, String tableHeader, List<String> rows)
            throws IOException {
        String report = "# " + title + "\n\n" + Instant.now() + "; " + summary + "\n\n" + tableHeader + "\n" + String.join("\n", rows) + "\n";
        Path outFile = Path.of(flags.string("out"));
        Files.createDirectories(outFile.toAbsolutePath().getParent());
        Files.writeString(outFile, report);
        out.println(report);
        out.println("Written to " + outFile);
    }
}
