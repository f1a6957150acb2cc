package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.broker.partition.Partition;
import io.vltava.testing.EmbeddedBroker;
import io.vltava.testing.KafkaClients;
import io.vltava.testing.RawKafkaClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.Test;

/**
 * read_committed against a real broker without the transaction coordinator: transactional batches are
 * produced over the wire, their COMMIT and ABORT markers appended through the broker's partition, and
 * the real Java consumer reads with both isolation levels, before and after a restart.
 */
class ReadCommittedIT {

    private static final String TOPIC = "read-committed";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final short EPOCH = 0;
    /** Long enough that only the marker, not the fetch's timeout, can answer the waiting fetch in time. */
    private static final int LONG_POLL_MS = 10_000;

    @Test
    void readCommittedSeesOnlyCommittedRecordsInOrderAndWaitsForOpenTransactionsAcrossARestart() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start()) {
            try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            }
            long openFirstOffset;
            long producerId;
            try (RawKafkaClient client = new RawKafkaClient("127.0.0.1", broker.port())) {
                InitProducerIdResponse init = (InitProducerIdResponse) client.send(new InitProducerIdRequest.Builder(
                        new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(60_000)).build());
                producerId = init.data().producerId();

                produce(client, transactional(producerId, 0, "c1-0", "c1-1"));
                marker(broker, producerId, true);
                produce(client, plain("plain-0"));
                produce(client, transactional(producerId, 2, "a2-0", "a2-1", "a2-2"));
                marker(broker, producerId, false);
                produce(client, transactional(producerId, 5, "c3-0"));
                marker(broker, producerId, true);
                openFirstOffset = produce(client, transactional(producerId, 6, "open-0"));
                produce(client, plain("after-open"));
            }
            List<String> committed = List.of("c1-0", "c1-1", "plain-0", "c3-0");
            List<String> everything = List.of("c1-0", "c1-1", "plain-0", "a2-0", "a2-1", "a2-2", "c3-0", "open-0", "after-open");

            checkHeldBack(broker, committed, everything, openFirstOffset);

            broker.restart();

            checkHeldBack(broker, committed, everything, openFirstOffset);

            try (KafkaConsumer<String, String> consumer = consumer(broker, "read_committed", LONG_POLL_MS)) {
                consumer.assign(List.of(TP));
                consumer.seek(TP, openFirstOffset);
                CompletableFuture<List<String>> waiting = CompletableFuture.supplyAsync(() -> pollValues(consumer, 2, Duration.ofSeconds(20)));
                Thread.sleep(500);
                long markedAt = System.nanoTime();
                marker(broker, producerId, true);
                assertThat(waiting.get(30, TimeUnit.SECONDS)).containsExactly("open-0", "after-open");
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - markedAt)).as("the marker woke the long poll")
                        .isLessThan(4_000);
                assertThat(pollValues(consumer, 1, Duration.ofSeconds(1))).isEmpty();
                long logEnd = consumer.endOffsets(List.of(TP)).get(TP);
                assertThat(consumer.position(TP)).as("the consumer steps over the final marker").isEqualTo(logEnd);
            }

            broker.restart();

            List<String> allCommitted = new ArrayList<>(committed);
            allCommitted.addAll(List.of("open-0", "after-open"));
            try (KafkaConsumer<String, String> consumer = consumer(broker, "read_committed")) {
                consumer.assign(List.of(TP));
                consumer.seekToBeginning(List.of(TP));
                assertThat(pollValues(consumer, allCommitted.size(), Duration.ofSeconds(20))).isEqualTo(allCommitted);
                assertThat(pollValues(consumer, 1, Duration.ofSeconds(1))).isEmpty();
                assertThat(consumer.position(TP)).isEqualTo(consumer.endOffsets(List.of(TP)).get(TP));
            }
        }
    }

    /** read_committed stops before the open transaction; read_uncommitted sees every record; end offsets follow. */
    private static void checkHeldBack(EmbeddedBroker broker, List<String> committed, List<String> everything, long openFirstOffset) {
        try (KafkaConsumer<String, String> consumer = consumer(broker, "read_committed")) {
            consumer.assign(List.of(TP));
            consumer.seekToBeginning(List.of(TP));
            assertThat(pollValues(consumer, committed.size(), Duration.ofSeconds(20))).isEqualTo(committed);
            assertThat(pollValues(consumer, 1, Duration.ofSeconds(2))).as("nothing past the last stable offset").isEmpty();
            assertThat(consumer.position(TP)).isEqualTo(openFirstOffset);
            assertThat(consumer.endOffsets(List.of(TP))).isEqualTo(Map.of(TP, openFirstOffset));
        }
        try (KafkaConsumer<String, String> consumer = consumer(broker, "read_uncommitted")) {
            consumer.assign(List.of(TP));
            consumer.seekToBeginning(List.of(TP));
            assertThat(pollValues(consumer, everything.size(), Duration.ofSeconds(20))).isEqualTo(everything);
            assertThat(consumer.endOffsets(List.of(TP)).get(TP)).isGreaterThan(openFirstOffset);
        }
    }

    private static KafkaConsumer<String, String> consumer(EmbeddedBroker broker, String isolation) {
        return consumer(broker, isolation, 100);
    }

    private static KafkaConsumer<String, String> consumer(EmbeddedBroker broker, String isolation, int fetchMaxWaitMs) {
        Properties props = new Properties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, Integer.toString(fetchMaxWaitMs));
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2");
        return KafkaClients.consumer(broker.bootstrapServers(), props);
    }

    /** Polls until {@code count} values arrived or {@code timeout} passed. */
    private static List<String> pollValues(KafkaConsumer<String, String> consumer, int count, Duration timeout) {
        List<String> values = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (values.size() < count && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                values.add(record.value());
            }
        }
        return values;
    }

    private static void marker(EmbeddedBroker broker, long producerId, boolean commit) {
        Partition partition = broker.server().replicaManager().partition(new io.vltava.common.topic.TopicPartition(TOPIC, 0));
        partition.appendTransactionMarker(producerId, EPOCH, 0, commit);
    }

    private static MemoryRecords transactional(long producerId, int baseSequence, String... values) {
        return MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, EPOCH, baseSequence, records(values));
    }

    private static MemoryRecords plain(String... values) {
        return MemoryRecords.withRecords(Compression.NONE, records(values));
    }

    private static SimpleRecord[] records(String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(values[i].getBytes());
        }
        return records;
    }

    /** Produces one batch and returns its base offset. */
    private static long produce(RawKafkaClient client, MemoryRecords batch) {
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(10_000);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName(TOPIC);
        topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(batch));
        data.topicData().add(topic);
        ProduceResponse response = (ProduceResponse) client.send(new ProduceRequest(data, (short) 12));
        PartitionProduceResponse partition = response.data().responses().iterator().next().partitionResponses().get(0);
        assertThat(Errors.forCode(partition.errorCode())).isEqualTo(Errors.NONE);
        return partition.baseOffset();
    }
}
