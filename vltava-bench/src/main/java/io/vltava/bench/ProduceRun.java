package io.vltava.bench;

import io.vltava.testing.KafkaClients;
import java.time.Duration;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One timed run of the real Java producer against one topic: records of random bytes with null keys,
 * sent as fast as the producer takes them for a bounded time and count, then flushed; the clock runs
 * from the first send until every record is acknowledged.
 *
 * <p>Threading: {@link #run} on the caller's thread; the producer's callbacks count on its I/O thread.
 */
public final class ProduceRun {

    private final String bootstrap;
    private final int recordBytes;
    private final int batchSize;
    private final int lingerMs;
    private final String acks;

    /**
     * @param bootstrap   {@code host:port} of the broker
     * @param recordBytes bytes of each record's value
     * @param batchSize   the producer's {@code batch.size}
     * @param lingerMs    the producer's {@code linger.ms}
     * @param acks        the producer's {@code acks}: {@code 0}, {@code 1} or {@code all}
     */
    public ProduceRun(String bootstrap, int recordBytes, int batchSize, int lingerMs, String acks) {
        this.bootstrap = bootstrap;
        this.recordBytes = recordBytes;
        this.batchSize = batchSize;
        this.lingerMs = lingerMs;
        this.acks = acks;
    }

    /**
     * What one run did (immutable).
     *
     * @param acknowledged records acknowledged without error
     * @param failed       records whose send failed
     * @param bytes        value bytes acknowledged
     * @param seconds      from the first send until the last acknowledgement
     * @param firstError   the first send failure, or null
     */
    public record Result(long acknowledged, long failed, long bytes, double seconds, String firstError) {

        public double recordsPerSecond() {
            return acknowledged / seconds;
        }

        public double megabytesPerSecond() {
            return bytes / seconds / 1_000_000.0;
        }
    }

    /** Sends to {@code topic} for at most {@code maxSeconds} and {@code maxRecords} records. */
    public Result run(String topic, double maxSeconds, long maxRecords) {
        Properties props = new Properties();
        props.put(ProducerConfig.ACKS_CONFIG, acks);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(batchSize));
        props.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(lingerMs));
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "vltava-bench");
        byte[] value = new byte[recordBytes];
        new Random(3).nextBytes(value);
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.bytesProducer(bootstrap, props)) {
            producer.partitionsFor(topic);
            long start = System.nanoTime();
            long deadline = start + (long) (maxSeconds * 1e9);
            for (long sent = 0; sent < maxRecords && System.nanoTime() < deadline; sent++) {
                producer.send(new ProducerRecord<>(topic, value), (metadata, error) -> {
                    if (error == null) {
                        acknowledged.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                        firstError.compareAndSet(null, error.toString());
                    }
                });
            }
            producer.flush();
            double seconds = (System.nanoTime() - start) / 1e9;
            producer.close(Duration.ofSeconds(10));
            return new Result(acknowledged.get(), failed.get(), acknowledged.get() * recordBytes, seconds, firstError.get());
        }
    }
}
