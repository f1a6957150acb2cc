package io.vltava.bench.compare;

import io.vltava.testing.KafkaClients;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * How long a just-launched broker takes to acknowledge its first record: a producer (acks=all,
 * retrying every few milliseconds) sends one record as soon as the process is spawned, and the clock
 * runs from the spawn until the acknowledgement. Topics that do not exist are created by the broker's
 * {@code auto.create.topics.enable}, as for a new user.
 *
 * <p>Threading: stateless; blocks the caller.
 */
public final class FirstProduce {

    private FirstProduce() {
    }

    /** Seconds from {@code launchNanos} until a record sent to {@code topic} is acknowledged. */
    public static double secondsSinceLaunch(String bootstrap, String topic, long launchNanos, Duration timeout) {
        Properties props = new Properties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, "5");
        props.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "20");
        props.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "5");
        props.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "20");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout.toMillis()));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "vltava-bench-first-produce");
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.bytesProducer(bootstrap, props)) {
            producer.send(new ProducerRecord<>(topic, new byte[] {1})).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return (System.nanoTime() - launchNanos) / 1e9;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("No record was acknowledged by " + bootstrap + " within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the first produce", e);
        }
    }
}
