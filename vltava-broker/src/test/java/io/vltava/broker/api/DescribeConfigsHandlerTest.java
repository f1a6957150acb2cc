package io.vltava.broker.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.broker.LocalBroker;
import io.vltava.broker.config.ConfigDescriber;
import io.vltava.broker.config.DescribedConfig;
import io.vltava.common.config.BrokerConfigs;
import io.vltava.common.config.TopicConfigs;
import io.vltava.metadata.record.ConfigRecord;
import io.vltava.metadata.record.ConfigResourceType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DescribeConfigsHandlerTest {

    private static final byte TOPIC = ConfigResourceType.TOPIC.code();
    private static final byte BROKER = ConfigResourceType.BROKER.code();

    @TempDir
    Path dir;

    private LocalBroker broker;
    private DescribeConfigsHandler handler;

    @BeforeEach
    void setUp() {
        broker = LocalBroker.open(dir, Map.of("log.retention.hours", "2"));
        broker.createTopic("events", 1);
        broker.apply(new ConfigRecord(ConfigResourceType.TOPIC, "events", "retention.ms", "1000"));
        handler = new DescribeConfigsHandler(1, broker::image, new ConfigDescriber(broker.configs()));
    }

    @AfterEach
    void tearDown() {
        broker.close();
    }

    private DescribeConfigsResult describe(int version, boolean synonyms, boolean documentation, byte type, String name, List<String> keys) {
        DescribeConfigsRequestData data = new DescribeConfigsRequestData().setIncludeSynonyms(synonyms).setIncludeDocumentation(documentation)
                .setResources(List.of(new DescribeConfigsResource().setResourceType(type).setResourceName(name).setConfigurationKeys(keys)));
        short v = (short) version;
        DescribeConfigsRequest request = DescribeConfigsRequest.parse(MessageUtil.toByteBufferAccessor(data, v), v);
        DescribeConfigsResponseData response = Requests.done(handler.handle(Requests.context(ApiKeys.DESCRIBE_CONFIGS, v, "admin", null), request));
        assertThat(MessageUtil.toByteBufferAccessor(response, v).buffer().remaining()).isPositive();
        assertThat(response.results()).hasSize(1);
        return response.results().get(0);
    }

    private static DescribeConfigsResourceResult entry(DescribeConfigsResult result, String name) {
        return result.configs().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void describesEveryKeyOfATopicWithItsSourceAndSynonyms() {
        DescribeConfigsResult result = describe(4, true, true, TOPIC, "events", null);

        assertThat(Errors.forCode(result.errorCode())).isEqualTo(Errors.NONE);
        assertThat(result.configs()).hasSize(TopicConfigs.DEFINITION.keys().size());
        DescribeConfigsResourceResult retention = entry(result, "retention.ms");
        assertThat(retention.value()).isEqualTo("1000");
        assertThat(retention.configSource()).isEqualTo(DescribedConfig.SOURCE_TOPIC);
        assertThat(retention.readOnly()).isFalse();
        assertThat(retention.isSensitive()).isFalse();
        assertThat(retention.documentation()).isNotBlank();
        assertThat(retention.synonyms()).extracting(s -> s.name() + "=" + s.value() + "@" + s.source())
                .containsExactly("retention.ms=1000@1", "log.retention.hours=2@4", "log.retention.hours=168@5");
        DescribeConfigsResourceResult segment = entry(result, "segment.bytes");
        assertThat(segment.configSource()).isEqualTo(DescribedConfig.SOURCE_DEFAULT);
    }

    @Test
    void synonymsAndDocumentationOnlyWhenAskedFor() {
        DescribeConfigsResult result = describe(4, false, false, TOPIC, "events", List.of("retention.ms"));
        assertThat(result.configs()).singleElement().satisfies(c -> {
            assertThat(c.synonyms()).isEmpty();
            assertThat(c.documentation()).isNull();
        });
    }

    @Test
    void anEmptyKeyListMeansEveryKey() {
        assertThat(describe(4, false, false, TOPIC, "events", List.of()).configs()).hasSize(TopicConfigs.DEFINITION.keys().size());
    }

    @Test
    void unknownAndInvalidTopicsFail() {
        assertThat(Errors.forCode(describe(4, false, false, TOPIC, "missing", null).errorCode())).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(Errors.forCode(describe(4, false, false, TOPIC, "bad/name", null).errorCode())).isEqualTo(Errors.INVALID_TOPIC_EXCEPTION);
    }

    @Test
    void describesThisBrokerReadOnly() {
        DescribeConfigsResult result = describe(4, true, false, BROKER, "1", null);
        assertThat(result.configs()).hasSize(BrokerConfigs.DEFINITION.keys().size());
        assertThat(result.configs()).allSatisfy(c -> assertThat(c.readOnly()).isTrue());
        DescribeConfigsResourceResult hours = entry(result, "log.retention.hours");
        assertThat(hours.value()).isEqualTo("2");
        assertThat(hours.configSource()).isEqualTo(DescribedConfig.SOURCE_STATIC_BROKER);
    }

    @Test
    void otherBrokersAndResourceTypesAreRefused() {
        DescribeConfigsResult defaults = describe(4, false, false, BROKER, "", null);
        assertThat(Errors.forCode(defaults.errorCode())).isEqualTo(Errors.NONE);
        assertThat(defaults.configs()).isEmpty();
        assertThat(Errors.forCode(describe(4, false, false, BROKER, "7", null).errorCode())).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(Errors.forCode(describe(4, false, false, (byte) 8, "b", null).errorCode())).isEqualTo(Errors.INVALID_REQUEST);
    }

    @Test
    void olderVersionsGetTheSameAnswer() {
        DescribeConfigsResult result = describe(1, true, false, TOPIC, "events", List.of("retention.ms"));
        assertThat(result.configs()).singleElement().satisfies(c -> assertThat(c.value()).isEqualTo("1000"));
    }
}
