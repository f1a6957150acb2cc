package io.vltava.it;

import io.vltava.testing.KafkaClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reading back what brokers in other processes hold. */
final class ProcessBrokers {

    private ProcessBrokers() {
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

    static List<String> readValues(String bootstrap, TopicPartition tp, long atLeast) {
        return readRecords(bootstrap, tp, atLeast).stream().map(ConsumerRecord::value).toList();
    }
}
