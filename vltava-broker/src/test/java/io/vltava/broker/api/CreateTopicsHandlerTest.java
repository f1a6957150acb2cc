package io.vltava.broker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vltava.broker.LocalBroker;
import io.vltava.broker.LocalController;
import io.vltava.broker.config.ConfigDescriber;
import io.vltava.broker.config.DescribedConfig;
import io.vltava.common.config.TopicConfigs;
import java.nio.file.Path;
import java.time.Duration;
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

    @BeforeEach
    void setUp() {
        broker = LocalBroker.open(dir);
        broker.registerLocalBroker();
        controller = new LocalController(broker, true);
        handler = new CreateTopicsHandler(controller.controller(), new ConfigDescriber(broker.configs()));
    }

    @AfterEach
    void tearDown() {
        controller.close();
        broker.close();
    }

    private CreateTopicsResponseData create(int version, CreatableTopic... topics) {
        CreateTopicsRequestData data = new CreateTopicsRequestData().setTimeoutMs(10_000);
        for (CreatableTopic topic : topics) {
            data.topics().add(topic);
        }
        short v = (short) version;
        CreateTopicsRequest request = CreateTopicsRequest.parse(MessageUtil.toByteBufferAccessor(data, v), v);
        CompletableFuture<ApiMessage> future = handler.handle(Requests.context(ApiKeys.CREATE_TOPICS, v, "admin", null), request);
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
}
