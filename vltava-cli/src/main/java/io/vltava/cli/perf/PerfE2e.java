package io.vltava.cli.perf;

import io.vltava.cli.ExitCodes;
import io.vltava.cli.client.ClientOptions;
import io.vltava.cli.client.ProducerOptions;
import io.vltava.cli.client.TopicPartitions;
import io.vltava.cli.output.OutputOption;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code vltava perf e2e}: one producer and one consumer on the same topic; each record carries the
 * {@link System#nanoTime()} of its send, and the consumer measures how long after that it received it.
 */
@Command(name = "e2e", mixinStandardHelpOptions = true,
        description = "Produce and consume the same topic in one process; report end-to-end latency (default --throughput 1000).")
final class PerfE2e implements Callable<Integer> {

    private static final long DEFAULT_THROUGHPUT = 1000;
    private static final Duration POLL = Duration.ofMillis(100);

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

    @Override
    public Integer call() throws InterruptedException {
        workload.prepare(client, Long.BYTES, 1, "--producers");
        AtomicLong acknowledged = new AtomicLong();
        AtomicReference<Exception> firstError = new AtomicReference<>();
        try (Consumer<byte[], byte[]> consumer = PerfClients.consumer(client, null)) {
            PerfClients.assignAll(consumer, workload.topic(), client, false);
            Stats stats = new Stats("e2e", true);
            long deadline = workload.deadline(stats.startNanos());
            Thread producerThread = Thread.ofPlatform().name("vltava-perf-e2e-producer").start(() -> {
                byte[] payload = PerfClients.payload(workload.recordSize());
                try (Producer<byte[], byte[]> producer = PerfClients.producer(client, producerOptions, tuning)) {
                    Throttle throttle = new Throttle(workload.throughput(DEFAULT_THROUGHPUT));
                    for (long sent = 0; sent < workload.limit() && System.nanoTime() < deadline && firstError.get() == null; sent++) {
                        throttle.acquire();
                        byte[] value = payload.clone();
                        ByteBuffer.wrap(value).putLong(0, System.nanoTime());
                        producer.send(new ProducerRecord<>(workload.topic(), value), (metadata, error) -> {
                            if (error == null) {
                                acknowledged.incrementAndGet();
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
            });
            long lastRecordNanos = System.nanoTime();
            long idleNanos = client.timeout().toNanos();
            try {
                while (firstError.get() == null && System.nanoTime() - lastRecordNanos < idleNanos
                        && (producerThread.isAlive() || stats.records() < acknowledged.get())) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                        long receivedNanos = System.nanoTime();
                        stats.record(record.serializedValueSize(), receivedNanos - ByteBuffer.wrap(record.value()).getLong(0));
                        lastRecordNanos = receivedNanos;
                    }
                }
            } catch (RuntimeException e) {
                firstError.compareAndSet(null, e);
            } finally {
                producerThread.join();
            }
            Summary summary = stats.finish();
            if (firstError.get() != null) {
                throw client.failure(firstError.get(), TopicPartitions.subject(workload.topic()));
            }
            output.printer().print(summary);
            return ExitCodes.OK;
        }
    }
}
