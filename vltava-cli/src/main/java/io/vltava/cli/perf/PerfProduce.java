package io.vltava.cli.perf;

import io.vltava.cli.CommandFailure;
import io.vltava.cli.ExitCodes;
import io.vltava.cli.client.ClientOptions;
import io.vltava.cli.client.ProducerOptions;
import io.vltava.cli.client.TopicPartitions;
import io.vltava.cli.output.OutputOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vltava perf produce}: sends records as fast as allowed and measures throughput and send-to-acknowledgement latency. */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = "Produce records asynchronously; report throughput and send-to-acknowledgement latency.")
final class PerfProduce implements Callable<Integer> {

    @Mixin
    private ClientOptions client;

    @Mixin
    private OutputOption output;

    @Mixin
    private Workload workload;

    @Mixin
    private ProducerOptions producerOptions;

    @Mixin
    private ProducerTuning tuning;

    @Option(names = "--producers", paramLabel = "N", defaultValue = "1", description = "Producer threads, each with its own producer (default: ${DEFAULT-VALUE}).")
    private int producers;

    @Override
    public Integer call() throws InterruptedException {
        workload.prepare(client, 0, producers, "--producers");
        byte[] payload = PerfClients.payload(workload.recordSize());
        AtomicLong claimed = new AtomicLong();
        AtomicReference<Exception> firstError = new AtomicReference<>();
        Stats stats = new Stats("produce", true);
        long deadline = workload.deadline(stats.startNanos());
        double perProducer = workload.throughput(-1) < 0 ? -1 : (double) workload.throughput(-1) / producers;
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < producers; i++) {
            threads.add(Thread.ofPlatform().name("vltava-perf-producer-" + i).start(() -> {
                try (Producer<byte[], byte[]> producer = PerfClients.producer(client, producerOptions, tuning)) {
                    Throttle throttle = new Throttle(perProducer);
                    while (System.nanoTime() < deadline && claimed.getAndIncrement() < workload.limit() && firstError.get() == null) {
                        throttle.acquire();
                        long sentNanos = System.nanoTime();
                        producer.send(new ProducerRecord<>(workload.topic(), payload), (metadata, error) -> {
                            if (error == null) {
                                stats.record(payload.length, System.nanoTime() - sentNanos);
                            } else {
                                stats.error();
                                firstError.compareAndSet(null, error);
                            }
                        });
                    }
                    producer.flush();
                } catch (RuntimeException e) {
                    firstError.compareAndSet(null, e);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        Summary summary = stats.finish();
        if (firstError.get() != null && summary.records() == 0) {
            throw client.failure(firstError.get(), TopicPartitions.subject(workload.topic()));
        }
        output.printer().print(summary);
        if (firstError.get() != null) {
            CommandFailure failure = client.failure(firstError.get(), TopicPartitions.subject(workload.topic()));
            throw new CommandFailure(ExitCodes.FAILURE, summary.errors() + " sends failed: " + failure.getMessage(), firstError.get());
        }
        return ExitCodes.OK;
    }
}
