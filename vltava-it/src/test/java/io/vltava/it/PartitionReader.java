package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.testing.KafkaClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads partitions back from the start with the Java consumer ({@code assign}, no group).
 *
 * <p>Threading: stateless; each call uses a consumer of its own.
 */
final class PartitionReader {

    private PartitionReader() {
    }

    /** Every record of a partition from the start, waiting until at least {@code atLeast} arrived. */
    static List<ConsumerRecord<String, String>> readRecords(String bootstrap, TopicPartition tp, long atLeast) {
        try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(bootstrap)) {
            consumer.assign(Set.of(tp));
            consumer.seekToBeginning(Set.of(tp));
            long end = consumer.endOffsets(Set.of(tp)).get(tp);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while ((records.size() < atLeast || consumer.position(tp) < end) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    /** Every record of a partition from the start, which must be exactly {@code count} records. */
    static List<ConsumerRecord<String, String>> readExactly(String bootstrap, TopicPartition tp, int count) {
        List<ConsumerRecord<String, String>> records = readRecords(bootstrap, tp, count);
        assertThat(records).hasSize(count);
        return records;
    }

    static List<String> readValues(String bootstrap, TopicPartition tp, long atLeast) {
        return readRecords(bootstrap, tp, atLeast).stream().map(ConsumerRecord::value).toList();
    }
}
