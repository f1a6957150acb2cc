package io.vltava.broker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vltava.broker.LocalBroker;
import io.vltava.broker.LocalController;
import io.vltava.metadata.record.PartitionRecord;
import io.vltava.metadata.record.RegisterBrokerRecord;
import io.vltava.metadata.record.TopicRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataRequestData.MetadataRequestTopic;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.MetadataRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataHandlerTest {

    @TempDir
    Path dir;

    private LocalBroker broker;
    private LocalController controller;
    private Uuid ordersId;

    @BeforeEach
    void setUp() {
        broker = LocalBroker.open(dir);
        broker.registerLocalBroker();
        UUID id = UUID.randomUUID();
        broker.apply(new TopicRecord("orders", id),
                new PartitionRecord(id, 1, List.of(1, 2), List.of(1), 1, 4, 7),
                new PartitionRecord(id, 0, List.of(1), List.of(1), 1, 0, 0));
        broker.createTopic("audit", 1);
        ordersId = new Uuid(id.getMostSignificantBits(), id.getLeastSignificantBits());
        controller = new LocalController(broker, true);
    }

    @AfterEach
    void tearDown() {
        controller.close();
        broker.close();
    }

    private MetadataHandler handler(boolean autoCreate) {
        return new MetadataHandler(1, "cluster-1", broker::image, controller.controller(), autoCreate);
    }

    private static MetadataRequestData byName(String... names) {
        return new MetadataRequestData().setAllowAutoTopicCreation(true)
                .setTopics(Arrays.stream(names).map(n -> new MetadataRequestTopic().setName(n)).toList());
    }

    private CompletableFuture<ApiMessage> send(MetadataHandler handler, int version, String listener, MetadataRequestData data) {
        short v = (short) version;
        MetadataRequest request = MetadataRequest.parse(MessageUtil.toByteBufferAccessor(data, v), v);
        return handler.handle(Requests.context(ApiKeys.METADATA, v, "client", listener, null), request);
    }

    private MetadataResponseData metadata(MetadataHandler handler, int version, MetadataRequestData data) {
        MetadataResponseData response = Requests.done(send(handler, version, "PLAINTEXT", data));
        assertThat(MessageUtil.toByteBufferAccessor(response, (short) version).buffer().remaining()).isPositive();
        return response;
    }

    private static MetadataResponseTopic topic(MetadataResponseData response, String name) {
        return response.topics().stream().filter(t -> name.equals(t.name())).findFirst().orElseThrow();
    }

    @Test
    void describesTheClusterAndEveryTopicInNameOrder() {
        MetadataResponseData response = metadata(handler(false), 12, new MetadataRequestData().setTopics(null));

        assertThat(response.clusterId()).isEqualTo("cluster-1");
        assertThat(response.controllerId()).isEqualTo(1);
        assertThat(response.brokers()).singleElement().satisfies(b -> {
            assertThat(b.nodeId()).isEqualTo(1);
            assertThat(b.host()).isEqualTo("localhost");
            assertThat(b.port()).isEqualTo(9092);
        });
        assertThat(response.topics()).extracting(MetadataResponseTopic::name).containsExactly("audit", "orders");
        MetadataResponseTopic orders = topic(response, "orders");
        assertThat(orders.topicId()).isEqualTo(ordersId);
        assertThat(orders.isInternal()).isFalse();
        assertThat(orders.partitions()).extracting(MetadataResponsePartition::partitionIndex).containsExactly(0, 1);
        MetadataResponsePartition p1 = orders.partitions().get(1);
        assertThat(p1.leaderId()).isEqualTo(1);
        assertThat(p1.leaderEpoch()).isEqualTo(4);
        assertThat(p1.replicaNodes()).containsExactly(1, 2);
        assertThat(p1.isrNodes()).containsExactly(1);
        assertThat(p1.offlineReplicas()).as("broker 2 is not registered").containsExactly(2);
    }

    @Test
    void version0AsksForEveryTopicWithAnEmptyList() {
        MetadataResponseData response = metadata(handler(false), 0, new MetadataRequestData());
        assertThat(response.topics()).extracting(MetadataResponseTopic::name).containsExactly("audit", "orders");
    }

    @Test
    void reportsMissingAndInvalidTopicsWithoutAutoCreation() {
        MetadataResponseData response = metadata(handler(false), 12, byName("orders", "missing", "bad name"));

        assertThat(response.topics()).extracting(MetadataResponseTopic::name).containsExactly("orders", "missing", "bad name");
        assertThat(Errors.forCode(topic(response, "missing").errorCode())).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(Errors.forCode(topic(response, "bad name").errorCode())).isEqualTo(Errors.INVALID_TOPIC_EXCEPTION);
        assertThat(broker.image().topics().get("missing")).isNull();
    }

    @Test
    void createsAMissingTopicAndDescribesItInTheSameResponse() {
        CompletableFuture<ApiMessage> future = send(handler(true), 12, "PLAINTEXT", byName("fresh", "orders"));
        await().atMost(Duration.ofSeconds(10)).until(future::isDone);
        MetadataResponseData response = (MetadataResponseData) future.join();

        MetadataResponseTopic fresh = topic(response, "fresh");
        assertThat(Errors.forCode(fresh.errorCode())).isEqualTo(Errors.NONE);
        assertThat(fresh.partitions()).singleElement().satisfies(p -> assertThat(p.leaderId()).isEqualTo(1));
        assertThat(broker.partition("fresh", 0)).as("the replica manager created its log").isNotNull();
    }

    @Test
    void neverAutoCreatesInternalTopicsOrTopicsTheClientDidNotAllow() {
        MetadataResponseData internal = metadata(handler(true), 12, byName("__consumer_offsets"));
        assertThat(Errors.forCode(internal.topics().iterator().next().errorCode())).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(internal.topics().iterator().next().isInternal()).isTrue();

        MetadataResponseData refused = metadata(handler(true), 12, byName("unwanted").setAllowAutoTopicCreation(false));
        assertThat(Errors.forCode(refused.topics().iterator().next().errorCode())).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(broker.image().topics().get("unwanted")).isNull();
    }

    @Test
    void looksTopicsUpByIdFromVersion12() {
        Uuid unknown = Uuid.randomUuid();
        MetadataRequestData data = new MetadataRequestData().setTopics(List.of(new MetadataRequestTopic().setTopicId(ordersId).setName(null),
                new MetadataRequestTopic().setTopicId(unknown).setName(null)));

        MetadataResponseData response = metadata(handler(false), 12, data);

        assertThat(response.topics()).hasSize(2);
        MetadataResponseTopic[] topics = response.topics().toArray(new MetadataResponseTopic[0]);
        assertThat(topics[0].name()).isEqualTo("orders");
        assertThat(Errors.forCode(topics[1].errorCode())).isEqualTo(Errors.UNKNOWN_TOPIC_ID);
        assertThat(topics[1].topicId()).isEqualTo(unknown);
    }

    @Test
    void versions10And11CannotLookTopicsUpById() {
        MetadataRequestData data = new MetadataRequestData().setTopics(List.of(new MetadataRequestTopic().setTopicId(ordersId).setName(null)));
        assertThatThrownBy(() -> send(handler(false), 10, "PLAINTEXT", data)).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void aLeaderWithoutTheClientsListenerIsReportedByVersion() {
        broker.apply(new RegisterBrokerRecord(1, UUID.randomUUID(),
                List.of(new RegisterBrokerRecord.BrokerEndpoint("INTERNAL", "localhost", 9094, "PLAINTEXT")), null));

        MetadataResponseData v12 = Requests.done(send(handler(false), 12, "PLAINTEXT", byName("audit")));
        MetadataResponsePartition partition = v12.topics().iterator().next().partitions().get(0);
        assertThat(Errors.forCode(partition.errorCode())).isEqualTo(Errors.LISTENER_NOT_FOUND);
        assertThat(partition.leaderId()).isEqualTo(-1);
        assertThat(v12.brokers()).isEmpty();

        MetadataResponseData v5 = Requests.done(send(handler(false), 5, "PLAINTEXT", byName("audit")));
        assertThat(Errors.forCode(v5.topics().iterator().next().partitions().get(0).errorCode())).isEqualTo(Errors.LEADER_NOT_AVAILABLE);
    }
}
