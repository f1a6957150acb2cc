package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.vltava.testing.EmbeddedBroker;
import io.vltava.testing.KafkaClients;
import io.vltava.testing.RawKafkaClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.apache.kafka.common.requests.EndTxnResponse;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Transactions with the real Java transactional producer (transaction version 1: AddPartitionsToTxn,
 * AddOffsetsToTxn, EndTxn): commit and abort as a read_committed and a read_uncommitted consumer see
 * them, fencing of a producer by a second one with the same transactional.id, the abort of a
 * transaction that outlives its timeout, offsets committed in a transaction, and a broker restart in
 * the middle of a transaction.
 */
class TransactionsIT {

    private static EmbeddedBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedBroker.start(Map.of("transaction.state.log.num.partitions", "5",
                "transaction.abort.timed.out.transaction.cleanup.interval.ms", "200", "group.initial.rebalance.delay.ms", "0"));
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void initTransactionsRegistersTheTransactionalIdWhichAdminToolsDescribe() throws Exception {
        try (KafkaProducer<String, String> producer = transactional("described", 60_000); Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            producer.initTransactions();
            TransactionDescription described = admin.describeTransactions(List.of("described")).description("described").get();
            assertThat(described.state()).isEqualTo(TransactionState.EMPTY);
            assertThat(described.producerEpoch()).isZero();
            assertThat(described.transactionTimeoutMs()).isEqualTo(60_000);
            assertThat(admin.listTransactions().all().get()).extracting(TransactionListing::transactionalId).contains("described");
            Throwable unknown = catchThrowable(() -> admin.describeTransactions(List.of("never-used")).description("never-used").get());
            assertThat(unknown).isNotNull();
        }
    }

    @Test
    void aSecondProducerWithTheSameTransactionalIdFencesTheFirst() {
        try (KafkaProducer<String, String> first = transactional("fenced", 60_000); KafkaProducer<String, String> second = transactional("fenced", 60_000)) {
            first.initTransactions();
            second.initTransactions();
            first.beginTransaction();
            Throwable fenced = catchThrowable(() -> first.sendOffsetsToTransaction(Map.of(new TopicPartition("fenced-topic", 0), new OffsetAndMetadata(1)),
                    new ConsumerGroupMetadata("fenced-group")));
            assertThat(chain(fenced)).as("%s", fenced).anyMatch(ProducerFencedException.class::isInstance);
        }
    }

    @Test
    void theCoordinatorsStateSurvivesARestart() throws Exception {
        try (KafkaProducer<String, String> producer = transactional("survivor", 45_000)) {
            producer.initTransactions();
        }
        broker.restart();
        try (KafkaProducer<String, String> producer = transactional("survivor", 45_000); Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            producer.initTransactions();
            TransactionDescription described = admin.describeTransactions(List.of("survivor")).description("survivor").get();
            assertThat(described.producerEpoch()).as("the epoch after the restart bumps the one before").isEqualTo((short) 1);
        }
    }

    @Test
    void theTransactionApisAnswerWithTheErrorsTheProducerExpects() throws Exception {
        createTopic("raw-txn");
        try (RawKafkaClient client = new RawKafkaClient("127.0.0.1", broker.port())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                FindCoordinatorResponse found = (FindCoordinatorResponse) client.send(request(ApiKeys.FIND_COORDINATOR, (short) 4,
                        new FindCoordinatorRequestData().setKeyType((byte) 1).setCoordinatorKeys(List.of("raw"))));
                return found.data().coordinators().get(0).errorCode() == Errors.NONE.code();
            });
            InitProducerIdResponseData init = await().atMost(Duration.ofSeconds(30)).until(() -> ((InitProducerIdResponse) client.send(
                    request(ApiKeys.INIT_PRODUCER_ID, (short) 5, new InitProducerIdRequestData().setTransactionalId("raw").setTransactionTimeoutMs(60_000)
                            .setProducerId(-1).setProducerEpoch((short) -1)))).data(), response -> response.errorCode() == Errors.NONE.code());
            long producerId = init.producerId();
            short epoch = init.producerEpoch();

            InitProducerIdResponseData tooLong = ((InitProducerIdResponse) client.send(request(ApiKeys.INIT_PRODUCER_ID, (short) 5,
                    new InitProducerIdRequestData().setTransactionalId("raw").setTransactionTimeoutMs(Integer.MAX_VALUE)
                            .setProducerId(-1).setProducerEpoch((short) -1)))).data();
            assertThat(Errors.forCode(tooLong.errorCode())).isEqualTo(Errors.INVALID_TRANSACTION_TIMEOUT);

            assertThat(produceTransactional(client, producerId, epoch, 0)).as("a partition not added to the transaction")
                    .isEqualTo(Errors.INVALID_TXN_STATE);
            try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
                TopicPartition rawTxn = new TopicPartition("raw-txn", 0);
                assertThat(admin.listOffsets(Map.of(rawTxn, OffsetSpec.latest())).partitionResult(rawTxn).get().offset()).isZero();
            }

            Map<TopicPartition, Errors> unknown = addPartitions(client, producerId, epoch, false, new TopicPartition("raw-txn", 0),
                    new TopicPartition("no-such-topic", 0));
            assertThat(unknown).containsEntry(new TopicPartition("no-such-topic", 0), Errors.UNKNOWN_TOPIC_OR_PARTITION)
                    .containsEntry(new TopicPartition("raw-txn", 0), Errors.OPERATION_NOT_ATTEMPTED);
            assertThat(addPartitions(client, producerId, epoch, true, new TopicPartition("raw-txn", 0)))
                    .containsEntry(new TopicPartition("raw-txn", 0), Errors.INVALID_TXN_STATE);
            assertThat(addPartitions(client, producerId, epoch, false, new TopicPartition("raw-txn", 0)))
                    .containsEntry(new TopicPartition("raw-txn", 0), Errors.NONE);
            assertThat(addPartitions(client, producerId, epoch, true, new TopicPartition("raw-txn", 0)))
                    .containsEntry(new TopicPartition("raw-txn", 0), Errors.NONE);
            assertThat(produceTransactional(client, producerId, epoch, 0)).isEqualTo(Errors.NONE);
            assertThat(addPartitions(client, producerId, (short) (epoch + 5), false, new TopicPartition("raw-txn", 0)))
                    .containsEntry(new TopicPartition("raw-txn", 0), Errors.PRODUCER_FENCED);
            assertThat(addPartitions(client, producerId + 1, epoch, false, new TopicPartition("raw-txn", 0)))
                    .containsEntry(new TopicPartition("raw-txn", 0), Errors.INVALID_PRODUCER_ID_MAPPING);

            EndTxnResponse fenced = (EndTxnResponse) client.send(request(ApiKeys.END_TXN, (short) 4, new EndTxnRequestData().setTransactionalId("raw")
                    .setProducerId(producerId).setProducerEpoch((short) (epoch + 5)).setCommitted(false)));
            assertThat(fenced.error()).isEqualTo(Errors.PRODUCER_FENCED);
            EndTxnResponse aborted = (EndTxnResponse) client.send(request(ApiKeys.END_TXN, (short) 4, new EndTxnRequestData().setTransactionalId("raw")
                    .setProducerId(producerId).setProducerEpoch(epoch).setCommitted(false)));
            assertThat(aborted.error()).isEqualTo(Errors.NONE);
            // CONCURRENT_TRANSACTIONS (retried by producers) while the abort's marker is still being written.
            EndTxnResponse commitAfterAbort = await().atMost(Duration.ofSeconds(30)).until(() -> (EndTxnResponse) client.send(request(ApiKeys.END_TXN,
                    (short) 4, new EndTxnRequestData().setTransactionalId("raw").setProducerId(producerId).setProducerEpoch(epoch).setCommitted(true))),
                    response -> response.error() != Errors.CONCURRENT_TRANSACTIONS);
            assertThat(commitAfterAbort.error()).isEqualTo(Errors.INVALID_TXN_STATE);
        }
    }

    // ---- the tests below need the log side (transactional produce, markers, read_committed) and, for
    // ---- sendOffsetsToTransaction, the group coordinator's transactional offsets.

    @Test
    void readCommittedSeesCommittedRecordsInOrderAndNeverAbortedOnes() throws Exception {
        createTopic("visibility");
        try (KafkaProducer<String, String> producer = transactional("visibility-producer", 60_000)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("visibility", "c1"));
            producer.send(new ProducerRecord<>("visibility", "c2"));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("visibility", "a1"));
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("visibility", "c3"));
            producer.commitTransaction();
        }
        assertThat(read("visibility", "read_committed", "c3")).containsExactly("c1", "c2", "c3");
        assertThat(read("visibility", "read_uncommitted", "c3")).containsExactly("c1", "c2", "a1", "c3");
    }

    @Test
    void offsetsSentToACommittedTransactionAreCommitted() throws Exception {
        createTopic("offsets-in-txn");
        TopicPartition partition = new TopicPartition("offsets-in-txn", 0);
        try (KafkaProducer<String, String> producer = transactional("offsets-producer", 60_000); Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("offsets-in-txn", "x"));
            producer.sendOffsetsToTransaction(Map.of(partition, new OffsetAndMetadata(5)), new ConsumerGroupMetadata("txn-group"));
            producer.commitTransaction();
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("txn-group").partitionsToOffsetAndMetadata().get();
            assertThat(committed.get(partition).offset()).isEqualTo(5);
        }
    }

    @Test
    void aTransactionThatOutlivesItsTimeoutIsAbortedAndItsProducerFenced() throws Exception {
        createTopic("timeout");
        try (KafkaProducer<String, String> producer = transactional("timeout-producer", 1_000)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("timeout", "late"));
            producer.flush();
            Thread.sleep(3_000);
            Throwable failure = catchThrowable(producer::commitTransaction);
            assertThat(chain(failure)).as("%s", failure)
                    .anyMatch(e -> e instanceof ProducerFencedException || e instanceof InvalidProducerEpochException);
        }
        try (KafkaProducer<String, String> producer = transactional("timeout-producer", 60_000)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("timeout", "after"));
            producer.commitTransaction();
        }
        assertThat(read("timeout", "read_committed", "after")).containsExactly("after");
    }

    @Test
    void aTransactionInterruptedByABrokerRestartIsNeverHalfVisible() throws Exception {
        createTopic("restart");
        KafkaProducer<String, String> before = transactional("restart-producer", 60_000);
        before.initTransactions();
        before.beginTransaction();
        before.send(new ProducerRecord<>("restart", "committed-before"));
        before.commitTransaction();
        before.beginTransaction();
        before.send(new ProducerRecord<>("restart", "pending"));
        before.flush();
        before.close(Duration.ZERO);

        broker.restart();

        try (KafkaProducer<String, String> after = transactional("restart-producer", 60_000)) {
            after.initTransactions();
            after.beginTransaction();
            after.send(new ProducerRecord<>("restart", "committed-after"));
            after.commitTransaction();
        }
        assertThat(read("restart", "read_committed", "committed-after")).containsExactly("committed-before", "committed-after");
    }

    private static KafkaProducer<String, String> transactional(String transactionalId, int timeoutMs) {
        Properties props = new Properties();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Integer.toString(timeoutMs));
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        return KafkaClients.producer(broker.bootstrapServers(), props);
    }

    private static void createTopic(String name) throws Exception {
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get();
        }
    }

    /** The values of partition 0 of {@code topic} from the start up to and including {@code last}, at this isolation level. */
    private static List<String> read(String topic, String isolation, String last) {
        Properties props = new Properties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(broker.bootstrapServers(), props)) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            long deadline = System.currentTimeMillis() + 20_000;
            while (!values.contains(last) && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }

    private static Map<TopicPartition, Errors> addPartitions(RawKafkaClient client, long producerId, short epoch, boolean verifyOnly,
                                                             TopicPartition... partitions) {
        AddPartitionsToTxnTopicCollection topics = new AddPartitionsToTxnTopicCollection();
        for (TopicPartition partition : partitions) {
            AddPartitionsToTxnTopic topic = topics.find(partition.topic());
            if (topic == null) {
                topic = new AddPartitionsToTxnTopic().setName(partition.topic());
                topics.add(topic);
            }
            topic.partitions().add(partition.partition());
        }
        if (!verifyOnly) {
            AddPartitionsToTxnResponse response = (AddPartitionsToTxnResponse) client.send(request(ApiKeys.ADD_PARTITIONS_TO_TXN, (short) 3,
                    new AddPartitionsToTxnRequestData().setV3AndBelowTransactionalId("raw").setV3AndBelowProducerId(producerId)
                            .setV3AndBelowProducerEpoch(epoch).setV3AndBelowTopics(topics)));
            return response.errors().get(AddPartitionsToTxnResponse.V3_AND_BELOW_TXN_ID);
        }
        AddPartitionsToTxnTransactionCollection transactions = new AddPartitionsToTxnTransactionCollection();
        transactions.add(new AddPartitionsToTxnTransaction().setTransactionalId("raw").setProducerId(producerId).setProducerEpoch(epoch)
                .setVerifyOnly(true).setTopics(topics));
        AddPartitionsToTxnResponse response = (AddPartitionsToTxnResponse) client.send(request(ApiKeys.ADD_PARTITIONS_TO_TXN, (short) 5,
                new AddPartitionsToTxnRequestData().setTransactions(transactions)));
        return response.errors().get("raw");
    }

    /** Produces one transactional record of producer "raw" to partition 0 of "raw-txn". */
    private static Errors produceTransactional(RawKafkaClient client, long producerId, short epoch, int sequence) {
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(new ProduceRequestData.TopicProduceData().setName("raw-txn").setPartitionData(List.of(new ProduceRequestData.PartitionProduceData()
                .setIndex(0).setRecords(MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, epoch, sequence,
                        new SimpleRecord("k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8)))))));
        ProduceResponse response = (ProduceResponse) client.send(request(ApiKeys.PRODUCE, (short) 11,
                new ProduceRequestData().setTransactionalId("raw").setAcks((short) -1).setTimeoutMs(30_000).setTopicData(topics)));
        return Errors.forCode(response.data().responses().iterator().next().partitionResponses().get(0).errorCode());
    }

    private static AbstractRequest request(ApiKeys api, short version, ApiMessage data) {
        ByteBufferAccessor bytes = MessageUtil.toByteBufferAccessor(data, version);
        return AbstractRequest.parseRequest(api, version, new ByteBufferAccessor(bytes.buffer())).request;
    }

    private static List<Throwable> chain(Throwable failure) {
        List<Throwable> causes = new ArrayList<>();
        for (Throwable cause = failure; cause != null && !causes.contains(cause); cause = cause.getCause()) {
            causes.add(cause);
        }
        return causes;
    }
}
