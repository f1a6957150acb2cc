package io.vltava.broker.api;

import io.vltava.broker.config.ConfigDescriber;
import io.vltava.broker.config.DescribedConfig;
import io.vltava.broker.quota.ControllerMutationQuotaManager;
import io.vltava.metadata.controller.QuorumController;
import io.vltava.network.RequestContext;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
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
import org.apache.kafka.common.requests.CreateTopicsRequest;

/**
 * CreateTopics: passed to the controller, which validates the topics and commits them; from v5 the
 * response also carries each created topic's effective configuration.
 *
 * <p>With a {@code controller_mutation_rate} quota, each topic's partitions count against the client's
 * quota in request order (a validate-only request costs nothing); from v6 the topics after the quota is
 * exhausted get THROTTLING_QUOTA_EXCEEDED and are not created, and the response carries the throttle time.
 *
 * <p>Threading: stateless; the response completes on the controller thread.
 */
public final class CreateTopicsHandler implements ApiHandler<CreateTopicsRequest> {

    /** The first version whose clients understand THROTTLING_QUOTA_EXCEEDED. */
    private static final short FIRST_THROTTLING_VERSION = 6;

    private final QuorumController controller;
    private final ConfigDescriber describer;
    private final ControllerMutationQuotaManager quotas;

    public CreateTopicsHandler(QuorumController controller, ConfigDescriber describer, ControllerMutationQuotaManager quotas) {
        this.controller = controller;
        this.describer = describer;
        this.quotas = quotas;
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
        boolean metered = quotas.enabled() && !request.data().validateOnly();
        Set<String> throttled = metered ? throttledTopics(context, request) : Set.of();
        CreateTopicsRequestData forwarded = request.data();
        if (!throttled.isEmpty()) {
            forwarded = request.data().duplicate();
            forwarded.topics().removeIf(topic -> throttled.contains(topic.name()));
        }
        CompletableFuture<CreateTopicsResponseData> created = forwarded.topics().isEmpty()
                ? CompletableFuture.completedFuture(new CreateTopicsResponseData())
                : controller.createTopics(forwarded);
        return created.thenApply(response -> {
            if (request.version() >= 5) {
                addConfigs(response, requestedConfigs);
            }
            if (!throttled.isEmpty()) {
                response = inRequestOrder(request.data(), response, throttled);
            }
            if (metered) {
                response.setThrottleTimeMs(quotas.throttle(context));
            }
            return response;
        });
    }

    /** Takes each topic's partitions from the client's quota; returns the topics refused for it. */
    private Set<String> throttledTopics(RequestContext context, CreateTopicsRequest request) {
        boolean strict = request.version() >= FIRST_THROTTLING_VERSION;
        Set<String> seen = new HashSet<>();
        Set<String> throttled = new HashSet<>();
        for (CreatableTopic topic : request.data().topics()) {
            if (seen.add(topic.name()) && !quotas.tryRecord(context, partitions(topic), strict)) {
                throttled.add(topic.name());
            }
        }
        return throttled;
    }

    private int partitions(CreatableTopic topic) {
        if (!topic.assignments().isEmpty()) {
            return topic.assignments().size();
        }
        return topic.numPartitions() == -1 ? controller.config().defaultPartitions() : Math.max(0, topic.numPartitions());
    }

    /** The controller's results with THROTTLING_QUOTA_EXCEEDED for the refused topics, in the order they were asked for. */
    private static CreateTopicsResponseData inRequestOrder(CreateTopicsRequestData request, CreateTopicsResponseData controllerResponse,
                                                           Set<String> throttled) {
        CreateTopicsResponseData response = new CreateTopicsResponseData();
        for (CreatableTopic topic : request.topics()) {
            if (response.topics().find(topic.name()) != null) {
                continue;
            }
            if (throttled.contains(topic.name())) {
                response.topics().add(new CreatableTopicResult().setName(topic.name()).setNumPartitions(-1).setReplicationFactor((short) -1)
                        .setErrorCode(Errors.THROTTLING_QUOTA_EXCEEDED.code()).setErrorMessage(ControllerMutationQuotaManager.EXCEEDED_MESSAGE));
            } else {
                CreatableTopicResult result = controllerResponse.topics().find(topic.name());
                if (result != null) {
                    response.topics().add(result.duplicate());
                }
            }
        }
        return response;
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
