package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.testing.BrokerProcess;
import io.vltava.testing.KafkaClients;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Kills a broker process with SIGKILL at random moments while producers write (with acks=all and an
 * fsync per message) to a topic that rolls and loses old segments to retention all the time, and to a
 * compacted topic the cleaner rewrites all the time; between some runs it appends random bytes to the
 * tail of a partition's last segment, as a torn write would leave. After every restart the earliest
 * offset never goes back; at the end every acknowledged record retention did not remove is there at
 * its offset, the compacted topic holds for every key a value at least as new as the last one
 * acknowledged, and nothing corrupt is ever served (the consumer checks every CRC).
 *
 * <p>Rounds: {@code -Dvltava.torture.rounds=N} (default 6; the long mode runs more),
 * {@code -Dvltava.torture.seed=S} to replay one.
 */
class StorageTortureIT {

    private static final TopicPartition RETAINED = new TopicPartition("retained", 0);
    private static final TopicPartition COMPACTED = new TopicPartition("compacted", 0);
    private static final int KEYS = 50;
    private static final String PADDING = "p".repeat(400);

    /** An acknowledged record: its value and offset. */
    record Acked(String key, String value, long offset) {
    }

    @Test
    void logsStayConsistentThroughKillsDuringRollsRetentionCompactionAndTornTails() throws Exception {
        int rounds = Integer.getInteger("vltava.torture.rounds", 6);
        long seed = Long.getLong("vltava.torture.seed", System.nanoTime());
        Random random = new Random(seed);
        ConcurrentMap<String, Acked> retained = new ConcurrentHashMap<>();
        ConcurrentMap<String, Acked> compacted = new ConcurrentHashMap<>();
        int damaged = 0;
        Map<String, Integer> events = new HashMap<>();
        try (BrokerProcess broker = BrokerProcess.start(BrokerProcess.repositoryRoot(), List.of("log.flush.interval.messages=1",
                "log.retention.check.interval.ms=100", "log.segment.delete.delay.ms=0", "log.cleaner.backoff.ms=100"))) {
            try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
                admin.createTopics(List.of(
                        new NewTopic(RETAINED.topic(), 1, (short) 1).configs(Map.of("segment.bytes", "1048576", "retention.bytes", "2097152",
                                "segment.ms", "700")),
                        new NewTopic(COMPACTED.topic(), 1, (short) 1).configs(Map.of("segment.bytes", "1048576", "cleanup.policy", "compact",
                                "min.cleanable.dirty.ratio", "0.01", "delete.retention.ms", "0")))).all().get();
            }
            long earliest = 0;
            for (int round = 0; round < rounds; round++) {
                AtomicBoolean running = new AtomicBoolean(true);
                Thread producer = new Thread(produce(broker.bootstrapServers(), round, running, retained, compacted), "torture-producer");
                producer.start();
                TimeUnit.MILLISECONDS.sleep(500 + random.nextInt(2500));
                count(broker.output(), events);
                broker.kill();
                running.set(false);
                producer.join(30_000);
                if (random.nextBoolean()) {
                    tearTail(broker.dataDir().resolve((random.nextBoolean() ? RETAINED : COMPACTED).toString()), random);
                    damaged++;
                }
                broker.restart();
                long now = earliest(broker.bootstrapServers(), RETAINED);
                assertThat(now).as("the earliest offset after restart %d", round).isGreaterThanOrEqualTo(earliest);
                earliest = now;
            }
            verifyRetained(broker.bootstrapServers(), retained);
            verifyCompacted(broker.bootstrapServers(), compacted);
            count(broker.output(), events);
            System.out.printf("StorageTortureIT (seed %d): %d SIGKILLs, %d torn tails, %d + %d acknowledged records checked; the broker logged %s%n",
                    seed, rounds, damaged, retained.size(), compacted.size(), events);
        }
    }

    /** Counts the storage events a broker logged in one run: cleanings, retention deletions, recoveries, truncations. */
    private static void count(List<String> output, Map<String, Integer> events) {
        for (String line : output) {
            for (String event : List.of("Cleaned", "Deleting", "Recovered the log", "truncated", "Completed the swap")) {
                if (line.contains(event)) {
                    events.merge(event, 1, Integer::sum);
                }
            }
        }
    }

    private static Runnable produce(String bootstrap, int round, AtomicBoolean running, ConcurrentMap<String, Acked> retained,
                                    ConcurrentMap<String, Acked> compacted) {
        return () -> {
            Properties props = new Properties();
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.LINGER_MS_CONFIG, "2");
            props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "5000");
            props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
            props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "3000");
            try (KafkaProducer<String, String> producer = KafkaClients.producer(bootstrap, props)) {
                for (int seq = 0; running.get(); seq++) {
                    String key = "k" + (seq % KEYS);
                    String value = "r" + round + "-s" + seq + "-" + PADDING;
                    TopicPartition tp = seq % 2 == 0 ? RETAINED : COMPACTED;
                    ConcurrentMap<String, Acked> acked = tp == RETAINED ? retained : compacted;
                    producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), key, value), (metadata, error) -> {
                        if (error == null) {
                            acked.put(value, new Acked(key, value, metadata.offset()));
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

    /** Appends 1 to 4096 random bytes to the partition's last segment, sometimes starting with a plausible batch length. */
    private static void tearTail(Path partitionDir, Random random) throws IOException {
        Path last;
        try (Stream<Path> files = Files.list(partitionDir)) {
            last = files.filter(file -> file.getFileName().toString().endsWith(".log")).sorted().reduce((a, b) -> b).orElseThrow();
        }
        byte[] garbage = new byte[1 + random.nextInt(4096)];
        random.nextBytes(garbage);
        if (garbage.length >= 12 && random.nextBoolean()) {
            ByteBuffer.wrap(garbage).putLong(0, random.nextInt(1_000_000)).putInt(8, garbage.length - 12);
        }
        try (FileChannel channel = FileChannel.open(last, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            channel.write(ByteBuffer.wrap(garbage));
        }
    }

    private static long earliest(String bootstrap, TopicPartition tp) throws Exception {
        try (Admin admin = KafkaClients.admin(bootstrap)) {
            return admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get().offset();
        }
    }

    private static long latest(String bootstrap, TopicPartition tp) throws Exception {
        try (Admin admin = KafkaClients.admin(bootstrap)) {
            return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset();
        }
    }

    /** From the earliest offset on, every acknowledged record is at its offset, once, and offsets are contiguous. */
    private static void verifyRetained(String bootstrap, Map<String, Acked> acked) throws Exception {
        long earliest = earliest(bootstrap, RETAINED);
        long end = latest(bootstrap, RETAINED);
        List<ConsumerRecord<String, String>> records = PartitionReader.readRecords(bootstrap, RETAINED, end - earliest);
        Map<Long, String> byOffset = new HashMap<>();
        long previous = earliest - 1;
        for (ConsumerRecord<String, String> record : records) {
            assertThat(record.offset()).as("offsets of a retained topic are contiguous").isEqualTo(previous + 1);
            previous = record.offset();
            byOffset.put(record.offset(), record.value());
        }
        assertThat(previous).isEqualTo(end - 1);
        for (Acked ack : acked.values()) {
            if (ack.offset() >= earliest) {
                assertThat(byOffset.get(ack.offset())).as("acknowledged %s at offset %d", ack.value(), ack.offset()).isEqualTo(ack.value());
            }
        }
    }

    /** Offsets only increase, and each key's last record is its last acknowledged value or one sent after it. */
    private static void verifyCompacted(String bootstrap, Map<String, Acked> acked) throws Exception {
        long end = latest(bootstrap, COMPACTED);
        List<ConsumerRecord<String, String>> records = PartitionReader.readRecords(bootstrap, COMPACTED, 1);
        Map<String, ConsumerRecord<String, String>> lastByKey = new HashMap<>();
        long previous = -1;
        for (ConsumerRecord<String, String> record : records) {
            assertThat(record.offset()).as("offsets only increase").isGreaterThan(previous);
            previous = record.offset();
            assertThat(record.value()).as("a value that was sent").startsWith("r").endsWith(PADDING);
            lastByKey.put(record.key(), record);
        }
        assertThat(previous).isLessThan(end);
        Map<String, Acked> lastAcked = new HashMap<>();
        for (Acked ack : acked.values()) {
            lastAcked.merge(ack.key(), ack, (a, b) -> a.offset() > b.offset() ? a : b);
        }
        for (Acked ack : lastAcked.values()) {
            ConsumerRecord<String, String> last = lastByKey.get(ack.key());
            assertThat(last).as("key %s is still there", ack.key()).isNotNull();
            assertThat(last.offset()).as("key %s keeps a value at least as new as its last acknowledged one", ack.key())
                    .isGreaterThanOrEqualTo(ack.offset());
            if (last.offset() == ack.offset()) {
                assertThat(last.value()).isEqualTo(ack.value());
            }
        }
        assertThat(Set.copyOf(lastByKey.keySet())).containsAll(lastAcked.keySet());
    }
}
