package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.testing.BrokerProcess;
import io.vltava.testing.KafkaClients;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Kills a broker process with SIGKILL at random moments while a producer writes with acks=all and
 * {@code log.flush.interval.messages=1}, restarts it, and repeats; then checks that every acknowledged
 * record is there once, at the offset it was acknowledged with, in order, with contiguous offsets.
 *
 * <p>Rounds: {@code -Dvltava.crash.rounds=N} (default 8; the long mode runs more).
 */
class CrashIT {

    private static final int PARTITIONS = 2;

    @Test
    void acknowledgedRecordsSurviveKills() throws Exception {
        int rounds = Integer.getInteger("vltava.crash.rounds", 8);
        Random random = new Random(Long.getLong("vltava.crash.seed", System.nanoTime()));
        ConcurrentMap<String, Long> acknowledged = new ConcurrentHashMap<>();
        Map<String, Integer> partitionOf = new ConcurrentHashMap<>();
        try (BrokerProcess broker = BrokerProcess.start(BrokerProcess.repositoryRoot(),
                List.of("log.flush.interval.messages=1", "log.segment.bytes=1048576"))) {
            try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
                admin.createTopics(List.of(new NewTopic("crash", PARTITIONS, (short) 1))).all().get();
            }
            for (int round = 0; round < rounds; round++) {
                AtomicBoolean running = new AtomicBoolean(true);
                Thread producerThread = new Thread(produce(broker.bootstrapServers(), round, running, acknowledged, partitionOf), "crash-producer");
                producerThread.start();
                TimeUnit.MILLISECONDS.sleep(300 + random.nextInt(1500));
                broker.kill();
                running.set(false);
                producerThread.join(30_000);
                broker.restart();
            }
            verify(broker, acknowledged, partitionOf);
            System.out.println("CrashIT: " + rounds + " SIGKILLs, " + acknowledged.size() + " acknowledged records all read back once, in order");
        }
    }

    private static Runnable produce(String bootstrap, int round, AtomicBoolean running, ConcurrentMap<String, Long> acknowledged,
                                    Map<String, Integer> partitionOf) {
        return () -> {
            Properties props = new Properties();
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.LINGER_MS_CONFIG, "1");
            props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "5000");
            props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
            props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "3000");
            try (KafkaProducer<String, String> producer = KafkaClients.producer(bootstrap, props)) {
                for (int seq = 0; running.get(); seq++) {
                    String value = "r" + round + "-s" + seq;
                    int partition = seq % PARTITIONS;
                    partitionOf.put(value, partition);
                    producer.send(new ProducerRecord<>("crash", partition, null, value), (metadata, error) -> {
                        if (error == null) {
                            acknowledged.put(value, metadata.offset());
                        }
                    });
                    if (seq % 50 == 0) {
                        Thread.yield();
                    }
                }
                producer.close(Duration.ZERO);
            } catch (RuntimeException e) {
                // the broker died under the producer; what was acknowledged is recorded
            }
        };
    }

    private static void verify(BrokerProcess broker, Map<String, Long> acknowledged, Map<String, Integer> partitionOf) {
        for (int p = 0; p < PARTITIONS; p++) {
            TopicPartition tp = new TopicPartition("crash", p);
            long expected = acknowledged.entrySet().stream().filter(e -> partitionOf.get(e.getKey()) == tp.partition())
                    .mapToLong(e -> e.getValue() + 1).max().orElse(0);
            List<ConsumerRecord<String, String>> records = PartitionReader.readRecords(broker.bootstrapServers(), tp, expected);
            Map<String, Long> stored = new HashMap<>();
            Set<String> seen = new HashSet<>();
            long previous = -1;
            Map<Integer, Integer> lastSeqOfRound = new HashMap<>();
            for (ConsumerRecord<String, String> record : records) {
                assertThat(record.offset()).as("offsets are contiguous").isEqualTo(previous + 1);
                previous = record.offset();
                assertThat(seen.add(record.value())).as("%s is stored once", record.value()).isTrue();
                stored.put(record.value(), record.offset());
                String[] parts = record.value().substring(1).split("-s");
                int round = Integer.parseInt(parts[0]);
                int seq = Integer.parseInt(parts[1]);
                Integer last = lastSeqOfRound.put(round, seq);
                assertThat(last == null || seq > last).as("sends of round %d are stored in send order", round).isTrue();
            }
            for (Map.Entry<String, Long> ack : acknowledged.entrySet()) {
                if (partitionOf.get(ack.getKey()) == tp.partition()) {
                    assertThat(stored.get(ack.getKey())).as("acknowledged %s at offset %d", ack.getKey(), ack.getValue()).isEqualTo(ack.getValue());
                }
            }
        }
    }
}
