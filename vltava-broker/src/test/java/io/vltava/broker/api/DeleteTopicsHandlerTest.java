package io.vltava.broker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vltava.broker.LocalBroker;
import io.vltava.broker.LocalController;
import io.vltava.broker.partition.Partition;
import io.vltava.broker.quota.ClientQuotaManagerConfig;
import io.vltava.broker.quota.ControllerMutationQuotaManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeleteTopicsHandlerTest {

    @TempDir
    Path dir;

    private LocalBroker broker;
    private LocalController controller;
    private Uuid doomedId;
    private ControllerMutationQuotaManager mutationQuotas;

    @BeforeEach
    void setUp() {
        broker = LocalBroker.open(dir);
        UUID id = broker.createTopic("doomed", 2);
        doomedId = new Uuid(id.getMostSignificantBits(), id.getLeastSignificantBits());
        broker.createTopic("kept", 1);
        controller = new LocalController(broker, true);
        mutationQuotas = new ControllerMutationQuotaManager(new ClientQuotaManagerConfig(1, 1000), broker.time());
    }

    @AfterEach
    void tearDown() {
        controller.close();
        broker.close();
    }

    private DeleteTopicsResponseData delete(boolean enabled, int version, DeleteTopicsRequestData data) {
        short v = (short) version;
        DeleteTopicsResponseData response;
        DeleteTopicsRequest request = DeleteTopicsRequest.parse(MessageUtil.toByteBufferAccessor(data.setTimeoutMs(10_000), v), v);
        // delete.topic.enable is the controller's to check.
        try (LocalController disabled = enabled ? null : new LocalController(broker, false)) {
            DeleteTopicsHandler handler = new DeleteTopicsHandler(enabled ? controller.controller() : disabled.controller(), broker::image, mutationQuotas);
            CompletableFuture<ApiMessage> future = handler.handle(Requests.context(ApiKeys.DELETE_TOPICS, v, "admin", null), request);
            await().atMost(Duration.ofSeconds(10)).until(future::isDone);
            response = (DeleteTopicsResponseData) future.join();
        }
        assertThat(MessageUtil.toByteBufferAccessor(response, v).buffer().remaining()).as("fits v%d", version).isPositive();
        return response;
    }

    private static DeleteTopicsRequestData byName(String... names) {
        return new DeleteTopicsRequestData().setTopicNames(List.of(names));
    }

    private static DeleteTopicsRequestData byState(DeleteTopicState... states) {
        return new DeleteTopicsRequestData().setTopics(List.of(states));
    }

    private static Errors error(DeletableTopicResult result) {
        return Errors.forCode(result.errorCode());
    }

    @Test
    void deletesByNameAndTheReplicaManagerDropsThePartitions() {
        Partition p0 = broker.partition("doomed", 0);

        DeleteTopicsResponseData response = delete(true, 5, byName("doomed"));

        DeletableTopicResult result = response.responses().find("doomed");
        assertThat(error(result)).isEqualTo(Errors.NONE);
        assertThat(broker.image().topics().get("doomed")).isNull();
        assertThat(p0.isRemoved()).isTrue();
        assertThat(broker.partition("doomed", 1)).isNull();
        assertThat(broker.partition("kept", 0)).isNotNull();
    }

    @Test
    void deletesByIdFromVersion6() {
        DeleteTopicsResponseData response = delete(true, 6, byState(new DeleteTopicState().setName(null).setTopicId(doomedId)));

        DeletableTopicResult result = response.responses().iterator().next();
        assertThat(error(result)).isEqualTo(Errors.NONE);
        assertThat(result.name()).isEqualTo("doomed");
        assertThat(result.topicId()).isEqualTo(doomedId);
        assertThat(broker.image().topics().get("doomed")).isNull();
    }

    @Test
    void reportsUnknownTopicsByNameAndById() {
        assertThat(error(delete(true, 5, byName("missing")).responses().find("missing"))).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        DeleteTopicsResponseData byId = delete(true, 6, byState(new DeleteTopicState().setName(null).setTopicId(Uuid.randomUuid())));
        assertThat(error(byId.responses().iterator().next())).isEqualTo(Errors.UNKNOWN_TOPIC_ID);
    }

    @Test
    void refusesBothOrNeitherNameAndId() {
        DeleteTopicsResponseData both = delete(true, 6, byState(new DeleteTopicState().setName("doomed").setTopicId(doomedId)));
        assertThat(error(both.responses().iterator().next())).isEqualTo(Errors.INVALID_REQUEST);
        DeleteTopicsResponseData neither = delete(true, 6, byState(new DeleteTopicState().setName(null).setTopicId(Uuid.ZERO_UUID)));
        assertThat(error(neither.responses().iterator().next())).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(broker.image().topics().get("doomed")).isNotNull();
    }

    @Test
    void aTopicNamedTwiceIsDeletedOnceAndTheRepeatRefused() {
        DeleteTopicsResponseData response = delete(true, 6, byState(new DeleteTopicState().setName("doomed").setTopicId(Uuid.ZERO_UUID),
                new DeleteTopicState().setName(null).setTopicId(doomedId)));

        assertThat(response.responses()).extracting(r -> Errors.forCode(r.errorCode()))
                .containsExactlyInAnyOrder(Errors.NONE, Errors.INVALID_REQUEST);
        assertThat(broker.image().topics().get("doomed")).isNull();
    }

    @Test
    void deletionCanBeDisabled() {
        assertThat(error(delete(false, 5, byName("doomed")).responses().find("doomed"))).isEqualTo(Errors.TOPIC_DELETION_DISABLED);
        assertThat(error(delete(false, 2, byName("doomed")).responses().find("doomed"))).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(broker.image().topics().get("doomed")).isNotNull();
    }

    @Test
    void theControllersRefusalNamesTheErrorOfTheRequestsVersion() {
        for (int version = 1; version <= 6; version++) {
            DeleteTopicsRequestData data = version >= 6 ? byState(new DeleteTopicState().setName(null).setTopicId(doomedId)) : byName("doomed");
            DeletableTopicResult result = delete(false, version, data).responses().iterator().next();

            assertThat(error(result)).as("v%d", version).isEqualTo(version >= 3 ? Errors.TOPIC_DELETION_DISABLED : Errors.INVALID_REQUEST);
            assertThat(result.errorMessage()).isEqualTo("Topic deletion is disabled.");
        }
        assertThat(broker.image().topics().get("doomed")).isNotNull();
    }

    @Test
    void topicsPastAnExhaustedMutationQuotaAreKeptFromVersion5() {
        // 1 partition a second over one one-second sample: a burst of 1, so doomed (2 partitions) takes it to -1.
        Requests.clientQuota(mutationQuotas, "admin", "controller_mutation_rate", 1);

        DeleteTopicsResponseData response = delete(true, 5, byName("doomed", "kept"));

        assertThat(error(response.responses().find("doomed"))).isEqualTo(Errors.NONE);
        assertThat(error(response.responses().find("kept"))).isEqualTo(Errors.THROTTLING_QUOTA_EXCEEDED);
        assertThat(broker.image().topics().get("kept")).isNotNull();
        assertThat(response.throttleTimeMs()).isEqualTo(1000);
    }

    @Test
    void beforeVersion5EveryTopicIsDeletedAndTheClientThrottled() {
        Requests.clientQuota(mutationQuotas, "admin", "controller_mutation_rate", 1);

        DeleteTopicsResponseData response = delete(true, 4, byName("doomed", "kept"));

        assertThat(response.responses()).allSatisfy(result -> assertThat(error(result)).isEqualTo(Errors.NONE));
        assertThat(response.throttleTimeMs()).isEqualTo(2000);
    }
}
