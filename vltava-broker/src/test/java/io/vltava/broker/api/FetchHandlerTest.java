package io.vltava.broker.api;

import static io.vltava.broker.api.Requests.baseOffsets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.vltava.broker.LocalBroker;
import io.vltava.broker.fetch.FetchSessionCache;
import io.vltava.broker.quota.ClientQuotaManager;
import io.vltava.broker.quota.ClientQuotaManagerConfig;
import io.vltava.metadata.record.PartitionRecord;
import io.vltava.metadata.record.QuotaKey;
import io.vltava.metadata.record.RemoveTopicRecord;
import io.vltava.metadata.record.TopicRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Consumer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchRequestData.FetchPartition;
import org.apache.kafka.common.message.FetchRequestData.FetchTopic;
import org.apache.kafka.common.message.FetchRequestData.ForgottenTopic;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.FetchRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FetchHandler on a real log: "alpha" has two partitions (alpha-0 holds offsets 0-5 in three batches,
 * alpha-1 offset 0), "beta" one empty partition, and "wide" three partitions of one large batch each.
 */
class FetchHandlerTest {

    private static final int BIG_VALUE = 1000;

    @TempDir
    Path dir;

    private LocalBroker broker;
    private FetchSessionCache sessions;
    private FetchHandler handler;
    private ScheduledThreadPoolExecutor eventLoop;
    private final ClientQuotaManager quotas = new ClientQuotaManager(QuotaKey.CONSUMER_BYTE_RATE, new ClientQuotaManagerConfig(11, 1000));
    private final List<Integer> mutes = new ArrayList<>();
    private final Map<String, Uuid> topicIds = new HashMap<>();
    private final Map<Uuid, String> topicNames = new HashMap<>();
    private int wideBatchBytes;

    @BeforeEach
    void setUp() {
        broker = LocalBroker.open(dir);
        broker.registerLocalBroker();
        createTopic("alpha", 2);
        createTopic("beta", 1);
        createTopic("wide", 3);
        for (int i = 0; i < 3; i++) {
            broker.append("alpha", 0, 2);
        }
        broker.append("alpha", 1, 1);
        for (int p = 0; p < 3; p++) {
            broker.append("wide", p, 1, BIG_VALUE);
        }
        wideBatchBytes = (int) broker.partition("wide", 0).log().sizeInBytes();
        sessions = new FetchSessionCache(10, broker.time());
        handler = new FetchHandler(broker.replicaManager(), broker::image, sessions, 50 * 1024 * 1024, broker.topicMetrics(), quotas, broker.time());
        eventLoop = new ScheduledThreadPoolExecutor(1);
    }

    @AfterEach
    void tearDown() {
        eventLoop.shutdownNow();
        broker.close();
    }

    private void createTopic(String name, int partitions) {
        UUID id = broker.createTopic(name, partitions);
        Uuid kafkaId = new Uuid(id.getMostSignificantBits(), id.getLeastSignificantBits());
        topicIds.put(name, kafkaId);
        topicNames.put(kafkaId, name);
    }

    /** Builds one fetch request; names topics by id from v13 on. */
    private final class Fetch {
        private final FetchRequestData data = new FetchRequestData().setMaxWaitMs(0).setMinBytes(1).setMaxBytes(Integer.MAX_VALUE)
                .setIsolationLevel((byte) 0).setSessionId(0).setSessionEpoch(-1);
        private final short version;

        Fetch(int version) {
            this.version = (short) version;
        }

        Fetch session(int id, int epoch) {
            data.setSessionId(id).setSessionEpoch(epoch);
            return this;
        }

        Fetch partition(String topic, int partition, long offset) {
            return partition(topic, partition, offset, p -> { });
        }

        Fetch partition(String topic, int partition, long offset, Consumer<FetchPartition> tweak) {
            return partition(topic, version >= 13 ? topicIds.getOrDefault(topic, Uuid.randomUuid()) : Uuid.ZERO_UUID, partition, offset, tweak);
        }

        Fetch partition(String topic, Uuid topicId, int partition, long offset, Consumer<FetchPartition> tweak) {
            // Consecutive partitions of a topic share its entry; a topic named again later gets a second entry.
            FetchTopic last = data.topics().isEmpty() ? null : data.topics().get(data.topics().size() - 1);
            FetchTopic fetchTopic = last != null && (version >= 13 ? last.topicId().equals(topicId) : last.topic().equals(topic)) ? last : null;
            if (fetchTopic == null) {
                fetchTopic = version >= 13 ? new FetchTopic().setTopicId(topicId) : new FetchTopic().setTopic(topic);
                data.topics().add(fetchTopic);
            }
            FetchPartition fetchPartition = new FetchPartition().setPartition(partition).setFetchOffset(offset).setPartitionMaxBytes(1 << 20)
                    .setCurrentLeaderEpoch(-1).setLastFetchedEpoch(-1).setLogStartOffset(-1);
            tweak.accept(fetchPartition);
            fetchTopic.partitions().add(fetchPartition);
            return this;
        }

        Fetch forget(String topic, int partition) {
            ForgottenTopic forgotten = version >= 13 ? new ForgottenTopic().setTopicId(topicIds.get(topic)) : new ForgottenTopic().setTopic(topic);
            forgotten.setPartitions(List.of(partition));
            data.forgottenTopicsData().add(forgotten);
            return this;
        }

        Fetch waitFor(int minBytes, int maxWaitMs) {
            data.setMinBytes(minBytes).setMaxWaitMs(maxWaitMs);
            return this;
        }

        Fetch maxBytes(int maxBytes) {
            data.setMaxBytes(maxBytes);
            return this;
        }

        Fetch readCommitted() {
            data.setIsolationLevel((byte) 1);
            return this;
        }

        Fetch fromReplica(int replicaId) {
            if (version >= 15) {
                data.setReplicaState(new FetchRequestData.ReplicaState().setReplicaId(replicaId).setReplicaEpoch(0));
            } else {
                data.setReplicaId(replicaId);
            }
            return this;
        }

        CompletableFuture<ApiMessage> send() {
            return handler.handle(Requests.context(ApiKeys.FETCH, version, "consumer", "PLAINTEXT", eventLoop, mutes::add),
                    new FetchRequest(data, version));
        }

        FetchResponseData now() {
            return Requests.done(send());
        }
    }

    private Fetch fetch(int version) {
        return new Fetch(version);
    }

    private String nameOf(FetchableTopicResponse topic) {
        return topic.topic() != null && !topic.topic().isEmpty() ? topic.topic() : topicNames.getOrDefault(topic.topicId(), topic.topicId().toString());
    }

    /** "topic-partition" of every row, in response order. */
    private List<String> rows(FetchResponseData response) {
        List<String> rows = new ArrayList<>();
        for (FetchableTopicResponse topic : response.responses()) {
            for (PartitionData partition : topic.partitions()) {
                rows.add(nameOf(topic) + "-" + partition.partitionIndex());
            }
        }
        return rows;
    }

    private PartitionData row(FetchResponseData response, String topic, int partition) {
        for (FetchableTopicResponse topicResponse : response.responses()) {
            if (nameOf(topicResponse).equals(topic)) {
                for (PartitionData data : topicResponse.partitions()) {
                    if (data.partitionIndex() == partition) {
                        return data;
                    }
                }
            }
        }
        throw new AssertionError("No row for " + topic + "-" + partition + " in " + response);
    }

    private static Errors error(PartitionData row) {
        return Errors.forCode(row.errorCode());
    }

    private static int bytes(PartitionData row) {
        return row.records() == null ? 0 : row.records().sizeInBytes();
    }

    // ---- sessionless and full fetches ----

    @Test
    void aSessionlessFetchReadsEveryPartitionInRequestOrder() {
        FetchResponseData response = fetch(12).partition("alpha", 0, 0).partition("beta", 0, 0).partition("alpha", 1, 0).now();

        assertThat(response.errorCode()).isZero();
        assertThat(response.sessionId()).isZero();
        assertThat(rows(response)).containsExactly("alpha-0", "beta-0", "alpha-1");
        assertThat(response.responses()).as("alpha is not contiguous: two topic entries").hasSize(3);
        PartitionData alpha0 = row(response, "alpha", 0);
        assertThat(error(alpha0)).isEqualTo(Errors.NONE);
        assertThat(alpha0.highWatermark()).isEqualTo(6);
        assertThat(alpha0.lastStableOffset()).isEqualTo(6);
        assertThat(alpha0.logStartOffset()).isZero();
        assertThat(alpha0.preferredReadReplica()).isEqualTo(-1);
        assertThat(alpha0.abortedTransactions()).isNull();
        assertThat(baseOffsets(alpha0.records())).containsExactly(0L, 2L, 4L);
        assertThat(baseOffsets(row(response, "alpha", 1).records())).containsExactly(0L);
        PartitionData beta = row(response, "beta", 0);
        assertThat(beta.records()).as("empty, not null").isNotNull();
        assertThat(bytes(beta)).isZero();
        assertThat(beta.highWatermark()).isZero();
    }

    @Test
    void aFetchThatTakesTheClientOverItsByteRateIsAnsweredEmptyWithTheThrottleTimeAndMuted() {
        Requests.clientQuota(quotas, "consumer", "consumer_byte_rate", 1);

        FetchResponseData response = fetch(12).session(0, 0).partition("alpha", 0, 0).now();

        assertThat(response.errorCode()).isZero();
        assertThat(response.responses()).isEmpty();
        assertThat(response.sessionId()).as("a throttled full fetch creates no session").isZero();
        assertThat(response.throttleTimeMs()).isPositive();
        assertThat(mutes).containsExactly(response.throttleTimeMs());
        assertThat(quotas.rate("ANONYMOUS", "consumer", broker.time().milliseconds())).as("what was not sent is not counted").isZero();
    }

    @Test
    void aFetchWithinTheClientsByteRateIsServedAsUsual() {
        Requests.clientQuota(quotas, "consumer", "consumer_byte_rate", 1_000_000);

        FetchResponseData response = fetch(12).partition("alpha", 0, 0).now();

        assertThat(baseOffsets(row(response, "alpha", 0).records())).containsExactly(0L, 2L, 4L);
        assertThat(response.throttleTimeMs()).isZero();
        assertThat(mutes).isEmpty();
        assertThat(quotas.rate("ANONYMOUS", "consumer", broker.time().milliseconds())).isPositive();
    }

    @Test
    void aFetchFromTheMiddleOfTheLogStartsAtTheBatchHoldingTheOffset() {
        PartitionData row = row(fetch(12).partition("alpha", 0, 3).now(), "alpha", 0);
        assertThat(baseOffsets(row.records())).containsExactly(2L, 4L);
    }

    @Test
    void requestsBeforeVersion7NeverUseSessions() {
        FetchResponseData response = fetch(4).session(0, 0).partition("alpha", 0, 0).now();
        assertThat(response.sessionId()).isZero();
        assertThat(rows(response)).containsExactly("alpha-0");
    }

    @Test
    void aFullFetchCreatesASession() {
        FetchResponseData response = fetch(12).session(0, 0).partition("alpha", 0, 0).partition("beta", 0, 0).now();

        assertThat(response.sessionId()).isNotZero();
        assertThat(sessions.get(response.sessionId())).isNotNull();
        assertThat(rows(response)).containsExactly("alpha-0", "beta-0");
    }

    @Test
    void aFullFetchWithItsSessionIdReplacesThatSession() {
        int first = fetch(12).session(0, 0).partition("alpha", 0, 0).now().sessionId();
        int second = fetch(12).session(first, 0).partition("alpha", 0, 0).now().sessionId();

        assertThat(second).isNotZero().isNotEqualTo(first);
        assertThat(sessions.get(first)).isNull();
        assertThat(sessions.get(second)).isNotNull();
    }

    @Test
    void theFinalEpochClosesTheSessionAndAnswersWithoutOne() {
        int id = fetch(12).session(0, 0).partition("alpha", 0, 0).now().sessionId();

        FetchResponseData response = fetch(12).session(id, -1).partition("alpha", 1, 0).now();

        assertThat(sessions.get(id)).isNull();
        assertThat(response.sessionId()).isZero();
        assertThat(rows(response)).containsExactly("alpha-1");
    }

    @Test
    void aFullResponseGetsNoSessionWhenTheCacheIsFull() {
        handler = new FetchHandler(broker.replicaManager(), broker::image, new FetchSessionCache(0, broker.time()), 50 * 1024 * 1024, broker.topicMetrics(), quotas, broker.time());
        FetchResponseData response = fetch(12).session(0, 0).partition("alpha", 0, 0).now();
        assertThat(response.sessionId()).isZero();
        assertThat(rows(response)).containsExactly("alpha-0");
    }

    // ---- incremental fetches ----

    @Test
    void anIncrementalFetchReturnsOnlyPartitionsThatChanged() {
        int id = fetch(12).session(0, 0).partition("alpha", 0, 6).partition("alpha", 1, 1).partition("beta", 0, 0).now().sessionId();

        FetchResponseData quiet = fetch(12).session(id, 1).now();
        assertThat(quiet.errorCode()).isZero();
        assertThat(quiet.sessionId()).isEqualTo(id);
        assertThat(quiet.responses()).as("nothing moved").isEmpty();

        broker.append("beta", 0, 4);
        FetchResponseData moved = fetch(12).session(id, 2).now();
        assertThat(rows(moved)).containsExactly("beta-0");
        assertThat(baseOffsets(row(moved, "beta", 0).records())).containsExactly(0L);
        assertThat(row(moved, "beta", 0).highWatermark()).isEqualTo(4);

        FetchResponseData caughtUp = fetch(12).session(id, 3).partition("beta", 0, 4).now();
        assertThat(caughtUp.responses()).as("beta-0 moved on to its end, nothing new to say").isEmpty();
    }

    @Test
    void anIncrementalFetchKeepsTheRequestParametersOfPartitionsItDoesNotMention() {
        int id = fetch(12).session(0, 0).partition("alpha", 0, 4).partition("alpha", 1, 1).now().sessionId();

        FetchResponseData response = fetch(12).session(id, 1).now();

        assertThat(rows(response)).as("alpha-0 is still read from offset 4 and has data").containsExactly("alpha-0");
        assertThat(baseOffsets(row(response, "alpha", 0).records())).containsExactly(4L);
    }

    @Test
    void forgottenPartitionsLeaveTheSessionAndAddedOnesJoinIt() {
        int id = fetch(12).session(0, 0).partition("alpha", 0, 6).partition("alpha", 1, 1).now().sessionId();

        FetchResponseData response = fetch(12).session(id, 1).forget("alpha", 1).partition("beta", 0, 0).now();
        assertThat(rows(response)).as("a new partition is always in its first response").containsExactly("beta-0");

        broker.append("alpha", 1, 1);
        broker.append("alpha", 0, 1);
        assertThat(rows(fetch(12).session(id, 2).now())).containsExactly("alpha-0");
    }

    @Test
    void forgettingEveryPartitionEndsTheSession() {
        int id = fetch(12).session(0, 0).partition("alpha", 0, 6).now().sessionId();

        FetchResponseData response = fetch(12).session(id, 1).forget("alpha", 0).now();

        assertThat(response.errorCode()).isZero();
        assertThat(response.sessionId()).isZero();
        assertThat(response.responses()).isEmpty();
        assertThat(sessions.get(id)).isNull();
    }

    @Test
    void anIncrementalSessionByTopicIdWorksToo() {
        FetchResponseData full = fetch(13).session(0, 0).partition("alpha", 0, 6).partition("beta", 0, 0).now();
        assertThat(full.responses()).extracting(FetchableTopicResponse::topicId).containsExactly(topicIds.get("alpha"), topicIds.get("beta"));

        broker.append("alpha", 0, 1);
        FetchResponseData incremental = fetch(13).session(full.sessionId(), 1).forget("beta", 0).now();

        assertThat(incremental.responses()).singleElement().extracting(FetchableTopicResponse::topicId).isEqualTo(topicIds.get("alpha"));
        assertThat(rows(incremental)).containsExactly("alpha-0");
        assertThat(sessions.get(full.sessionId()).targets()).hasSize(1);
    }

    @Test
    void partitionsThatReturnedDataAreReadLastNextTime() {
        int id = fetch(12).session(0, 0).maxBytes(1).partition("wide", 0, 0).partition("wide", 1, 0).partition("wide", 2, 0).now().sessionId();

        List<String> served = new ArrayList<>();
        for (int epoch = 1; epoch <= 4; epoch++) {
            FetchResponseData response = fetch(12).session(id, epoch).maxBytes(1).now();
            for (String row : rows(response)) {
                if (bytes(row(response, "wide", Integer.parseInt(row.substring(5)))) > 0) {
                    served.add(row);
                }
            }
        }
        assertThat(served).as("one batch per response, each partition in turn")
                .containsExactly("wide-0", "wide-1", "wide-2", "wide-0");
    }

    @Test
    void anUnknownSessionIdIsRefused() {
        FetchResponseData response = fetch(12).session(12345, 1).partition("alpha", 0, 0).now();
        assertThat(Errors.forCode(response.errorCode())).isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND);
        assertThat(response.sessionId()).isZero();
        assertThat(response.responses()).isEmpty();

        assertThat(Errors.forCode(fetch(12).session(0, 3).now().errorCode())).isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND);
    }

    @Test
    void aWrongEpochIsRefusedAndLeavesTheSessionAsItWas() {
        int id = fetch(12).session(0, 0).partition("alpha", 0, 6).now().sessionId();

        FetchResponseData response = fetch(12).session(id, 2).forget("alpha", 0).now();
        assertThat(Errors.forCode(response.errorCode())).isEqualTo(Errors.INVALID_FETCH_SESSION_EPOCH);
        assertThat(response.sessionId()).isZero();
        assertThat(response.responses()).isEmpty();

        FetchResponseData retried = fetch(12).session(id, 1).now();
        assertThat(retried.errorCode()).isZero();
        assertThat(retried.sessionId()).isEqualTo(id);
        assertThat(sessions.get(id).targets()).as("the refused request forgot nothing").hasSize(1);
    }

    @Test
    void aSessionCannotSwitchBetweenTopicNamesAndIds() {
        int byId = fetch(13).session(0, 0).partition("alpha", 0, 0).now().sessionId();
        FetchResponseData v12 = fetch(12).session(byId, 1).now();
        assertThat(Errors.forCode(v12.errorCode())).isEqualTo(Errors.FETCH_SESSION_TOPIC_ID_ERROR);
        assertThat(v12.sessionId()).isZero();

        int byName = fetch(12).session(0, 0).partition("alpha", 0, 0).now().sessionId();
        FetchResponseData v13 = fetch(13).session(byName, 1).now();
        assertThat(Errors.forCode(v13.errorCode())).isEqualTo(Errors.FETCH_SESSION_TOPIC_ID_ERROR);
    }

    @Test
    void aSessionPartitionWhoseTopicWasRecreatedHasAnInconsistentTopicId() {
        int id = fetch(13).session(0, 0).partition("alpha", 0, 6).now().sessionId();
        UUID newId = UUID.randomUUID();
        UUID oldId = new UUID(topicIds.get("alpha").getMostSignificantBits(), topicIds.get("alpha").getLeastSignificantBits());
        broker.apply(new RemoveTopicRecord(oldId), new TopicRecord("alpha", newId),
                new PartitionRecord(newId, 0, List.of(1), List.of(1), 1, 0, 0));

        FetchResponseData response = fetch(13).session(id, 1).now();

        assertThat(rows(response)).containsExactly("alpha-0");
        assertThat(error(row(response, "alpha", 0))).isEqualTo(Errors.INCONSISTENT_TOPIC_ID);
    }

    // ---- per-partition errors ----

    @Test
    void unknownTopicsAndPartitionsAreReportedLast() {
        FetchResponseData response = fetch(12).partition("nope", 0, 0).partition("alpha", 7, 0).partition("alpha", 0, 0).now();

        assertThat(rows(response)).containsExactly("alpha-0", "nope-0", "alpha-7");
        for (PartitionData row : List.of(row(response, "nope", 0), row(response, "alpha", 7))) {
            assertThat(error(row)).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            assertThat(row.highWatermark()).isEqualTo(-1);
            assertThat(row.lastStableOffset()).isEqualTo(-1);
            assertThat(row.logStartOffset()).isEqualTo(-1);
            assertThat(bytes(row)).isZero();
        }
    }

    @Test
    void aNegativePartitionIsUnknown() {
        FetchResponseData response = fetch(12).partition("alpha", -1, 0).partition("alpha", 1, 0).now();

        assertThat(error(row(response, "alpha", -1))).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(baseOffsets(row(response, "alpha", 1).records())).containsExactly(0L);
    }

    @Test
    void aLogThatCannotBeReadFailsOnlyItsPartition() {
        // Closed under the fetch, as when the topic is deleted meanwhile: reading it throws UncheckedIOException.
        broker.partition("alpha", 0).log().closeWithoutFlush();

        FetchResponseData response = fetch(12).partition("alpha", 0, 0).partition("alpha", 1, 0).now();

        PartitionData failed = row(response, "alpha", 0);
        assertThat(error(failed)).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
        assertThat(failed.highWatermark()).isEqualTo(-1);
        assertThat(bytes(failed)).isZero();
        assertThat(error(row(response, "alpha", 1))).isEqualTo(Errors.NONE);
        assertThat(baseOffsets(row(response, "alpha", 1).records())).containsExactly(0L);
    }

    @Test
    void anUnknownTopicIdIsReportedAsSuch() {
        Uuid unknown = Uuid.randomUuid();
        FetchResponseData response = fetch(13).partition("?", unknown, 0, 0, p -> { }).partition("alpha", 0, 0).now();

        assertThat(response.responses()).extracting(FetchableTopicResponse::topicId).containsExactly(topicIds.get("alpha"), unknown);
        PartitionData row = response.responses().get(1).partitions().get(0);
        assertThat(error(row)).isEqualTo(Errors.UNKNOWN_TOPIC_ID);
    }

    @Test
    void anOffsetPastTheLogEndIsOutOfRange() {
        FetchResponseData response = fetch(12).partition("alpha", 0, 7).partition("alpha", 1, 1).now();
        PartitionData outside = row(response, "alpha", 0);
        assertThat(error(outside)).isEqualTo(Errors.OFFSET_OUT_OF_RANGE);
        assertThat(outside.highWatermark()).isEqualTo(-1);
        PartitionData atEnd = row(response, "alpha", 1);
        assertThat(error(atEnd)).as("the log end itself is a normal, empty read").isEqualTo(Errors.NONE);
        assertThat(bytes(atEnd)).isZero();
    }

    @Test
    void theClientsLeaderEpochIsChecked() {
        UUID alphaId = new UUID(topicIds.get("alpha").getMostSignificantBits(), topicIds.get("alpha").getLeastSignificantBits());
        broker.apply(new PartitionRecord(alphaId, 0, List.of(1), List.of(1), 1, 3, 1));

        assertThat(error(row(fetch(12).partition("alpha", 0, 0, p -> p.setCurrentLeaderEpoch(2)).now(), "alpha", 0)))
                .isEqualTo(Errors.FENCED_LEADER_EPOCH);
        assertThat(error(row(fetch(12).partition("alpha", 0, 0, p -> p.setCurrentLeaderEpoch(4)).now(), "alpha", 0)))
                .isEqualTo(Errors.UNKNOWN_LEADER_EPOCH);
        assertThat(error(row(fetch(12).partition("alpha", 0, 0, p -> p.setCurrentLeaderEpoch(3)).now(), "alpha", 0)))
                .isEqualTo(Errors.NONE);
        assertThat(error(row(fetch(12).partition("alpha", 0, 0).now(), "alpha", 0))).isEqualTo(Errors.NONE);
    }

    @Test
    void aPartitionLedElsewhereIsNotServed() {
        UUID betaId = new UUID(topicIds.get("beta").getMostSignificantBits(), topicIds.get("beta").getLeastSignificantBits());
        broker.apply(new PartitionRecord(betaId, 0, List.of(1, 2), List.of(1, 2), 2, 1, 1));
        assertThat(error(row(fetch(12).partition("beta", 0, 0).now(), "beta", 0))).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
    }

    @Test
    void followersAreNotServed() {
        FetchResponseData v12 = fetch(12).session(0, 0).fromReplica(2).partition("alpha", 0, 0)
                .partition("alpha", 1, 0, p -> p.setCurrentLeaderEpoch(0)).now();
        assertThat(error(row(v12, "alpha", 0))).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
        assertThat(error(row(v12, "alpha", 1))).isEqualTo(Errors.UNKNOWN_LEADER_EPOCH);
        assertThat(v12.sessionId()).isZero();

        FetchResponseData v17 = fetch(17).fromReplica(2).partition("alpha", 0, 0).now();
        assertThat(error(row(v17, "alpha", 0))).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
    }

    @Test
    void aDivergingLogIsToldWhereItsEpochEnded() {
        UUID alphaId = new UUID(topicIds.get("alpha").getMostSignificantBits(), topicIds.get("alpha").getLeastSignificantBits());
        broker.apply(new PartitionRecord(alphaId, 0, List.of(1), List.of(1), 1, 2, 1));
        broker.append("alpha", 0, 2);

        PartitionData diverging = row(fetch(12).partition("alpha", 0, 7, p -> p.setLastFetchedEpoch(1)).now(), "alpha", 0);
        assertThat(error(diverging)).isEqualTo(Errors.NONE);
        assertThat(diverging.divergingEpoch().epoch()).isZero();
        assertThat(diverging.divergingEpoch().endOffset()).isEqualTo(6);
        assertThat(bytes(diverging)).isZero();

        PartitionData consistent = row(fetch(12).partition("alpha", 0, 3, p -> p.setLastFetchedEpoch(0)).now(), "alpha", 0);
        assertThat(consistent.divergingEpoch().epoch()).isEqualTo(-1);
        assertThat(baseOffsets(consistent.records())).containsExactly(2L, 4L, 6L);

        PartitionData unknownEpoch = row(fetch(12).partition("alpha", 0, 7, p -> p.setLastFetchedEpoch(5)).now(), "alpha", 0);
        assertThat(error(unknownEpoch)).isEqualTo(Errors.OFFSET_OUT_OF_RANGE);
    }

    // ---- byte limits ----

    @Test
    void theFirstPartitionWithDataGetsOneWholeBatchBeyondMaxBytes() {
        FetchResponseData response = fetch(12).maxBytes(10).partition("wide", 1, 0).partition("wide", 0, 0).partition("wide", 2, 0).now();

        assertThat(rows(response)).containsExactly("wide-1", "wide-0", "wide-2");
        assertThat(baseOffsets(row(response, "wide", 1).records())).containsExactly(0L);
        assertThat(bytes(row(response, "wide", 1))).isEqualTo(wideBatchBytes);
        assertThat(bytes(row(response, "wide", 0))).isZero();
        assertThat(bytes(row(response, "wide", 2))).isZero();
    }

    @Test
    void theExemptionGoesToTheFirstPartitionThatHasData() {
        FetchResponseData response = fetch(12).maxBytes(10).partition("beta", 0, 0).partition("wide", 2, 1).partition("wide", 0, 0)
                .partition("wide", 1, 0).now();

        assertThat(bytes(row(response, "wide", 0))).isEqualTo(wideBatchBytes);
        assertThat(bytes(row(response, "wide", 1))).isZero();
    }

    @Test
    void maxBytesIsSharedAcrossPartitions() {
        FetchResponseData response = fetch(12).maxBytes(2 * wideBatchBytes + 10)
                .partition("wide", 0, 0).partition("wide", 1, 0).partition("wide", 2, 0).now();

        assertThat(bytes(row(response, "wide", 0))).isEqualTo(wideBatchBytes);
        assertThat(bytes(row(response, "wide", 1))).isEqualTo(wideBatchBytes);
        assertThat(bytes(row(response, "wide", 2))).as("10 bytes left: not a whole batch").isZero();
        assertThat(row(response, "wide", 2).highWatermark()).isEqualTo(1);
    }

    @Test
    void theBrokerCapsMaxBytes() {
        handler = new FetchHandler(broker.replicaManager(), broker::image, sessions, 1024, broker.topicMetrics(), quotas, broker.time());
        FetchResponseData response = fetch(12).partition("wide", 0, 0).partition("wide", 1, 0).now();

        assertThat(bytes(row(response, "wide", 0))).as("one whole batch, beyond the cap").isEqualTo(wideBatchBytes);
        assertThat(bytes(row(response, "wide", 1))).isZero();
    }

    @Test
    void partitionMaxBytesLimitsAllButTheFirstPartitionWithData() {
        FetchResponseData response = fetch(12)
                .partition("wide", 0, 0, p -> p.setPartitionMaxBytes(10))
                .partition("wide", 1, 0, p -> p.setPartitionMaxBytes(10))
                .partition("alpha", 0, 0, p -> p.setPartitionMaxBytes(1 << 20)).now();

        assertThat(bytes(row(response, "wide", 0))).isEqualTo(wideBatchBytes);
        assertThat(bytes(row(response, "wide", 1))).isZero();
        assertThat(baseOffsets(row(response, "alpha", 0).records())).containsExactly(0L, 2L, 4L);
    }

    // ---- isolation ----

    @Test
    void readCommittedRowsCarryAnEmptyAbortedTransactionList() {
        FetchResponseData committed = fetch(12).readCommitted().partition("alpha", 0, 0).partition("alpha", 1, 9).now();
        assertThat(row(committed, "alpha", 0).abortedTransactions()).isNotNull().isEmpty();
        assertThat(row(committed, "alpha", 1).abortedTransactions()).as("an error row").isNull();

        FetchResponseData uncommitted = fetch(12).partition("alpha", 0, 0).now();
        assertThat(row(uncommitted, "alpha", 0).abortedTransactions()).isNull();
    }

    private void transactional(String topic, long producerId, int baseSequence, int records) {
        SimpleRecord[] values = new SimpleRecord[records];
        for (int i = 0; i < records; i++) {
            values[i] = new SimpleRecord(broker.time().milliseconds(), ("t" + i).getBytes(), ("v" + i).getBytes());
        }
        broker.partition(topic, 0).appendRecordsToLeader(
                MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, (short) 0, baseSequence, values).buffer(), (short) 1);
    }

    @Test
    void readCommittedStopsAtTheLastStableOffsetAndListsTheAbortedTransactions() {
        transactional("beta", 7L, 0, 2);
        broker.partition("beta", 0).appendTransactionMarker(7L, (short) 0, 0, false);
        transactional("beta", 8L, 0, 1);
        broker.append("beta", 0, 1);

        PartitionData committed = row(fetch(12).readCommitted().partition("beta", 0, 0).now(), "beta", 0);
        PartitionData uncommitted = row(fetch(12).partition("beta", 0, 0).now(), "beta", 0);

        assertThat(committed.highWatermark()).isEqualTo(5);
        assertThat(committed.lastStableOffset()).isEqualTo(3);
        assertThat(baseOffsets(committed.records())).containsExactly(0L, 2L);
        assertThat(committed.abortedTransactions()).extracting(a -> a.producerId(), a -> a.firstOffset()).containsExactly(tuple(7L, 0L));
        assertThat(uncommitted.lastStableOffset()).isEqualTo(3);
        assertThat(baseOffsets(uncommitted.records())).containsExactly(0L, 2L, 3L, 4L);
        assertThat(uncommitted.abortedTransactions()).isNull();
    }

    @Test
    void aReadCommittedFetchWaitingAtTheLastStableOffsetIsWokenByTheMarker() {
        transactional("beta", 8L, 0, 1);
        broker.append("beta", 0, 1);
        CompletableFuture<ApiMessage> pending = fetch(12).readCommitted().waitFor(1, 60_000).partition("beta", 0, 0).send();
        assertThat(pending).isNotDone();

        broker.partition("beta", 0).appendTransactionMarker(8L, (short) 0, 0, true);

        await().atMost(Duration.ofSeconds(10)).until(pending::isDone);
        PartitionData row = row((FetchResponseData) pending.join(), "beta", 0);
        assertThat(row.lastStableOffset()).isEqualTo(3);
        assertThat(baseOffsets(row.records())).containsExactly(0L, 1L, 2L);
    }

    // ---- waiting for data ----

    @Test
    void aFetchWaitsForMinBytesAndAnswersWhenDataArrives() {
        int available = (int) broker.partition("alpha", 0).log().sizeInBytes();
        CompletableFuture<ApiMessage> pending = fetch(12).waitFor(available + 1, 60_000).partition("alpha", 0, 0).send();
        assertThat(pending).isNotDone();

        broker.append("alpha", 0, 1);

        await().atMost(Duration.ofSeconds(10)).until(pending::isDone);
        FetchResponseData response = (FetchResponseData) pending.join();
        assertThat(baseOffsets(row(response, "alpha", 0).records())).containsExactly(0L, 2L, 4L, 6L);
        assertThat(row(response, "alpha", 0).highWatermark()).isEqualTo(7);
    }

    @Test
    void aWaitingFetchAnswersEmptyWhenTimeRunsOut() {
        CompletableFuture<ApiMessage> pending = fetch(12).waitFor(1, 50).partition("alpha", 1, 1).partition("beta", 0, 0).send();

        await().atMost(Duration.ofSeconds(10)).until(pending::isDone);
        FetchResponseData response = (FetchResponseData) pending.join();
        assertThat(rows(response)).containsExactly("alpha-1", "beta-0");
        assertThat(bytes(row(response, "alpha", 1))).isZero();
        assertThat(error(row(response, "alpha", 1))).isEqualTo(Errors.NONE);
        assertThat(row(response, "alpha", 1).highWatermark()).isEqualTo(1);
    }

    @Test
    void aWaitingFullFetchCreatesItsSessionWhenItAnswers() {
        sessions = new FetchSessionCache(1, broker.time());
        handler = new FetchHandler(broker.replicaManager(), broker::image, sessions, 50 * 1024 * 1024, broker.topicMetrics(), quotas, broker.time());
        CompletableFuture<ApiMessage> pending = fetch(12).session(0, 0).waitFor(1, 60_000).partition("beta", 0, 0).send();
        assertThat(pending).isNotDone();
        // The only slot is still free while the fetch waits: another full fetch gets it.
        int probe = fetch(12).session(0, 0).partition("alpha", 1, 0).now().sessionId();
        assertThat(probe).isNotZero();
        sessions.remove(probe);

        broker.append("beta", 0, 1);

        await().atMost(Duration.ofSeconds(10)).until(pending::isDone);
        FetchResponseData response = (FetchResponseData) pending.join();
        assertThat(response.sessionId()).isNotZero();
        assertThat(baseOffsets(row(response, "beta", 0).records())).containsExactly(0L);
    }

    @Test
    void anErrorAnswersAtOnceWithoutWaiting() {
        FetchResponseData response = Requests.done(fetch(12).waitFor(1 << 20, 60_000).partition("alpha", 0, 99).partition("beta", 0, 0).send());
        assertThat(error(row(response, "alpha", 0))).isEqualTo(Errors.OFFSET_OUT_OF_RANGE);
    }

    @Test
    void enoughDataAnswersAtOnce() {
        FetchResponseData response = Requests.done(fetch(12).waitFor(1, 60_000).partition("alpha", 0, 0).send());
        assertThat(baseOffsets(row(response, "alpha", 0).records())).containsExactly(0L, 2L, 4L);
    }
}
