package io.vltava.bench.compare;

import io.vltava.testing.KafkaClients;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * One consumer reading every partition of a preloaded topic from its start to the end offsets it had
 * when the run began, as fast as it can, without a group; the clock runs from the first poll until
 * the last record.
 *
 * <p>Threading: stateless; blocks the caller.
 */
public final class ConsumeAll {

    private ConsumeAll() {
    }

    /**
     * What one run read (immutable).
     *
     * @param records records consumed
     * @param bytes   key and value bytes consumed
     * @param seconds from the first poll until the end was reached
     */
    public record Result(long records, long bytes, double seconds) {

        public double mebibytesPerSecond() {
            return bytes / seconds / (1024.0 * 1024.0);
        }
    }

    /** Reads {@code topic} from its start to its current end, failing after {@code timeout}. */
    public static Result run(String bootstrap, String topic, Duration timeout) {
        Properties props = new Properties();
        props.put(ConsumerConfig.RECEIVE_BUFFER_CONFIG, Integer.toString(2 * 1024 * 1024));
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "vltava-bench-consume");
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.bytesConsumer(bootstrap, props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long expected = 0;
            for (TopicPartition partition : partitions) {
                expected += end.get(partition) - consumer.position(partition);
            }
            long records = 0;
            long bytes = 0;
            long start = System.nanoTime();
            long deadline = start + timeout.toNanos();
            while (records < expected) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Read " + records + " of " + expected + " records of " + topic + " within " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    records++;
                    bytes += record.serializedValueSize() + Math.max(0, record.serializedKeySize());
                }
            }
            return new Result(records, bytes, (System.nanoTime() - start) / 1e9);
        }
    }
}
