package io.vltava.broker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.vltava.broker.LocalBroker;
import io.vltava.broker.quota.ClientQuotaManager;
import io.vltava.broker.quota.ClientQuotaManagerConfig;
import io.vltava.metadata.record.ConfigRecord;
import io.vltava.metadata.record.ConfigResourceType;
import io.vltava.metadata.record.PartitionRecord;
import io.vltava.metadata.record.QuotaKey;
import io.vltava.metadata.record.RemoveTopicRecord;
import io.vltava.metadata.record.TopicRecord;
import io.vltava.network.CloseConnectionException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ProduceRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProduceHandlerTest {

    @TempDir
    Path dir;

    private LocalBroker broker;
    private ProduceHandler handler;
    /** Every verification asked for, in order; answered NONE at once unless held. */
    private final List<CompletableFuture<Errors>> verifications = new ArrayList<>();
    private final ClientQuotaManager quotas = new ClientQuotaManager(QuotaKey.PRODUCER_BYTE_RATE, new ClientQuotaManagerConfig(11, 1000));
    private final List<Integer> mutes = new ArrayList<>();
    private boolean holdVerifications;
    private ScheduledThreadPoolExecutor eventLoop;
    private Uuid ordersId;

    @BeforeEach
    void setUp() {
        broker = LocalBroker.open(dir);
        broker.registerLocalBroker();
        UUID id = broker.createTopic("orders", 2);
        ordersId = new Uuid(id.getMostSignificantBits(), id.getLeastSignificantBits());
        handler = new ProduceHandler(broker.replicaManager(), broker::image, (transactionalId, producerId, epoch, tp) -> {
            CompletableFuture<Errors> verdict = new CompletableFuture<>();
            verifications.add(verdict);
            if (!holdVerifications) {
                verdict.complete(Errors.NONE);
            }
            return verdict;
        }, broker.time(), broker.topicMetrics(), quotas);
        eventLoop = new ScheduledThreadPoolExecutor(1);
    }

    @AfterEach
    void tearDown() {
        eventLoop.shutdownNow();
        broker.close();
    }

    private MemoryRecords records(int count) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(broker.time().milliseconds(), ("key" + i).getBytes(), ("value" + i).getBytes());
        }
        return MemoryRecords.withRecords(Compression.NONE, records);
    }

    private MemoryRecords idempotent(long producerId, int baseSequence, int count) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(broker.time().milliseconds(), null, ("value" + i).getBytes());
        }
        return MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, (short) 0, baseSequence, records);
    }

    /** A request writing {@code records} to one partition; named by topic id from v13 on. */
    private static ProduceRequestData request(short acks, String topic, Uuid topicId, int partition, MemoryRecords records) {
        ProduceRequestData data = new ProduceRequestData().setAcks(acks).setTimeoutMs(30_000);
        add(data, topic, topicId, partition, records);
        return data;
    }

    private static void add(ProduceRequestData data, String topic, Uuid topicId, int partition, MemoryRecords records) {
        TopicProduceData topicData = data.topicData().find(topic, topicId);
        if (topicData == null) {
            topicData = new TopicProduceData().setName(topic).setTopicId(topicId);
            data.topicData().add(topicData);
        }
        topicData.partitionData().add(new PartitionProduceData().setIndex(partition).setRecords(records));
    }

    private CompletableFuture<ApiMessage> send(int version, String clientId, ProduceRequestData data) {
        return handler.handle(Requests.context(ApiKeys.PRODUCE, (short) version, clientId, "PLAINTEXT", eventLoop, mutes::add),
                new ProduceRequest(data, (short) version));
    }

    private ProduceResponseData produce(int version, ProduceRequestData data) {
        return Requests.done(send(version, "producer-1", data));
    }

    private static PartitionProduceResponse only(ProduceResponseData response) {
        assertThat(response.responses()).hasSize(1);
        TopicProduceResponse topic = response.responses().iterator().next();
        assertThat(topic.partitionResponses()).hasSize(1);
        return topic.partitionResponses().get(0);
    }

    private static Errors error(PartitionProduceResponse result) {
        return Errors.forCode(result.errorCode());
    }

    private long logEnd(String topic, int partition) {
        return broker.partition(topic, partition).log().logEndOffset();
    }

    @Test
    void appendsAndAnswersWithTheBaseOffset() {
        PartitionProduceResponse first = only(produce(12, request((short) 1, "orders", Uuid.ZERO_UUID, 0, records(3))));
        PartitionProduceResponse second = only(produce(12, request((short) -1, "orders", Uuid.ZERO_UUID, 0, records(2))));

        assertThat(error(first)).isEqualTo(Errors.NONE);
        assertThat(first.baseOffset()).isZero();
        assertThat(first.logAppendTimeMs()).as("CreateTime topic").isEqualTo(-1);
        assertThat(first.logStartOffset()).isZero();
        assertThat(second.baseOffset()).isEqualTo(3);
        assertThat(logEnd("orders", 0)).isEqualTo(5);
        assertThat(broker.partition("orders", 0).log().highWatermark()).isEqualTo(5);
    }

    @Test
    void appendedBytesAndRecordsAreCountedByTopicUntilItIsDeleted() {
        MemoryRecords batch = records(3);
        produce(12, request((short) 1, "orders", Uuid.ZERO_UUID, 0, batch));
        produce(12, request((short) 1, "orders", Uuid.ZERO_UUID, 7, records(1)));
        produce(12, request((short) 1, "unknown", Uuid.ZERO_UUID, 0, records(1)));

        assertThat(counter("kafka_server_brokertopicmetrics_messagesin", "orders")).isEqualTo(3.0);
        assertThat(counter("kafka_server_brokertopicmetrics_bytesin", "orders")).isEqualTo((double) batch.sizeInBytes());
        assertThat(counter("kafka_server_brokertopicmetrics_totalproducerequests", "orders")).isEqualTo(2.0);
        assertThat(counter("kafka_server_brokertopicmetrics_failedproducerequests", "orders")).isEqualTo(1.0);
        assertThat(counter("kafka_server_brokertopicmetrics_messagesin", "unknown")).as("no series for unknown topics").isNull();

        broker.apply(new RemoveTopicRecord(new UUID(ordersId.getMostSignificantBits(), ordersId.getLeastSignificantBits())));
        assertThat(counter("kafka_server_brokertopicmetrics_messagesin", "orders")).isNull();
    }

    private Double counter(String name, String topic) {
        return broker.registry().scrape().stream().filter(snapshot -> snapshot.getMetadata().getName().equals(name))
                .flatMap(snapshot -> ((CounterSnapshot) snapshot).getDataPoints().stream())
                .filter(point -> topic.equals(point.getLabels().get("topic"))).map(CounterSnapshot.CounterDataPointSnapshot::getValue)
                .findFirst().orElse(null);
    }

    @Test
    void aLogAppendTimeTopicAnswersWithTheBrokerTime() {
        broker.apply(new ConfigRecord(ConfigResourceType.TOPIC, "orders", "message.timestamp.type", "LogAppendTime"));
        PartitionProduceResponse result = only(produce(12, request((short) 1, "orders", Uuid.ZERO_UUID, 1, records(1))));
        assertThat(result.logAppendTimeMs()).isEqualTo(broker.time().milliseconds());
    }

    @Test
    void version13NamesTopicsById() {
        ProduceResponseData response = produce(13, request((short) 1, null, ordersId, 1, records(2)));
        TopicProduceResponse topic = response.responses().iterator().next();
        assertThat(topic.topicId()).isEqualTo(ordersId);
        assertThat(error(topic.partitionResponses().get(0))).isEqualTo(Errors.NONE);
        assertThat(logEnd("orders", 1)).isEqualTo(2);
    }

    @Test
    void version13WithAnUnknownTopicIdFails() {
        Uuid unknown = Uuid.randomUuid();
        ProduceResponseData response = produce(13, request((short) 1, null, unknown, 0, records(1)));
        TopicProduceResponse topic = response.responses().iterator().next();
        assertThat(topic.topicId()).isEqualTo(unknown);
        PartitionProduceResponse result = topic.partitionResponses().get(0);
        assertThat(error(result)).isEqualTo(Errors.UNKNOWN_TOPIC_ID);
        assertThat(result.baseOffset()).isEqualTo(-1);
    }

    @Test
    void anUnknownTopicOrPartitionFails() {
        assertThat(error(only(produce(12, request((short) 1, "missing", Uuid.ZERO_UUID, 0, records(1))))))
                .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(error(only(produce(12, request((short) 1, "orders", Uuid.ZERO_UUID, 5, records(1))))))
                .as("the topic exists, this partition does not").isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }

    @Test
    void aPartitionHostedElsewhereIsNotLedHere() {
        UUID id = UUID.randomUUID();
        broker.apply(new TopicRecord("remote", id), new PartitionRecord(id, 0, List.of(2), List.of(2), 2, 0, 0));
        assertThat(error(only(produce(12, request((short) 1, "remote", Uuid.ZERO_UUID, 0, records(1))))))
                .isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
    }

    @Test
    void partitionsFailIndependently() {
        ProduceRequestData data = request((short) 1, "orders", Uuid.ZERO_UUID, 0, records(2));
        add(data, "orders", Uuid.ZERO_UUID, 9, records(1));
        add(data, "missing", Uuid.ZERO_UUID, 0, records(1));
        add(data, "orders", Uuid.ZERO_UUID, 1, records(4));

        ProduceResponseData response = produce(12, data);

        TopicProduceResponse orders = response.responses().find("orders", Uuid.ZERO_UUID);
        assertThat(orders.partitionResponses()).extracting(PartitionProduceResponse::index).containsExactly(0, 9, 1);
        assertThat(orders.partitionResponses()).extracting(r -> Errors.forCode(r.errorCode()))
                .containsExactly(Errors.NONE, Errors.UNKNOWN_TOPIC_OR_PARTITION, Errors.NONE);
        assertThat(error(response.responses().find("missing", Uuid.ZERO_UUID).partitionResponses().get(0)))
                .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(logEnd("orders", 0)).isEqualTo(2);
        assertThat(logEnd("orders", 1)).isEqualTo(4);
    }

    @Test
    void anUnexpectedFailureFailsOnlyItsPartition() {
        // The log stamps offsets into the batch in place; a read-only buffer makes that throw
        // ReadOnlyBufferException, standing for any exception the append path does not expect.
        MemoryRecords readOnly = MemoryRecords.readableRecords(records(1).buffer().asReadOnlyBuffer());
        ProduceRequestData data = request((short) 1, "orders", Uuid.ZERO_UUID, 0, records(2));
        add(data, "orders", Uuid.ZERO_UUID, 1, readOnly);

        ProduceResponseData response = produce(12, data);

        List<PartitionProduceResponse> results = response.responses().find("orders", Uuid.ZERO_UUID).partitionResponses();
        assertThat(error(results.get(0))).isEqualTo(Errors.NONE);
        assertThat(results.get(0).baseOffset()).isZero();
        assertThat(error(results.get(1))).isEqualTo(Errors.UNKNOWN_SERVER_ERROR);
        assertThat(results.get(1).baseOffset()).isEqualTo(-1);
        assertThat(logEnd("orders", 0)).isEqualTo(2);
        assertThat(logEnd("orders", 1)).isZero();
    }

    @Test
    void acksAllWithTooFewInSyncReplicasIsRefused() {
        UUID id = UUID.randomUUID();
        broker.apply(new TopicRecord("guarded", id), new PartitionRecord(id, 0, List.of(1, 2), List.of(1), 1, 0, 0),
                new ConfigRecord(ConfigResourceType.TOPIC, "guarded", "min.insync.replicas", "2"));

        assertThat(error(only(produce(12, request((short) -1, "guarded", Uuid.ZERO_UUID, 0, records(1))))))
                .isEqualTo(Errors.NOT_ENOUGH_REPLICAS);
        assertThat(logEnd("guarded", 0)).isZero();
        assertThat(error(only(produce(12, request((short) 1, "guarded", Uuid.ZERO_UUID, 0, records(1)))))).isEqualTo(Errors.NONE);
    }

    @Test
    void invalidRequiredAcksFailsEveryPartition() {
        PartitionProduceResponse result = only(produce(12, request((short) 2, "orders", Uuid.ZERO_UUID, 0, records(1))));
        assertThat(error(result)).isEqualTo(Errors.INVALID_REQUIRED_ACKS);
        assertThat(logEnd("orders", 0)).isZero();
    }

    @Test
    void ordinaryClientsCannotWriteToInternalTopics() {
        broker.createTopic("__consumer_offsets", 1);

        PartitionProduceResponse refused = only(produce(12, request((short) 1, "__consumer_offsets", Uuid.ZERO_UUID, 0, records(1))));
        assertThat(error(refused)).isEqualTo(Errors.INVALID_TOPIC_EXCEPTION);
        assertThat(logEnd("__consumer_offsets", 0)).isZero();

        ProduceResponseData admin = Requests.done(send(12, "__admin_client", request((short) 1, "__consumer_offsets", Uuid.ZERO_UUID, 0,
                records(1))));
        assertThat(error(only(admin))).isEqualTo(Errors.NONE);
        assertThat(logEnd("__consumer_offsets", 0)).isEqualTo(1);
    }

    @Test
    void aRetriedIdempotentBatchIsAnsweredWithItsOriginalOffset() {
        produce(12, request((short) 1, "orders", Uuid.ZERO_UUID, 0, records(3)));
        PartitionProduceResponse original = only(produce(12, request((short) -1, "orders", Uuid.ZERO_UUID, 0, idempotent(7L, 0, 2))));
        PartitionProduceResponse retried = only(produce(12, request((short) -1, "orders", Uuid.ZERO_UUID, 0, idempotent(7L, 0, 2))));

        assertThat(error(original)).isEqualTo(Errors.NONE);
        assertThat(original.baseOffset()).isEqualTo(3);
        assertThat(error(retried)).isEqualTo(Errors.NONE);
        assertThat(retried.baseOffset()).isEqualTo(3);
        assertThat(logEnd("orders", 0)).as("nothing written twice").isEqualTo(5);
    }

    @Test
    void aSequenceGapIsOutOfOrder() {
        produce(12, request((short) -1, "orders", Uuid.ZERO_UUID, 0, idempotent(8L, 0, 2)));
        PartitionProduceResponse gap = only(produce(12, request((short) -1, "orders", Uuid.ZERO_UUID, 0, idempotent(8L, 5, 1))));
        assertThat(error(gap)).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
        assertThat(gap.errorMessage()).isNotBlank();
        assertThat(logEnd("orders", 0)).isEqualTo(2);
    }

    @Test
    void aRecordThatBreaksTheTopicRulesIsReportedByIndex() {
        broker.apply(new ConfigRecord(ConfigResourceType.TOPIC, "orders", "cleanup.policy", "compact"));
        MemoryRecords keyless = MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(broker.time().milliseconds(), "k".getBytes(), "v".getBytes()),
                new SimpleRecord(broker.time().milliseconds(), null, "v".getBytes()));

        ProduceResponseData response = produce(12, request((short) 1, "orders", Uuid.ZERO_UUID, 0, keyless));

        PartitionProduceResponse result = only(response);
        assertThat(error(result)).isEqualTo(Errors.INVALID_RECORD);
        assertThat(result.recordErrors()).singleElement().satisfies(e -> assertThat(e.batchIndex()).isEqualTo(1));
        assertThat(result.logStartOffset()).isZero();
        assertThat(result.baseOffset()).isEqualTo(-1);
        assertThat(logEnd("orders", 0)).isZero();
        for (short version = 3; version <= 12; version++) {
            assertThat(MessageUtil.toByteBufferAccessor(response, version).buffer().remaining()).as("v%d", version).isPositive();
        }
    }

    @Test
    void aClientOverItsByteRateIsAnsweredAtOnceWithTheThrottleTimeAndMuted() {
        Requests.clientQuota(quotas, "throttled", "producer_byte_rate", 100);
        MemoryRecords batch = records(100);
        int size = batch.sizeInBytes();

        ProduceResponseData first = Requests.done(send(12, "throttled", request((short) 1, "orders", Uuid.ZERO_UUID, 0, batch)));
        ProduceResponseData other = Requests.done(send(12, "other", request((short) 1, "orders", Uuid.ZERO_UUID, 0, records(100))));

        // At the start the rate is measured over 10 one-second samples: size / 10 s, against 100 B/s.
        long expected = Math.round((size / 10.0 - 100) / 100 * 10_000);
        assertThat(error(only(first))).isEqualTo(Errors.NONE);
        assertThat(first.throttleTimeMs()).isEqualTo((int) expected).isPositive();
        assertThat(other.throttleTimeMs()).isZero();
        assertThat(mutes).containsExactly((int) expected);
    }

    @Test
    void aClientWithinItsByteRateIsNotThrottled() {
        Requests.clientQuota(quotas, "throttled", "producer_byte_rate", 1_000_000);

        ProduceResponseData response = Requests.done(send(12, "throttled", request((short) 1, "orders", Uuid.ZERO_UUID, 0, records(10))));

        assertThat(response.throttleTimeMs()).isZero();
        assertThat(mutes).isEmpty();
    }

    @Test
    void acksZeroAnswersNothing() {
        CompletableFuture<ApiMessage> future = send(12, "producer-1", request((short) 0, "orders", Uuid.ZERO_UUID, 0, records(2)));
        assertThat(future).isCompletedWithValue(null);
        assertThat(logEnd("orders", 0)).isEqualTo(2);
    }

    @Test
    void aFailedAcksZeroProduceClosesTheConnection() {
        ProduceRequestData data = request((short) 0, "orders", Uuid.ZERO_UUID, 0, records(2));
        add(data, "missing", Uuid.ZERO_UUID, 0, records(1));

        CompletableFuture<ApiMessage> future = send(12, "producer-1", data);

        assertThat(future).isCompletedExceptionally();
        assertThat(future.handle((ok, failure) -> failure instanceof CompletionException ? failure.getCause() : failure).join())
                .isInstanceOf(CloseConnectionException.class);
        assertThat(logEnd("orders", 0)).as("the good partition was still written").isEqualTo(2);
    }

    @Test
    void aTopicThatFlushesEveryMessageAnswersOnceTheDataIsOnDisk() {
        broker.apply(new ConfigRecord(ConfigResourceType.TOPIC, "orders", "flush.messages", "1"));

        CompletableFuture<ApiMessage> future = send(12, "producer-1", request((short) -1, "orders", Uuid.ZERO_UUID, 0, records(2)));

        await().atMost(Duration.ofSeconds(10)).until(future::isDone);
        PartitionProduceResponse result = only((ProduceResponseData) future.join());
        assertThat(error(result)).isEqualTo(Errors.NONE);
        assertThat(result.baseOffset()).isZero();
        assertThat(broker.partition("orders", 0).log().recoveryPoint()).isEqualTo(2);
    }

    @Test
    void aTransactionsBatchesAreAppendedInOrderWhileEarlierOnesWaitForVerification() {
        holdVerifications = true;
        CompletableFuture<ApiMessage> first = send(11, "txn", transactional(0).setTransactionalId("tx"));
        CompletableFuture<ApiMessage> second = send(11, "txn", transactional(3).setTransactionalId("tx"));
        verifications.get(0).complete(Errors.NONE);
        assertThat(logEnd("orders", 0)).as("the first batch is in: the transaction is open here").isEqualTo(3);

        CompletableFuture<ApiMessage> third = send(11, "txn", transactional(6).setTransactionalId("tx"));
        assertThat(logEnd("orders", 0)).as("the third waits behind the second").isEqualTo(3);
        verifications.get(1).complete(Errors.NONE);
        verifications.get(2).complete(Errors.NONE);

        for (CompletableFuture<ApiMessage> response : List.of(first, second, third)) {
            assertThat(error(only((ProduceResponseData) Requests.done(response)))).isEqualTo(Errors.NONE);
        }
        assertThat(logEnd("orders", 0)).isEqualTo(9);
    }

    @Test
    void aTransactionalBatchItsCoordinatorDoesNotConfirmIsNotStored() {
        holdVerifications = true;
        CompletableFuture<ApiMessage> refused = send(11, "txn", transactional(0).setTransactionalId("tx"));
        verifications.get(0).complete(Errors.INVALID_TXN_STATE);

        assertThat(error(only((ProduceResponseData) Requests.done(refused)))).isEqualTo(Errors.INVALID_TXN_STATE);
        assertThat(logEnd("orders", 0)).isZero();
    }

    /** Three transactional records of producer 77 to partition 0 of "orders", from {@code baseSequence}. */
    private ProduceRequestData transactional(int baseSequence) {
        SimpleRecord[] records = new SimpleRecord[3];
        for (int i = 0; i < records.length; i++) {
            records[i] = new SimpleRecord(broker.time().milliseconds(), null, ("value" + i).getBytes());
        }
        return request((short) -1, "orders", ordersId, 0, MemoryRecords.withTransactionalRecords(Compression.NONE, 77L, (short) 0, baseSequence,
                records));
    }
}
