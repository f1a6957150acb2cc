package io.vltava.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a whole topic from the beginning with the Java consumer using {@code assign} (no consumer
 * group, which Kafka's ConsumerPerformance needs) and prints the throughput, for quick measurements:
 * {@code java -cp ... io.vltava.testing.ConsumeThroughput <bootstrap> <topic> [fetch.max.bytes]}.
 *
 * <p>Threading: a command-line program; everything runs on the main thread.
 */
public final class ConsumeThroughput {

    private ConsumeThroughput() {
    }

    public static void main(String[] args) {
        String bootstrap = args[0];
        String topic = args[1];
        Properties props = new Properties();
        if (args.length > 2) {
            props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, args[2]);
        }
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "10485760");
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.bytesConsumer(bootstrap, props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long target = end.values().stream().mapToLong(Long::longValue).sum();
            long records = 0;
            long bytes = 0;
            long start = System.nanoTime();
            while (records < target) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofSeconds(5));
                for (ConsumerRecord<byte[], byte[]> record : batch) {
                    records++;
                    bytes += record.serializedValueSize() + Math.max(0, record.serializedKeySize());
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("%d records, %.1f MiB in %.2f s: %.0f records/s, %.1f MiB/s%n", records, bytes / 1048576.0, seconds,
                    records / seconds, bytes / 1048576.0 / seconds);
        }
    }
}
