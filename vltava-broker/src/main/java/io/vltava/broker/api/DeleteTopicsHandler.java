package io.vltava.broker.api;

import io.vltava.broker.quota.ControllerMutationQuotaManager;
import io.vltava.metadata.controller.QuorumController;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.image.TopicImage;
import io.vltava.network.RequestContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.DeleteTopicsRequest;

/**
 * DeleteTopics by name (v1+) or by id (v6): resolves the topics against the metadata, then the
 * controller removes them (or refuses, when {@code delete.topic.enable} is false); each broker deletes
 * the logs when it applies the removal.
 *
 * <p>With a {@code controller_mutation_rate} quota, each topic's partitions count against the client's
 * quota in request order; from v5 the topics after the quota is exhausted get THROTTLING_QUOTA_EXCEEDED
 * and are kept, and the response carries the throttle time.
 *
 * <p>Threading: stateless; the response completes on the controller thread.
 */
public final class DeleteTopicsHandler implements ApiHandler<DeleteTopicsRequest> {

    /** The first version whose clients understand THROTTLING_QUOTA_EXCEEDED. */
    private static final short FIRST_THROTTLING_VERSION = 5;

    private final QuorumController controller;
    private final Supplier<MetadataImage> image;
    private final ControllerMutationQuotaManager quotas;

    public DeleteTopicsHandler(QuorumController controller, Supplier<MetadataImage> image, ControllerMutationQuotaManager quotas) {
        this.controller = controller;
        this.image = image;
        this.quotas = quotas;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_TOPICS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, DeleteTopicsRequest request) {
        DeleteTopicsRequestData data = request.data();
        short version = request.version();
        List<DeleteTopicState> asked = new ArrayList<>();
        if (version >= 6) {
            asked.addAll(data.topics());
        } else {
            for (String name : data.topicNames()) {
                asked.add(new DeleteTopicState().setName(name).setTopicId(Uuid.ZERO_UUID));
            }
        }
        DeleteTopicsResponseData response = new DeleteTopicsResponseData();
        MetadataImage current = image.get();
        List<UUID> toDelete = new ArrayList<>();
        List<DeletableTopicResult> pending = new ArrayList<>();
        Set<UUID> ids = new HashSet<>();
        boolean metered = quotas.enabled();
        for (DeleteTopicState topic : asked) {
            UUID id = TopicIds.fromKafka(topic.topicId());
            if (topic.name() != null && id != null) {
                response.responses().add(result(topic.name(), topic.topicId(), new ApiError(Errors.INVALID_REQUEST,
                        "You may not specify both topic name and topic id.")));
                continue;
            }
            if (topic.name() == null && id == null) {
                response.responses().add(result(null, Uuid.ZERO_UUID, new ApiError(Errors.INVALID_REQUEST, "Neither topic name nor id were specified.")));
                continue;
            }
            TopicImage found = id != null ? current.topics().get(id) : current.topics().get(topic.name());
            if (found == null) {
                Errors error = id != null ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
                response.responses().add(result(topic.name(), topic.topicId(), new ApiError(error, null)));
                continue;
            }
            if (!ids.add(found.id())) {
                response.responses().add(result(topic.name(), topic.topicId(), new ApiError(Errors.INVALID_REQUEST,
                        id != null ? "Duplicate topic id." : "Duplicate topic name.")));
                continue;
            }
            if (metered && !quotas.tryRecord(context, found.partitionCount(), version >= FIRST_THROTTLING_VERSION)) {
                response.responses().add(result(found.name(), TopicIds.toKafka(found.id()),
                        new ApiError(Errors.THROTTLING_QUOTA_EXCEEDED, ControllerMutationQuotaManager.EXCEEDED_MESSAGE)));
                continue;
            }
            toDelete.add(found.id());
            pending.add(new DeletableTopicResult().setName(found.name()).setTopicId(TopicIds.toKafka(found.id())));
        }
        if (toDelete.isEmpty()) {
            return CompletableFuture.completedFuture(throttled(context, response, metered));
        }
        return controller.deleteTopics(toDelete).thenApply(results -> {
            for (DeletableTopicResult result : pending) {
                ApiError error = results.get(TopicIds.fromKafka(result.topicId()));
                if (error.error() == Errors.TOPIC_DELETION_DISABLED && version < 3) {
                    // TOPIC_DELETION_DISABLED came with v3; older clients get INVALID_REQUEST, as from Kafka.
                    error = new ApiError(Errors.INVALID_REQUEST, error.message());
                }
                response.responses().add(result.setErrorCode(error.error().code()).setErrorMessage(error.message()));
            }
            return throttled(context, response, metered);
        });
    }

    private DeleteTopicsResponseData throttled(RequestContext context, DeleteTopicsResponseData response, boolean metered) {
        return metered ? response.setThrottleTimeMs(quotas.throttle(context)) : response;
    }

    private static DeletableTopicResult result(String name, Uuid id, ApiError error) {
        return new DeletableTopicResult().setName(name).setTopicId(id).setErrorCode(error.error().code()).setErrorMessage(error.message());
    }
}
