package io.vltava.bench.txn;

import io.vltava.testing.KafkaClients;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The transaction workloads: back-to-back small transactions from one transactional producer, and the
 * produce throughput of one producer with and without transactions, committing every
 * {@code commitInterval} as Kafka Streams does with exactly_once_v2.
 *
 * <p>Threading: each run is called from one thread and uses one producer.
 */
final class TransactionRun {

    private final String bootstrap;

    TransactionRun(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** Transactions per second and the time of one transaction (begin, sends, commit) in milliseconds. */
    record SmallResult(double transactionsPerSecond, double p50Millis, double p99Millis) {
    }

    SmallResult smallTransactions(String topic, int recordsPerTransaction, Duration duration) {
        Properties props = new Properties();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-small-" + recordsPerTransaction);
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(30), 3);
        long transactions = 0;
        try (KafkaProducer<String, String> producer = KafkaClients.producer(bootstrap, props)) {
            producer.initTransactions();
            String value = "v".repeat(100);
            long deadline = System.nanoTime() + duration.toNanos();
            while (System.nanoTime() < deadline) {
                long started = System.nanoTime();
                producer.beginTransaction();
                for (int i = 0; i < recordsPerTransaction; i++) {
                    producer.send(new ProducerRecord<>(topic, Integer.toString(i), value));
                }
                producer.commitTransaction();
                latency.recordValue(Math.min(System.nanoTime() - started, latency.getHighestTrackableValue()));
                transactions++;
            }
        }
        return new SmallResult(transactions / (duration.toNanos() / 1e9), latency.getValueAtPercentile(50) / 1e6,
                latency.getValueAtPercentile(99) / 1e6);
    }

    /**
     * MiB/s of 1 KiB records from one producer for {@code duration} or {@code maxRecords}, acks=all.
     *
     * @param commitInterval how often a transactional producer commits, or null for a plain idempotent producer
     */
    double throughput(String topic, Duration duration, long maxRecords, Duration commitInterval) {
        Properties props = new Properties();
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, "65536");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        if (commitInterval != null) {
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-throughput");
        }
        byte[] value = new byte[1024];
        AtomicLong failed = new AtomicLong();
        long sent = 0;
        long started;
        long ended;
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.bytesProducer(bootstrap, props)) {
            if (commitInterval != null) {
                producer.initTransactions();
                producer.beginTransaction();
            }
            started = System.nanoTime();
            long deadline = started + duration.toNanos();
            long nextCommit = commitInterval == null ? Long.MAX_VALUE : started + commitInterval.toNanos();
            while (sent < maxRecords && System.nanoTime() < deadline) {
                producer.send(new ProducerRecord<>(topic, value), (metadata, exception) -> {
                    if (exception != null) {
                        failed.incrementAndGet();
                    }
                });
                sent++;
                if (System.nanoTime() >= nextCommit) {
                    producer.commitTransaction();
                    producer.beginTransaction();
                    nextCommit = System.nanoTime() + commitInterval.toNanos();
                }
            }
            if (commitInterval != null) {
                producer.commitTransaction();
            } else {
                producer.flush();
            }
            ended = System.nanoTime();
        }
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " of " + sent + " records failed");
        }
        return sent * 1024.0 / (1 << 20) / ((ended - started) / 1e9);
    }
}
