package io.vltava.bench.compare;

import io.vltava.testing.KafkaClients;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Latency at a fixed rate, open loop: record {@code i} is due at {@code start + i / rate} whether or not
 * earlier ones were acknowledged, and both latencies are timed from that intended send time, so a
 * stalled broker shows up as the wait of every record due during the stall (no coordinated omission).
 * The ack latency ends at the producer's callback (acks=all); the end-to-end latency ends when a
 * consumer on the same JVM, assigned every partition at its end, receives the record, whose value
 * carries its intended send time. Records due during the warm-up are sent but not counted.
 *
 * <p>Threading: {@link #run} blocks the caller, which sends; the producer's I/O thread records ack
 * latencies and a consumer thread end-to-end ones, each into its own histogram.
 */
public final class FixedRateRun {

    private static final long MAX_LATENCY_MICROS = TimeUnit.MINUTES.toMicros(2);

    private final String bootstrap;
    private final int recordBytes;

    /**
     * @param bootstrap   {@code host:port} of the broker
     * @param recordBytes value bytes per record, at least 8 (the intended send time)
     */
    public FixedRateRun(String bootstrap, int recordBytes) {
        this.bootstrap = bootstrap;
        this.recordBytes = Math.max(Long.BYTES, recordBytes);
    }

    /**
     * Latencies of one run, in microseconds (histograms owned by the caller once returned).
     *
     * @param ack        from intended send to acknowledgement
     * @param endToEnd   from intended send to receipt by the consumer
     * @param sent       records sent after the warm-up
     * @param failed     records whose send failed
     */
    public record Result(Histogram ack, Histogram endToEnd, long sent, long failed) {
    }

    /** Sends {@code rate} records per second to {@code topic} for warm-up plus measured seconds. */
    public Result run(String topic, double rate, Duration warmUp, Duration measured) {
        Histogram ack = new Histogram(MAX_LATENCY_MICROS, 3);
        Histogram endToEnd = new Histogram(MAX_LATENCY_MICROS, 3);
        AtomicLong failed = new AtomicLong();
        AtomicLong sentMeasured = new AtomicLong();
        AtomicLong received = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        producerProps.put(ProducerConfig.BATCH_SIZE_CONFIG, "65536");
        producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, "vltava-bench-fixed-rate");
        Properties consumerProps = new Properties();
        consumerProps.put(ProducerConfig.CLIENT_ID_CONFIG, "vltava-bench-fixed-rate-consumer");
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.bytesProducer(bootstrap, producerProps);
                KafkaConsumer<byte[], byte[]> consumer = KafkaClients.bytesConsumer(bootstrap, consumerProps)) {
            List<TopicPartition> partitions = producer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
            long measureFrom = start + warmUp.toNanos();
            long end = measureFrom + measured.toNanos();
            Thread receiver = Thread.ofPlatform().name("fixed-rate-consumer").start(() -> {
                while (!stop.get()) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                        long now = System.nanoTime();
                        long intended = ByteBuffer.wrap(record.value()).getLong();
                        if (intended >= measureFrom) {
                            endToEnd.recordValue(Math.min(MAX_LATENCY_MICROS, (now - intended) / 1000));
                            received.incrementAndGet();
                        }
                    }
                }
            });
            byte[] value = new byte[recordBytes];
            new Random(7).nextBytes(value);
            ByteBuffer stamp = ByteBuffer.wrap(value);
            double intervalNanos = 1e9 / rate;
            for (long i = 0; ; i++) {
                long intended = start + (long) (i * intervalNanos);
                if (intended >= end) {
                    break;
                }
                long wait = intended - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                stamp.putLong(0, intended);
                boolean counted = intended >= measureFrom;
                if (counted) {
                    sentMeasured.incrementAndGet();
                }
                producer.send(new ProducerRecord<>(topic, value), (metadata, error) -> {
                    if (error != null) {
                        failed.incrementAndGet();
                    } else if (counted) {
                        ack.recordValue(Math.min(MAX_LATENCY_MICROS, (System.nanoTime() - intended) / 1000));
                    }
                });
            }
            producer.flush();
            long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (received.get() < sentMeasured.get() - failed.get() && System.nanoTime() < waitUntil) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
            stop.set(true);
            receiver.join();
            return new Result(ack, endToEnd, sentMeasured.get(), failed.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during a fixed-rate run", e);
        }
    }
}
