package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.testing.BrokerProcess;
import io.vltava.testing.KafkaClients;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * A broker whose heap is far smaller than the data it moves: records stay in the page cache and in
 * bounded pooled buffers, so producing and consuming more than twice the heap's size neither fails
 * nor runs it out of memory.
 */
class SmallHeapIT {

    private static final String HEAP = "-Xms96m -Xmx96m";
    private static final int RECORDS = 200_000;
    private static final int VALUE_BYTES = 1024;

    @Test
    void movesMoreThanTwiceItsHeapThroughAProducerAndAConsumer() throws Exception {
        try (BrokerProcess broker = BrokerProcess.start(BrokerProcess.repositoryRoot(), List.of(), HEAP)) {
            try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
                admin.createTopics(List.of(new NewTopic("small-heap", 4, (short) 1))).all().get();
            }
            CompletableFuture<Long> consumed = CompletableFuture.supplyAsync(() -> consumeAll(broker.bootstrapServers()));
            Properties settings = new Properties();
            settings.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            settings.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
            AtomicLong acknowledged = new AtomicLong();
            String value = "v".repeat(VALUE_BYTES);
            try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers(), settings)) {
                for (int i = 0; i < RECORDS; i++) {
                    producer.send(new ProducerRecord<>("small-heap", Integer.toString(i), value), (metadata, error) -> {
                        if (error == null) {
                            acknowledged.incrementAndGet();
                        }
                    });
                }
                producer.flush();
            }
            assertThat(acknowledged.get()).isEqualTo(RECORDS);
            assertThat(consumed.get(120, TimeUnit.SECONDS)).isEqualTo(RECORDS);
            assertThat(broker.output()).noneSatisfy(line -> assertThat(line).contains("OutOfMemoryError"));
            assertThat(broker.stop()).isIn(0, 143);
        }
    }

    private static long consumeAll(String bootstrap) {
        Properties settings = new Properties();
        settings.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(4 * 1024 * 1024));
        try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(bootstrap, settings)) {
            List<TopicPartition> partitions = List.of(0, 1, 2, 3).stream().map(p -> new TopicPartition("small-heap", p)).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long count = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (count < RECORDS && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    assertThat(record.value()).hasSize(VALUE_BYTES);
                    count++;
                }
            }
            return count;
        }
    }
}
