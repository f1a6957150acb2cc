package io.vltava.cli.perf;

import io.vltava.cli.client.ClientOptions;
import io.vltava.cli.client.ProducerOptions;
import io.vltava.cli.client.TopicPartitions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The producers and consumers of the perf tools: byte-array records, the user's flags and {@code -X}
 * properties on top.
 *
 * <p>Threading: stateless; each client it makes belongs to one thread.
 */
final class PerfClients {

    private PerfClients() {
    }

    static Producer<byte[], byte[]> producer(ClientOptions client, ProducerOptions options, ProducerTuning tuning) {
        Map<String, Object> properties = new HashMap<>(options.properties());
        properties.putAll(tuning.properties());
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, client.timeout().toMillis());
        return client.producer(properties);
    }

    /** A consumer in {@code group}, from the earliest offset where it has none, or without a group when null. */
    static Consumer<byte[], byte[]> consumer(ClientOptions client, String group) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, client.timeout().toMillis()));
        if (group != null) {
            properties.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return client.consumer(properties);
    }

    /** Assigns every partition of the topic to {@code consumer}, positioned at their ends unless {@code fromBeginning}. */
    static List<TopicPartition> assignAll(Consumer<byte[], byte[]> consumer, String topic, ClientOptions client, boolean fromBeginning) {
        List<TopicPartition> partitions = TopicPartitions.of(consumer, topic, client);
        consumer.assign(partitions);
        if (fromBeginning) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
        }
        partitions.forEach(tp -> consumer.position(tp, client.timeout()));
        return partitions;
    }

    /** {@code size} random upper-case letters, as a record value. */
    static byte[] payload(int size) {
        byte[] payload = new byte[size];
        Random random = new Random(size);
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) ('A' + random.nextInt(26));
        }
        return payload;
    }
}
