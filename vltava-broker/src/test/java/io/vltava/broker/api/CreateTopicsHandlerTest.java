package io.vltava.broker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vltava.broker.LocalBroker;
import io.vltava.broker.LocalController;
import io.vltava.broker.config.ConfigDescriber;
import io.vltava.broker.config.DescribedConfig;
import io.vltava.broker.quota.ClientQuotaManagerConfig;
import io.vltava.broker.quota.ControllerMutationQuotaManager;
import io.vltava.common.config.TopicConfigs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CreateTopicsHandlerTest {

    @TempDir
    Path dir;

    private LocalBroker broker;
    private LocalController controller;
    private CreateTopicsHandler handler;
    private ControllerMutationQuotaManager mutationQuotas;
    private final List<Integer> mutes = new ArrayList<>();

    @BeforeEach
    void setUp() {
        broker = LocalBroker.open(dir);
        broker.registerLocalBroker();
        controller = new LocalController(broker, true);
        mutationQuotas = new ControllerMutationQuotaManager(new ClientQuotaManagerConfig(11, 1000), broker.time());
        handler = new CreateTopicsHandler(controller.controller(), new ConfigDescriber(broker.configs()), mutationQuotas);
    }

    @AfterEach
    void tearDown() {
        controller.close();
        broker.close();
    }

    private CreateTopicsResponseData create(int version, CreatableTopic... topics) {
        return create(version, false, topics);
    }

    private CreateTopicsResponseData create(int version, boolean validateOnly, CreatableTopic... topics) {
        CreateTopicsRequestData data = new CreateTopicsRequestData().setTimeoutMs(10_000).setValidateOnly(validateOnly);
        for (CreatableTopic topic : topics) {
            data.topics().add(topic);
        }
        short v = (short) version;
        CreateTopicsRequest request = CreateTopicsRequest.parse(MessageUtil.toByteBufferAccessor(data, v), v);
        CompletableFuture<ApiMessage> future = handler.handle(Requests.context(ApiKeys.CREATE_TOPICS, v, "admin", "PLAINTEXT", null, mutes::add), request);
        await().atMost(Duration.ofSeconds(10)).until(future::isDone);
        CreateTopicsResponseData response = (CreateTopicsResponseData) future.join();
        assertThat(MessageUtil.toByteBufferAccessor(response, v).buffer().remaining()).isPositive();
        return response;
    }

    private static CreatableTopic topic(String name, int partitions) {
        return new CreatableTopic().setName(name).setNumPartitions(partitions).setReplicationFactor((short) 1);
    }

    @Test
    void createsTheTopicAndItsLogsWithTheRequestedConfig() {
        CreatableTopic topic = topic("created", 2);
        topic.configs().add(new CreatableTopicConfig().setName("segment.bytes").setValue("2097152"));

        CreateTopicsResponseData response = create(7, topic);

        CreatableTopicResult result = response.topics().find("created");
        assertThat(Errors.forCode(result.errorCode())).isEqualTo(Errors.NONE);
        assertThat(broker.partition("created", 0).log().config().segmentBytes()).isEqualTo(2_097_152);
        assertThat(broker.partition("created", 1)).isNotNull();
    }

    @Test
    void fromVersion5TheResponseDescribesTheEffectiveConfig() {
        CreatableTopic topic = topic("described", 1);
        topic.configs().add(new CreatableTopicConfig().setName("retention.ms").setValue("1000"));

        CreatableTopicResult result = create(5, topic).topics().find("described");

        assertThat(result.configs()).hasSize(TopicConfigs.DEFINITION.keys().size());
        CreatableTopicConfigs retention = result.configs().stream().filter(c -> c.name().equals("retention.ms")).findFirst().orElseThrow();
        assertThat(retention.value()).isEqualTo("1000");
        assertThat(retention.configSource()).isEqualTo(DescribedConfig.SOURCE_TOPIC);
        CreatableTopicConfigs segment = result.configs().stream().filter(c -> c.name().equals("segment.bytes")).findFirst().orElseThrow();
        assertThat(segment.configSource()).isEqualTo(DescribedConfig.SOURCE_DEFAULT);
    }

    @Test
    void beforeVersion5AndOnErrorsNoConfigIsDescribed() {
        assertThat(create(4, topic("old", 1)).topics().find("old").configs()).isEmpty();

        CreatableTopicResult duplicate = create(7, topic("old", 1)).topics().find("old");
        assertThat(Errors.forCode(duplicate.errorCode())).isEqualTo(Errors.TOPIC_ALREADY_EXISTS);
        assertThat(duplicate.configs()).isEmpty();
    }

    @Test
    void fromVersion6TopicsPastAnExhaustedMutationQuotaAreThrottled() {
        // 2 partitions a second over 11 one-second samples: a burst of 22.
        Requests.clientQuota(mutationQuotas, "admin", "controller_mutation_rate", 2);

        CreateTopicsResponseData response = create(6, topic("q1", 10), topic("q2", 10), topic("q3", 10), topic("q4", 1));

        assertThat(response.topics()).extracting(CreatableTopicResult::name).containsExactly("q1", "q2", "q3", "q4");
        assertThat(Errors.forCode(response.topics().find("q3").errorCode())).as("the bucket was at 2, not negative").isEqualTo(Errors.NONE);
        CreatableTopicResult refused = response.topics().find("q4");
        assertThat(Errors.forCode(refused.errorCode())).isEqualTo(Errors.THROTTLING_QUOTA_EXCEEDED);
        assertThat(broker.image().topics().get("q4")).isNull();
        assertThat(response.throttleTimeMs()).as("8 partitions below zero at 2 a second").isEqualTo(4000);
        assertThat(mutes).containsExactly(4000);
    }

    @Test
    void beforeVersion6NothingIsRefusedButTheClientIsThrottled() {
        Requests.clientQuota(mutationQuotas, "admin", "controller_mutation_rate", 2);

        CreateTopicsResponseData response = create(5, topic("o1", 10), topic("o2", 10), topic("o3", 10), topic("o4", 2));

        assertThat(response.topics()).allSatisfy(result -> assertThat(Errors.forCode(result.errorCode())).isEqualTo(Errors.NONE));
        assertThat(response.throttleTimeMs()).isEqualTo(5000);
    }

    @Test
    void validateOnlyCostsNothingAndTheBucketRefills() {
        Requests.clientQuota(mutationQuotas, "admin", "controller_mutation_rate", 2);

        assertThat(create(7, true, topic("v1", 1000)).throttleTimeMs()).isZero();
        assertThat(create(7, topic("r1", 30)).throttleTimeMs()).isEqualTo(4000);
        assertThat(Errors.forCode(create(7, topic("r2", 1)).topics().find("r2").errorCode())).isEqualTo(Errors.THROTTLING_QUOTA_EXCEEDED);

        broker.time().advanceMillis(4000);

        CreateTopicsResponseData later = create(7, topic("r2", 1));
        assertThat(Errors.forCode(later.topics().find("r2").errorCode())).isEqualTo(Errors.NONE);
        assertThat(later.throttleTimeMs()).isEqualTo(500);
    }
}
