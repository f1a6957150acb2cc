package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.testing.EmbeddedBroker;
import io.vltava.testing.KafkaClients;
import io.vltava.testing.RawKafkaClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every API the broker serves, at every version kafka-clients 4.4 defines, with a meaningful request:
 * each must be answered, and never with UNSUPPORTED_VERSION or UNKNOWN_SERVER_ERROR. Old versions
 * matter: kafkajs speaks only non-flexible ones and librdkafka sits in between.
 */
class AllApiVersionsIT {

    private static EmbeddedBroker broker;
    private static ApiRequests requests;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.start(Map.of("group.initial.rebalance.delay.ms", "0"));
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("versions", 1, (short) 1))).all().get();
            Uuid topicId = admin.describeTopics(List.of("versions")).allTopicNames().get().get("versions").topicId();
            requests = new ApiRequests(topicId, AllApiVersionsIT::createTopic);
            // Lists the group offsets once, which creates __consumer_offsets, so group requests reach a loaded coordinator.
            admin.listConsumerGroupOffsets("versions-group").partitionsToOffsetAndMetadata().get();
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    static Stream<Arguments> apiVersions() {
        List<Arguments> cases = new ArrayList<>();
        for (ApiKeys api : new ApiRequests(null, name -> { }).apis()) {
            for (short version = api.oldestVersion(); version <= api.latestVersion(); version++) {
                cases.add(Arguments.of(api, version));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("apiVersions")
    void everyVersionIsAnswered(ApiKeys api, short version) {
        AbstractRequest request = requests.request(api, version);
        try (RawKafkaClient client = new RawKafkaClient("127.0.0.1", broker.port())) {
            AbstractResponse response = client.send(request);
            assertThat(response.errorCounts()).as("%s v%d answered %s", api, version, response.data())
                    .doesNotContainKeys(Errors.UNSUPPORTED_VERSION, Errors.UNKNOWN_SERVER_ERROR, Errors.INVALID_REQUEST);
        }
    }

    private static void createTopic(String name) {
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
