package io.vltava.cli.perf;

import io.vltava.cli.ExitCodes;
import io.vltava.cli.client.ClientOptions;
import io.vltava.cli.client.DurationConverter;
import io.vltava.cli.client.TopicPartitions;
import io.vltava.cli.output.OutputOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vltava perf consume}: reads a topic from the beginning and measures throughput. */
@Command(name = "consume", mixinStandardHelpOptions = true,
        description = "Consume a topic from the beginning (or as a group); report throughput.")
final class PerfConsume implements Callable<Integer> {

    private static final Duration POLL = Duration.ofMillis(100);

    @Mixin
    private ClientOptions client;

    @Mixin
    private OutputOption output;

    @Mixin
    private Workload workload;

    @Option(names = {"-g", "--group"}, paramLabel = "GROUP", description = "Consume as members of GROUP (default: assign every partition, no group).")
    private String group;

    @Option(names = "--consumers", paramLabel = "N", defaultValue = "1",
            description = "Consumer threads; without a group they split the partitions (default: ${DEFAULT-VALUE}).")
    private int consumers;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
            description = "Stop once no record has arrived for this long (default: ${DEFAULT-VALUE}).")
    private Duration idleTimeout;

    @Override
    public Integer call() throws InterruptedException {
        workload.prepare(client, 0, consumers, "--consumers");
        List<TopicPartition> partitions;
        try (Consumer<byte[], byte[]> probe = PerfClients.consumer(client, null)) {
            partitions = TopicPartitions.of(probe, workload.topic(), client);
        }
        AtomicLong consumed = new AtomicLong();
        AtomicLong lastRecordNanos = new AtomicLong(System.nanoTime());
        AtomicReference<Exception> firstError = new AtomicReference<>();
        Stats stats = new Stats("consume", false);
        long deadline = workload.deadline(stats.startNanos());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < consumers; i++) {
            List<TopicPartition> share = new ArrayList<>();
            for (int p = i; p < partitions.size(); p += consumers) {
                share.add(partitions.get(p));
            }
            if (group == null && share.isEmpty()) {
                continue;
            }
            threads.add(Thread.ofPlatform().name("vltava-perf-consumer-" + i).start(() -> {
                try (Consumer<byte[], byte[]> consumer = PerfClients.consumer(client, group)) {
                    if (group == null) {
                        consumer.assign(share);
                        consumer.seekToBeginning(share);
                    } else {
                        consumer.subscribe(List.of(workload.topic()));
                    }
                    while (consumed.get() < workload.limit() && System.nanoTime() < deadline
                            && System.nanoTime() - lastRecordNanos.get() < idleTimeout.toNanos() && firstError.get() == null) {
                        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                        for (ConsumerRecord<byte[], byte[]> record : records) {
                            if (consumed.incrementAndGet() > workload.limit()) {
                                break;
                            }
                            stats.record(Math.max(0, record.serializedKeySize()) + Math.max(0, record.serializedValueSize()), -1);
                            lastRecordNanos.set(System.nanoTime());
                        }
                    }
                } catch (RuntimeException e) {
                    firstError.compareAndSet(null, e);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        Summary summary = stats.finish();
        if (firstError.get() != null) {
            throw client.failure(firstError.get(), TopicPartitions.subject(workload.topic()));
        }
        output.printer().print(summary);
        return ExitCodes.OK;
    }
}
