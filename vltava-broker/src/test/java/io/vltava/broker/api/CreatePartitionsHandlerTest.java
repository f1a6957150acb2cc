package io.vltava.broker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vltava.broker.LocalBroker;
import io.vltava.broker.LocalController;
import io.vltava.broker.quota.ClientQuotaManagerConfig;
import io.vltava.broker.quota.ControllerMutationQuotaManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.CreatePartitionsRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CreatePartitionsHandlerTest {

    @TempDir
    Path dir;

    private LocalBroker broker;
    private LocalController controller;
    private ControllerMutationQuotaManager mutationQuotas;
    private CreatePartitionsHandler handler;

    @BeforeEach
    void setUp() {
        broker = LocalBroker.open(dir);
        broker.registerLocalBroker();
        broker.createTopic("first", 1);
        broker.createTopic("second", 1);
        controller = new LocalController(broker, true);
        // 1 partition a second over two one-second samples: a burst of 2.
        mutationQuotas = new ControllerMutationQuotaManager(new ClientQuotaManagerConfig(2, 1000), broker.time());
        handler = new CreatePartitionsHandler(controller.controller(), broker::image, mutationQuotas);
        Requests.clientQuota(mutationQuotas, "admin", "controller_mutation_rate", 1);
    }

    @AfterEach
    void tearDown() {
        controller.close();
        broker.close();
    }

    private CreatePartitionsResponseData grow(int version, boolean validateOnly, String... topics) {
        CreatePartitionsRequestData data = new CreatePartitionsRequestData().setTimeoutMs(10_000).setValidateOnly(validateOnly);
        for (String topic : topics) {
            data.topics().add(new CreatePartitionsTopic().setName(topic).setCount(4).setAssignments(null));
        }
        short v = (short) version;
        CreatePartitionsRequest request = CreatePartitionsRequest.parse(MessageUtil.toByteBufferAccessor(data, v), v);
        CompletableFuture<ApiMessage> future = handler.handle(Requests.context(ApiKeys.CREATE_PARTITIONS, v, "admin", null), request);
        await().atMost(Duration.ofSeconds(10)).until(future::isDone);
        return (CreatePartitionsResponseData) future.join();
    }

    private static List<Errors> errors(CreatePartitionsResponseData response) {
        return response.results().stream().map(CreatePartitionsTopicResult::errorCode).map(Errors::forCode).toList();
    }

    @Test
    void fromVersion3TopicsPastAnExhaustedMutationQuotaAreThrottled() {
        assertThat(grow(3, true, "first", "second").throttleTimeMs()).as("validate-only costs nothing").isZero();

        CreatePartitionsResponseData response = grow(3, false, "first", "second");

        assertThat(response.results()).extracting(CreatePartitionsTopicResult::name).containsExactly("first", "second");
        assertThat(errors(response)).containsExactly(Errors.NONE, Errors.THROTTLING_QUOTA_EXCEEDED);
        assertThat(broker.image().topics().get("second").partitionCount()).isEqualTo(1);
        assertThat(response.throttleTimeMs()).as("3 new partitions from a bucket of 2").isEqualTo(1000);
    }

    @Test
    void beforeVersion3NothingIsRefused() {
        CreatePartitionsResponseData response = grow(2, false, "first", "second");

        assertThat(errors(response)).containsExactly(Errors.NONE, Errors.NONE);
        assertThat(response.throttleTimeMs()).isEqualTo(4000);
    }
}
