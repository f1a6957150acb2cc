package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vltava.testing.EmbeddedBroker;
import io.vltava.testing.KafkaClients;
import io.vltava.testing.TestDirectories;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Kafka Streams 4.4 word count with {@code processing.guarantee=exactly_once_v2}: a repartition
 * topic, a state store with its changelog, and the output written in transactions. With caching off,
 * every word read produces one count, so the committed output of each word must be exactly 1, 2, 3,
 * ... up to its total: a duplicate, a gap or a lost update would break the sequence. The application
 * is restarted, and so is the broker while the application runs.
 */
class StreamsExactlyOnceIT {

    private static final List<String> VOCABULARY = List.of("vltava", "kafka", "stream", "exactly", "once", "river", "prague", "log");
    private static final int LINES = 300;

    private static EmbeddedBroker broker;
    private static Path stateDir;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.start(Map.of("offsets.topic.num.partitions", "3", "transaction.state.log.num.partitions", "3",
                "group.initial.rebalance.delay.ms", "0"));
        stateDir = Files.createTempDirectory("streams-state-");
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("lines", 2, (short) 1), new NewTopic("word-counts", 2, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
        TestDirectories.deleteQuietly(stateDir);
    }

    private static String line(int i) {
        return VOCABULARY.get(i % VOCABULARY.size()) + " " + VOCABULARY.get((i * 7 + 3) % VOCABULARY.size()) + " "
                + VOCABULARY.get((i * 3 + 1) % VOCABULARY.size());
    }

    private static void produceLines(int from, int to) {
        try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers())) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>("lines", "line-" + i, line(i)));
            }
            producer.flush();
        }
    }

    private static KafkaStreams wordCount() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("lines", Consumed.with(Serdes.String(), Serdes.String()))
                .flatMapValues(line -> Arrays.asList(line.split(" ")))
                .groupBy((key, word) -> word, Grouped.with(Serdes.String(), Serdes.String()))
                .count()
                .toStream()
                .to("word-counts", Produced.with(Serdes.String(), Serdes.Long()));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "word-count-eos");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        KafkaStreams streams = new KafkaStreams(builder.build(), props);
        streams.start();
        return streams;
    }

    /** Every committed count per word, in the order written. */
    private static Map<String, List<Long>> committedCounts() {
        Properties props = new Properties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, LongDeserializer.class.getName());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        Map<String, List<Long>> counts = new TreeMap<>();
        try (KafkaConsumer<String, Long> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = List.of(new TopicPartition("word-counts", 0), new TopicPartition("word-counts", 1));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                for (ConsumerRecord<String, Long> record : consumer.poll(Duration.ofMillis(200))) {
                    counts.computeIfAbsent(record.key(), word -> new ArrayList<>()).add(record.value());
                }
            }
        }
        return counts;
    }

    private static Map<String, Long> expectedTotals(int lines) {
        Map<String, Long> totals = new TreeMap<>();
        IntStream.range(0, lines).forEach(i -> Arrays.stream(line(i).split(" ")).forEach(word -> totals.merge(word, 1L, Long::sum)));
        return totals;
    }

    private static void awaitCounts(int lines) {
        Map<String, Long> expected = expectedTotals(lines);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Map<String, Long> latest = new HashMap<>();
            committedCounts().forEach((word, counts) -> latest.put(word, counts.get(counts.size() - 1)));
            assertThat(latest).isEqualTo(expected);
        });
    }

    @Test
    void aWordCountCountsEveryWordExactlyOnceThroughRestarts() {
        KafkaStreams streams = wordCount();
        try {
            produceLines(0, LINES / 3);
            awaitCounts(LINES / 3);

            broker.restart();
            produceLines(LINES / 3, 2 * LINES / 3);
            awaitCounts(2 * LINES / 3);
        } finally {
            streams.close(Duration.ofSeconds(30));
        }

        produceLines(2 * LINES / 3, LINES);
        KafkaStreams restarted = wordCount();
        try {
            awaitCounts(LINES);
        } finally {
            restarted.close(Duration.ofSeconds(30));
        }

        Map<String, Long> totals = expectedTotals(LINES);
        Map<String, List<Long>> committed = committedCounts();
        assertThat(committed.keySet()).isEqualTo(totals.keySet());
        committed.forEach((word, counts) -> assertThat(counts).as("the committed counts of %s", word)
                .isEqualTo(IntStream.rangeClosed(1, Math.toIntExact(totals.get(word))).mapToObj(Long::valueOf).toList()));
    }
}
