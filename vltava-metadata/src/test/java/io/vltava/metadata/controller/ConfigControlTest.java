package io.vltava.metadata.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.metadata.image.ConfigResource;
import io.vltava.metadata.record.ConfigRecord;
import io.vltava.metadata.record.ConfigResourceType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ConfigControlTest extends ControllerTestSupport {

    private static final byte TOPIC = ConfigResourceType.TOPIC.code();
    private static final byte BROKER = ConfigResourceType.BROKER.code();
    private static final byte SET = 0;
    private static final byte DELETE = 1;
    private static final byte APPEND = 2;
    private static final byte SUBTRACT = 3;

    @BeforeEach
    void createOrders() {
        registerBrokers(1);
        createTopic(topic("orders", 1, 1));
        createTopic(topic("payments", 1, 1));
    }

    private Map<String, String> configsOf(String topic) {
        return image().configs(new ConfigResource(ConfigResourceType.TOPIC, topic));
    }

    @Nested
    class IncrementalAlterConfigs {

        private static AlterableConfig op(byte operation, String name, String value) {
            return new AlterableConfig().setConfigOperation(operation).setName(name).setValue(value);
        }

        private static AlterConfigsResource resource(byte type, String name, AlterableConfig... configs) {
            AlterConfigsResource resource = new AlterConfigsResource().setResourceType(type).setResourceName(name);
            for (AlterableConfig config : configs) {
                resource.configs().add(config.duplicate());
            }
            return resource;
        }

        private IncrementalAlterConfigsResponseData alter(boolean validateOnly, AlterConfigsResource... resources) {
            IncrementalAlterConfigsRequestData request = new IncrementalAlterConfigsRequestData().setValidateOnly(validateOnly);
            for (AlterConfigsResource resource : resources) {
                request.resources().add(resource.duplicate());
            }
            return await(controller.incrementalAlterConfigs(request));
        }

        /** Alters one topic's configuration and returns its result. */
        private AlterConfigsResourceResponse alterTopic(String topic, AlterableConfig... configs) {
            IncrementalAlterConfigsResponseData response = alter(false, resource(TOPIC, topic, configs));
            assertThat(response.responses()).hasSize(1);
            return response.responses().get(0);
        }

        private void assertResult(AlterConfigsResourceResponse result, Errors error, String messagePart) {
            assertThat(Errors.forCode(result.errorCode())).as("error, with message %s", result.errorMessage()).isEqualTo(error);
            if (error == Errors.NONE) {
                assertThat(result.errorMessage()).isNull();
            }
            if (messagePart != null) {
                assertThat(result.errorMessage()).contains(messagePart);
            }
        }

        @Test
        void setsAndDeletesCleanupPolicy() {
            AlterConfigsResourceResponse set = alterTopic("orders", op(SET, "cleanup.policy", "compact"));

            assertResult(set, Errors.NONE, null);
            assertThat(set.resourceType()).isEqualTo(TOPIC);
            assertThat(set.resourceName()).isEqualTo("orders");
            assertThat(configsOf("orders")).isEqualTo(Map.of("cleanup.policy", "compact"));

            assertResult(alterTopic("orders", op(DELETE, "cleanup.policy", null)), Errors.NONE, null);
            assertThat(configsOf("orders")).isEmpty();
        }

        @Test
        void appendsToTheDefaultWhenThereIsNoOverride() {
            assertResult(alterTopic("orders", op(APPEND, "cleanup.policy", "compact")), Errors.NONE, null);

            assertThat(configsOf("orders")).containsExactly(Map.entry("cleanup.policy", "delete,compact"));
        }

        @Test
        void appendsToTheOverrideOnlyWhatIsMissing() {
            alterTopic("orders", op(SET, "cleanup.policy", "compact"));

            assertResult(alterTopic("orders", op(APPEND, "cleanup.policy", "compact, delete")), Errors.NONE, null);

            assertThat(configsOf("orders")).containsExactly(Map.entry("cleanup.policy", "compact,delete"));
        }

        @Test
        void subtractsFromTheOverride() {
            alterTopic("orders", op(SET, "cleanup.policy", "delete,compact"));

            assertResult(alterTopic("orders", op(SUBTRACT, "cleanup.policy", "delete")), Errors.NONE, null);
            assertThat(configsOf("orders")).containsExactly(Map.entry("cleanup.policy", "compact"));

            assertResult(alterTopic("orders", op(SUBTRACT, "cleanup.policy", "compact,delete")), Errors.NONE, null);
            assertThat(configsOf("orders")).containsExactly(Map.entry("cleanup.policy", ""));
        }

        @Test
        void subtractsFromTheDefault() {
            assertResult(alterTopic("orders", op(SUBTRACT, "cleanup.policy", "delete")), Errors.NONE, null);

            assertThat(configsOf("orders")).containsExactly(Map.entry("cleanup.policy", ""));
        }

        @Test
        void appendsToOtherListKeys() {
            assertResult(alterTopic("orders", op(APPEND, "leader.replication.throttled.replicas", "0:1")), Errors.NONE, null);
            assertResult(alterTopic("orders", op(APPEND, "leader.replication.throttled.replicas", "1:1")), Errors.NONE, null);

            assertThat(configsOf("orders")).containsExactly(Map.entry("leader.replication.throttled.replicas", "0:1,1:1"));
        }

        @Test
        void refusesAppendOrSubtractOnAKeyThatIsNotAList() {
            assertResult(alterTopic("orders", op(APPEND, "retention.ms", "1000")), Errors.INVALID_CONFIG, "retention.ms");
            assertResult(alterTopic("orders", op(SUBTRACT, "compression.type", "gzip")), Errors.INVALID_CONFIG, "compression.type");
            assertThat(configsOf("orders")).isEmpty();
        }

        @Test
        void appliesSeveralOperationsToOneTopicTogether() {
            alterTopic("orders", op(SET, "segment.ms", "1000"));

            AlterConfigsResourceResponse result = alterTopic("orders", op(SET, "retention.ms", "5000"), op(DELETE, "segment.ms", null),
                    op(APPEND, "cleanup.policy", "compact"));

            assertResult(result, Errors.NONE, null);
            assertThat(configsOf("orders")).isEqualTo(Map.of("retention.ms", "5000", "cleanup.policy", "delete,compact"));
        }

        @Test
        void keepsTheOverridesItDoesNotTouch() {
            alterTopic("orders", op(SET, "segment.ms", "1000"), op(SET, "retention.ms", "2000"));

            alterTopic("orders", op(SET, "retention.ms", "3000"));

            assertThat(configsOf("orders")).isEqualTo(Map.of("segment.ms", "1000", "retention.ms", "3000"));
        }

        @Test
        void writesOnlyWhatChanges() {
            alterTopic("orders", op(SET, "retention.ms", "2000"), op(SET, "segment.ms", "1000"));
            int entries = log.entries().size();

            alterTopic("orders", op(SET, "retention.ms", "2000"), op(DELETE, "min.insync.replicas", null));
            assertThat(log.entries()).hasSize(entries);

            alterTopic("orders", op(SET, "retention.ms", "2000"), op(SET, "segment.ms", "1"));
            assertThat(log.entries()).hasSize(entries + 1);
            assertThat(log.entries().get(entries)).containsExactly(new ConfigRecord(ConfigResourceType.TOPIC, "orders", "segment.ms", "1"));
        }

        @Test
        void deletingAnUnsetOrUnknownKeyIsANoOp() {
            assertResult(alterTopic("orders", op(DELETE, "retention.ms", null)), Errors.NONE, null);
            assertResult(alterTopic("orders", op(DELETE, "no.such.config", "ignored")), Errors.NONE, null);

            assertThat(configsOf("orders")).isEmpty();
        }

        @Test
        void refusesAnUnknownKey() {
            assertResult(alterTopic("orders", op(SET, "no.such.config", "1")), Errors.INVALID_CONFIG, "Unknown topic config name: no.such.config");
            assertResult(alterTopic("orders", op(APPEND, "no.such.list", "1")), Errors.INVALID_CONFIG, null);
        }

        @Test
        void refusesABadValueAndAppliesNothingOfThatTopic() {
            alterTopic("orders", op(SET, "retention.ms", "1000"));

            AlterConfigsResourceResponse result = alterTopic("orders", op(SET, "retention.ms", "2000"), op(SET, "segment.bytes", "100"));

            assertResult(result, Errors.INVALID_CONFIG, "segment.bytes");
            assertThat(configsOf("orders")).isEqualTo(Map.of("retention.ms", "1000"));
        }

        @Test
        void choicesAreCaseSensitiveAsInKafka() {
            assertResult(alterTopic("orders", op(SET, "compression.type", "GZIP")), Errors.INVALID_CONFIG, "compression.type");
            assertResult(alterTopic("orders", op(SET, "message.timestamp.type", "logappendtime")), Errors.INVALID_CONFIG, null);
            assertResult(alterTopic("orders", op(APPEND, "cleanup.policy", "Compact")), Errors.INVALID_CONFIG, "cleanup.policy");
            assertThat(configsOf("orders")).isEmpty();

            assertResult(alterTopic("orders", op(SET, "compression.type", "gzip")), Errors.NONE, null);
        }

        @Test
        void refusesConflictingCompactionLags() {
            alterTopic("orders", op(SET, "max.compaction.lag.ms", "100"));

            assertResult(alterTopic("orders", op(SET, "min.compaction.lag.ms", "200")), Errors.INVALID_CONFIG, "min.compaction.lag.ms");
        }

        @Test
        void refusesAnUnknownTopic() {
            assertResult(alterTopic("missing", op(SET, "retention.ms", "1000")), Errors.UNKNOWN_TOPIC_OR_PARTITION,
                    "The topic 'missing' does not exist.");
            assertThat(image().configs()).isEmpty();
        }

        @Test
        void checksTheValuesBeforeTheTopicExists() {
            assertResult(alterTopic("missing", op(SET, "retention.ms", "soon")), Errors.INVALID_CONFIG, null);
        }

        @Test
        void refusesAnInvalidTopicName() {
            assertResult(alterTopic("bad name", op(SET, "retention.ms", "1000")), Errors.INVALID_TOPIC_EXCEPTION, null);
            assertResult(alterTopic("", op(SET, "retention.ms", "1000")), Errors.INVALID_REQUEST, "Default topic resources are not allowed.");
        }

        @Test
        void refusesBrokerResources() {
            IncrementalAlterConfigsResponseData response = alter(false, resource(BROKER, "1", op(SET, "log.retention.ms", "1000")),
                    resource(BROKER, "", op(SET, "log.retention.ms", "1000")));

            assertThat(response.responses()).allSatisfy(r -> assertResult(r, Errors.INVALID_REQUEST, null));
            assertThat(response.responses()).extracting(AlterConfigsResourceResponse::resourceType).containsOnly(BROKER);
            assertThat(image().configs()).isEmpty();
        }

        @Test
        void refusesOtherResourceTypes() {
            IncrementalAlterConfigsResponseData response = alter(false, resource((byte) 8, "1", op(SET, "root", "DEBUG")),
                    resource((byte) 99, "x", op(SET, "a", "b")));

            assertThat(response.responses()).allSatisfy(r -> assertResult(r, Errors.INVALID_REQUEST, null));
        }

        @Test
        void refusesTheSameResourceTwice() {
            IncrementalAlterConfigsResponseData response = alter(false, resource(TOPIC, "orders", op(SET, "retention.ms", "1")),
                    resource(TOPIC, "orders", op(SET, "segment.ms", "1")), resource(TOPIC, "payments", op(SET, "retention.ms", "2")));

            assertThat(response.responses()).hasSize(3);
            assertResult(response.responses().get(0), Errors.INVALID_REQUEST, null);
            assertResult(response.responses().get(1), Errors.INVALID_REQUEST, null);
            assertResult(response.responses().get(2), Errors.NONE, null);
            assertThat(configsOf("orders")).isEmpty();
            assertThat(configsOf("payments")).containsExactly(Map.entry("retention.ms", "2"));
        }

        @Test
        void refusesTheSameKeyTwice() {
            assertResult(alterTopic("orders", op(SET, "retention.ms", "1"), op(DELETE, "retention.ms", null)), Errors.INVALID_REQUEST, null);
            assertThat(configsOf("orders")).isEmpty();
        }

        @Test
        void refusesANullValueExceptForDelete() {
            assertResult(alterTopic("orders", op(SET, "retention.ms", null)), Errors.INVALID_REQUEST, "retention.ms");
            assertResult(alterTopic("orders", op(APPEND, "cleanup.policy", null)), Errors.INVALID_REQUEST, "cleanup.policy");
            assertResult(alterTopic("orders", op(SUBTRACT, "cleanup.policy", null)), Errors.INVALID_REQUEST, "cleanup.policy");
            assertThat(configsOf("orders")).isEmpty();
        }

        @Test
        void refusesAnUnknownOperation() {
            assertResult(alterTopic("orders", op((byte) 7, "retention.ms", "1")), Errors.INVALID_REQUEST, null);
        }

        @Test
        void answersEveryResourceInRequestOrder() {
            IncrementalAlterConfigsResponseData response = alter(false,
                    resource(TOPIC, "payments", op(SET, "retention.ms", "1")),
                    resource(TOPIC, "missing", op(SET, "retention.ms", "1")),
                    resource(TOPIC, "orders", op(SET, "retention.ms", "x")),
                    resource(BROKER, "1", op(SET, "log.retention.ms", "1")));

            assertThat(response.responses()).extracting(AlterConfigsResourceResponse::resourceName)
                    .containsExactly("payments", "missing", "orders", "1");
            assertThat(response.responses()).extracting(r -> Errors.forCode(r.errorCode()))
                    .containsExactly(Errors.NONE, Errors.UNKNOWN_TOPIC_OR_PARTITION, Errors.INVALID_CONFIG, Errors.INVALID_REQUEST);
            assertThat(configsOf("payments")).containsExactly(Map.entry("retention.ms", "1"));
            assertThat(configsOf("orders")).isEmpty();
        }

        @Test
        void validateOnlyChecksButPersistsNothing() {
            int entries = log.entries().size();

            IncrementalAlterConfigsResponseData response = alter(true,
                    resource(TOPIC, "orders", op(SET, "retention.ms", "1000"), op(APPEND, "cleanup.policy", "compact")),
                    resource(TOPIC, "payments", op(SET, "retention.ms", "soon")),
                    resource(TOPIC, "missing", op(SET, "retention.ms", "1000")));

            assertThat(response.responses()).extracting(r -> Errors.forCode(r.errorCode()))
                    .containsExactly(Errors.NONE, Errors.INVALID_CONFIG, Errors.UNKNOWN_TOPIC_OR_PARTITION);
            assertThat(log.entries()).hasSize(entries);
            assertThat(image().configs()).isEmpty();
        }
    }

    @Nested
    class AlterConfigs {

        private static AlterConfigsRequestData.AlterConfigsResource resource(byte type, String name, Map<String, String> configs) {
            AlterConfigsRequestData.AlterConfigsResource resource = new AlterConfigsRequestData.AlterConfigsResource()
                    .setResourceType(type).setResourceName(name);
            configs.forEach((key, value) -> resource.configs().add(new AlterConfigsRequestData.AlterableConfig().setName(key).setValue(value)));
            return resource;
        }

        private AlterConfigsResponseData alter(boolean validateOnly, AlterConfigsRequestData.AlterConfigsResource... resources) {
            AlterConfigsRequestData request = new AlterConfigsRequestData().setValidateOnly(validateOnly);
            for (AlterConfigsRequestData.AlterConfigsResource resource : resources) {
                request.resources().add(resource.duplicate());
            }
            return await(controller.alterConfigs(request));
        }

        private AlterConfigsResponseData.AlterConfigsResourceResponse alterTopic(String topic, Map<String, String> configs) {
            return alter(false, resource(TOPIC, topic, configs)).responses().get(0);
        }

        @Test
        void replacesAllOverrides() {
            alterTopic("orders", Map.of("retention.ms", "1000", "cleanup.policy", "compact"));
            assertThat(configsOf("orders")).isEqualTo(Map.of("retention.ms", "1000", "cleanup.policy", "compact"));

            AlterConfigsResponseData.AlterConfigsResourceResponse result = alterTopic("orders", Map.of("segment.ms", "5000", "retention.ms", "1000"));

            assertThat(errorOf(result)).isEqualTo(Errors.NONE);
            assertThat(result.errorMessage()).isNull();
            assertThat(result.resourceName()).isEqualTo("orders");
            assertThat(result.resourceType()).isEqualTo(TOPIC);
            assertThat(configsOf("orders")).isEqualTo(Map.of("segment.ms", "5000", "retention.ms", "1000"));
            assertThat(log.entries().get(log.entries().size() - 1)).containsExactlyInAnyOrder(
                    new ConfigRecord(ConfigResourceType.TOPIC, "orders", "cleanup.policy", null),
                    new ConfigRecord(ConfigResourceType.TOPIC, "orders", "segment.ms", "5000"));
        }

        @Test
        void anEmptyListRemovesEveryOverride() {
            alterTopic("orders", Map.of("retention.ms", "1000", "cleanup.policy", "compact"));

            assertThat(errorOf(alterTopic("orders", Map.of()))).isEqualTo(Errors.NONE);

            assertThat(configsOf("orders")).isEmpty();
            assertThat(image().configs()).isEmpty();
        }

        @Test
        void refusesABadValueAndKeepsTheOverrides() {
            alterTopic("orders", Map.of("retention.ms", "1000"));

            AlterConfigsResponseData.AlterConfigsResourceResponse result = alterTopic("orders", Map.of("segment.bytes", "100"));

            assertThat(errorOf(result)).isEqualTo(Errors.INVALID_CONFIG);
            assertThat(result.errorMessage()).contains("segment.bytes");
            assertThat(configsOf("orders")).isEqualTo(Map.of("retention.ms", "1000"));
        }

        @Test
        void refusesAnUnknownKey() {
            assertThat(errorOf(alterTopic("orders", Map.of("no.such.config", "1")))).isEqualTo(Errors.INVALID_CONFIG);
        }

        @Test
        void refusesANullValue() {
            Map<String, String> configs = new HashMap<>();
            configs.put("retention.ms", null);

            assertThat(errorOf(alterTopic("orders", configs))).isEqualTo(Errors.INVALID_REQUEST);
        }

        @Test
        void refusesTheSameKeyTwice() {
            AlterConfigsRequestData.AlterConfigsResource resource = resource(TOPIC, "orders", Map.of("retention.ms", "1"));
            resource.configs().add(new AlterConfigsRequestData.AlterableConfig().setName("retention.ms").setValue("2"));

            assertThat(errorOf(alter(false, resource).responses().get(0))).isEqualTo(Errors.INVALID_REQUEST);
            assertThat(configsOf("orders")).isEmpty();
        }

        @Test
        void refusesTheSameResourceTwice() {
            AlterConfigsResponseData response = alter(false, resource(TOPIC, "orders", Map.of("retention.ms", "1")),
                    resource(TOPIC, "orders", Map.of("retention.ms", "2")));

            assertThat(response.responses()).extracting(ConfigControlTest::errorOf).containsExactly(Errors.INVALID_REQUEST, Errors.INVALID_REQUEST);
            assertThat(configsOf("orders")).isEmpty();
        }

        @Test
        void refusesAnUnknownTopic() {
            AlterConfigsResponseData.AlterConfigsResourceResponse result = alterTopic("missing", Map.of("retention.ms", "1"));

            assertThat(errorOf(result)).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            assertThat(result.errorMessage()).isEqualTo("The topic 'missing' does not exist.");
        }

        @Test
        void refusesAnInvalidTopicName() {
            assertThat(errorOf(alterTopic("bad name", Map.of("retention.ms", "1")))).isEqualTo(Errors.INVALID_TOPIC_EXCEPTION);
            assertThat(errorOf(alterTopic("", Map.of("retention.ms", "1")))).isEqualTo(Errors.INVALID_REQUEST);
        }

        @Test
        void refusesBrokerAndOtherResources() {
            AlterConfigsResponseData response = alter(false, resource(BROKER, "1", Map.of("log.retention.ms", "1")),
                    resource((byte) 99, "x", Map.of()));

            assertThat(response.responses()).extracting(ConfigControlTest::errorOf).containsExactly(Errors.INVALID_REQUEST, Errors.INVALID_REQUEST);
        }

        @Test
        void validateOnlyPersistsNothing() {
            alterTopic("orders", Map.of("retention.ms", "1000"));
            int entries = log.entries().size();

            AlterConfigsResponseData response = alter(true, resource(TOPIC, "orders", Map.of("segment.ms", "1")),
                    resource(TOPIC, "payments", Map.of("segment.ms", "-5")));

            assertThat(response.responses()).extracting(ConfigControlTest::errorOf).containsExactly(Errors.NONE, Errors.INVALID_CONFIG);
            assertThat(log.entries()).hasSize(entries);
            assertThat(configsOf("orders")).isEqualTo(Map.of("retention.ms", "1000"));
        }
    }

    private static Errors errorOf(AlterConfigsResponseData.AlterConfigsResourceResponse response) {
        return Errors.forCode(response.errorCode());
    }

    @Test
    void aTopicsOverridesGoWithItAndDoNotComeBackWithANewTopicOfTheSameName() {
        IncrementalAlterConfigsRequestData request = new IncrementalAlterConfigsRequestData();
        request.resources().add(IncrementalAlterConfigs.resource(TOPIC, "orders", IncrementalAlterConfigs.op(SET, "retention.ms", "1")));
        await(controller.incrementalAlterConfigs(request));
        assertThat(configsOf("orders")).isNotEmpty();

        await(controller.deleteTopics(List.of(image().topics().get("orders").id())));
        createTopic(topic("orders", 1, 1));

        assertThat(configsOf("orders")).isEmpty();
    }
}
