package io.vltava.broker.api;

import io.vltava.broker.config.ConfigDescriber;
import io.vltava.broker.config.DescribedConfig;
import io.vltava.metadata.controller.QuorumController;
import io.vltava.network.RequestContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreateTopicsRequest;

/**
 * CreateTopics: passed to the controller, which validates the topics and commits them; from v5 the
 * response also carries each created topic's effective configuration.
 *
 * <p>Threading: stateless; the response completes on the controller thread.
 */
public final class CreateTopicsHandler implements ApiHandler<CreateTopicsRequest> {

    private final QuorumController controller;
    private final ConfigDescriber describer;

    public CreateTopicsHandler(QuorumController controller, ConfigDescriber describer) {
        this.controller = controller;
        this.describer = describer;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CREATE_TOPICS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, CreateTopicsRequest request) {
        Map<String, Map<String, String>> requestedConfigs = new LinkedHashMap<>();
        for (CreatableTopic topic : request.data().topics()) {
            Map<String, String> configs = new LinkedHashMap<>();
            for (CreatableTopicConfig config : topic.configs()) {
                configs.put(config.name(), config.value());
            }
            requestedConfigs.putIfAbsent(topic.name(), configs);
        }
        return controller.createTopics(request.data()).thenApply(response -> {
            if (request.version() >= 5) {
                addConfigs(response, requestedConfigs);
            }
            return response;
        });
    }

    private void addConfigs(CreateTopicsResponseData response, Map<String, Map<String, String>> requestedConfigs) {
        for (CreatableTopicResult result : response.topics()) {
            if (result.errorCode() != Errors.NONE.code()) {
                continue;
            }
            for (DescribedConfig config : describer.describeTopic(requestedConfigs.getOrDefault(result.name(), Map.of()), null)) {
                result.configs().add(new CreatableTopicConfigs().setName(config.name()).setValue(config.value())
                        .setReadOnly(config.readOnly()).setConfigSource(config.source()).setIsSensitive(false));
            }
        }
    }
}
