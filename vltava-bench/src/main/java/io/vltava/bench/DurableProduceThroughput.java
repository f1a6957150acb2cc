package io.vltava.bench;

import io.vltava.testing.EmbeddedBroker;
import io.vltava.testing.KafkaClients;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Produce throughput of the real Java producer (acks=all) against an in-process broker, for a topic
 * with {@code flush.messages=1} (every acknowledgement durable) and one in page-cache mode (the
 * default). After a warm-up, it runs each mode {@code --runs} times, alternating which goes first,
 * each run on a fresh topic deleted after it, and prints records/s and MB/s per run, the medians and
 * the ratio durable / page cache. Everything stays on 127.0.0.1, with ephemeral ports and a temporary
 * data directory (under {@code java.io.tmpdir}) deleted at the end.
 *
 * <pre>
 * java -cp vltava-bench/target/benchmarks.jar io.vltava.bench.DurableProduceThroughput --seconds 10 --runs 3
 * </pre>
 *
 * <p>Threading: a command-line program; it drives the producer from the main thread.
 */
public final class DurableProduceThroughput {

    private static final double AIM = 0.8;

    /** A topic setting under test. */
    private record Mode(String name, Map<String, String> topicConfigs) {
    }

    private static final Mode DURABLE = new Mode("flush.messages=1", Map.of("flush.messages", "1"));
    private static final Mode PAGE_CACHE = new Mode("page cache", Map.of());

    private DurableProduceThroughput() {
    }

    public static void main(String[] args) throws InterruptedException, ExecutionException {
        try {
            run(flags().parse(args), System.out);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }

    /** The tool's flags and their defaults. */
    static Flags flags() {
        return new Flags("DurableProduceThroughput")
                .define("seconds", "10", "longest run")
                .define("runs", "3", "runs per mode")
                .define("max-records", "3000000", "most records per run")
                .define("record-bytes", "1024", "bytes of each record's value")
                .define("partitions", "6", "partitions of each topic")
                .define("batch-size", "65536", "the producer's batch.size")
                .define("linger-ms", "5", "the producer's linger.ms")
                .define("warmup-seconds", "5", "length of the unmeasured page-cache run that warms up the JIT");
    }

    /** Runs the whole comparison with the parsed {@code flags}, printing to {@code out}. */
    static void run(Flags flags, PrintStream out) throws InterruptedException, ExecutionException {
        long seconds = flags.positiveLong("seconds");
        int runs = flags.positiveInt("runs");
        long maxRecords = flags.positiveLong("max-records");
        int recordBytes = flags.positiveInt("record-bytes");
        int partitions = flags.positiveInt("partitions");
        try (EmbeddedBroker broker = EmbeddedBroker.start(Map.of("log.segment.delete.delay.ms", "0"));
             Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            ProduceRun producer = new ProduceRun(broker.bootstrapServers(), recordBytes, flags.positiveInt("batch-size"),
                    flags.positiveInt("linger-ms"), "all");
            out.printf("Broker at %s, data in %s; %d partitions, %d B records, acks=all, batch.size %s, linger.ms %s, up to %d s and %d records per run%n",
                    broker.bootstrapServers(), broker.dataDir(), partitions, recordBytes, flags.string("batch-size"),
                    flags.string("linger-ms"), seconds, maxRecords);
            runOnce(admin, producer, PAGE_CACHE, "warmup", partitions, flags.positiveLong("warmup-seconds"), maxRecords);
            List<ProduceRun.Result> durable = new ArrayList<>();
            List<ProduceRun.Result> pageCache = new ArrayList<>();
            for (int run = 0; run < runs; run++) {
                Mode first = run % 2 == 0 ? DURABLE : PAGE_CACHE;
                Mode second = first == DURABLE ? PAGE_CACHE : DURABLE;
                for (Mode mode : List.of(first, second)) {
                    ProduceRun.Result result = runOnce(admin, producer, mode, "run" + run, partitions, seconds, maxRecords);
                    (mode == DURABLE ? durable : pageCache).add(result);
                    out.printf("  run %d %-18s %9.0f records/s %8.1f MB/s  (%d records in %.2f s%s)%n", run + 1, mode.name(),
                            result.recordsPerSecond(), result.megabytesPerSecond(), result.acknowledged(), result.seconds(),
                            result.failed() == 0 ? "" : ", " + result.failed() + " failed: " + result.firstError());
                }
            }
            double durableMedian = median(durable, ProduceRun.Result::recordsPerSecond);
            double pageCacheMedian = median(pageCache, ProduceRun.Result::recordsPerSecond);
            out.printf("  median %-15s %9.0f records/s %8.1f MB/s%n", DURABLE.name(), durableMedian,
                    median(durable, ProduceRun.Result::megabytesPerSecond));
            out.printf("  median %-15s %9.0f records/s %8.1f MB/s%n", PAGE_CACHE.name(), pageCacheMedian,
                    median(pageCache, ProduceRun.Result::megabytesPerSecond));
            double ratio = durableMedian / pageCacheMedian;
            out.printf("  durable / page cache = %.2f (aim >= %.1f: %s)%n", ratio, AIM, ratio >= AIM ? "met" : "missed");
        }
    }

    private static ProduceRun.Result runOnce(Admin admin, ProduceRun producer, Mode mode, String suffix, int partitions, double seconds,
                                             long maxRecords) throws InterruptedException, ExecutionException {
        String topic = (mode == DURABLE ? "durable-" : "page-cache-") + suffix;
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(mode.topicConfigs()))).all().get();
        try {
            return producer.run(topic, seconds, maxRecords);
        } finally {
            admin.deleteTopics(List.of(topic)).all().get();
        }
    }

    private static double median(List<ProduceRun.Result> results, ToDoubleFunction<ProduceRun.Result> figure) {
        double[] values = results.stream().mapToDouble(figure).sorted().toArray();
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}
