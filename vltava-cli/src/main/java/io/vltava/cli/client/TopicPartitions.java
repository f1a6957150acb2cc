package io.vltava.cli.client;

import io.vltava.cli.CommandFailure;
import io.vltava.cli.ExitCodes;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Looks up a topic's partitions through the client a command already has, so that a missing topic
 * fails with exit code 3 and a broker that does not answer with exit code 4.
 *
 * <p>Threading: stateless; call from the thread that owns the client.
 */
public final class TopicPartitions {

    private TopicPartitions() {
    }

    /** How commands name a topic in messages: {@code topic 'orders'}. */
    public static String subject(String topic) {
        return "topic '" + topic + "'";
    }

    /** The topic's partitions in order, as the consumer's metadata shows them. */
    public static List<TopicPartition> of(Consumer<?, ?> consumer, String topic, ClientOptions client) {
        try {
            return sorted(consumer.partitionsFor(topic, client.timeout()), topic);
        } catch (KafkaException e) {
            throw client.failure(e, subject(topic));
        }
    }

    /** The topic's partitions in order, as the producer's metadata shows them (this may create the topic). */
    public static List<TopicPartition> of(Producer<?, ?> producer, String topic, ClientOptions client) {
        try {
            return sorted(producer.partitionsFor(topic), topic);
        } catch (KafkaException e) {
            throw client.failure(e, subject(topic));
        }
    }

    /** Fails with exit code 3 unless {@code partition} is one of {@code partitions}. */
    public static void require(List<TopicPartition> partitions, String topic, int partition) {
        if (partitions.stream().noneMatch(tp -> tp.partition() == partition)) {
            throw new CommandFailure(ExitCodes.NOT_FOUND, subject(topic) + " has no partition " + partition
                    + " (it has " + partitions.size() + ")");
        }
    }

    private static List<TopicPartition> sorted(List<PartitionInfo> infos, String topic) {
        if (infos == null || infos.isEmpty()) {
            throw new CommandFailure(ExitCodes.NOT_FOUND, subject(topic) + " does not exist");
        }
        return infos.stream().map(info -> new TopicPartition(topic, info.partition()))
                .sorted(Comparator.comparingInt(TopicPartition::partition)).toList();
    }
}
