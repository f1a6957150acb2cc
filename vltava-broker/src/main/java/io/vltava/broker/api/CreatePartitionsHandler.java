package io.vltava.broker.api;

import io.vltava.broker.quota.ControllerMutationQuotaManager;
import io.vltava.metadata.controller.QuorumController;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.image.TopicImage;
import io.vltava.network.RequestContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreatePartitionsRequest;

/**
 * CreatePartitions: passed to the controller, which adds partitions to existing topics.
 *
 * <p>With a {@code controller_mutation_rate} quota, the partitions each topic would gain count against
 * the client's quota in request order (a validate-only request costs nothing); from v3 the topics after
 * the quota is exhausted get THROTTLING_QUOTA_EXCEEDED and are left alone, and the response carries the
 * throttle time.
 *
 * <p>Threading: stateless; the response completes on the controller thread.
 */
public final class CreatePartitionsHandler implements ApiHandler<CreatePartitionsRequest> {

    /** The first version whose clients understand THROTTLING_QUOTA_EXCEEDED. */
    private static final short FIRST_THROTTLING_VERSION = 3;

    private final QuorumController controller;
    private final Supplier<MetadataImage> image;
    private final ControllerMutationQuotaManager quotas;

    public CreatePartitionsHandler(QuorumController controller, Supplier<MetadataImage> image, ControllerMutationQuotaManager quotas) {
        this.controller = controller;
        this.image = image;
        this.quotas = quotas;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CREATE_PARTITIONS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, CreatePartitionsRequest request) {
        boolean metered = quotas.enabled() && !request.data().validateOnly();
        Map<String, CreatePartitionsTopicResult> throttled = metered ? throttledTopics(context, request) : Map.of();
        List<CreatePartitionsTopic> forwarded = new ArrayList<>(request.data().topics());
        forwarded.removeIf(topic -> throttled.containsKey(topic.name()));
        CompletableFuture<List<CreatePartitionsTopicResult>> added = forwarded.isEmpty()
                ? CompletableFuture.completedFuture(List.of())
                : controller.createPartitions(forwarded, request.data().validateOnly());
        return added.thenApply(results -> {
            CreatePartitionsResponseData response = new CreatePartitionsResponseData().setResults(inRequestOrder(request, results, throttled));
            if (metered) {
                response.setThrottleTimeMs(quotas.throttle(context));
            }
            return response;
        });
    }

    /** Takes each topic's new partitions from the client's quota; returns the results of the topics refused for it, by name. */
    private Map<String, CreatePartitionsTopicResult> throttledTopics(RequestContext context, CreatePartitionsRequest request) {
        boolean strict = request.version() >= FIRST_THROTTLING_VERSION;
        MetadataImage current = image.get();
        Map<String, CreatePartitionsTopicResult> throttled = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (CreatePartitionsTopic topic : request.data().topics()) {
            if (!seen.add(topic.name())) {
                continue;
            }
            TopicImage existing = current.topics().get(topic.name());
            int added = existing == null ? 0 : Math.max(0, topic.count() - existing.partitionCount());
            if (!quotas.tryRecord(context, added, strict)) {
                throttled.put(topic.name(), new CreatePartitionsTopicResult().setName(topic.name())
                        .setErrorCode(Errors.THROTTLING_QUOTA_EXCEEDED.code()).setErrorMessage(ControllerMutationQuotaManager.EXCEEDED_MESSAGE));
            }
        }
        return throttled;
    }

    /** The controller's results and the refused topics' results, in the order the topics were asked for. */
    private static List<CreatePartitionsTopicResult> inRequestOrder(CreatePartitionsRequest request, List<CreatePartitionsTopicResult> results,
                                                                    Map<String, CreatePartitionsTopicResult> throttled) {
        if (throttled.isEmpty()) {
            return new ArrayList<>(results);
        }
        Map<String, CreatePartitionsTopicResult> byName = new HashMap<>(throttled);
        for (CreatePartitionsTopicResult result : results) {
            byName.put(result.name(), result);
        }
        List<CreatePartitionsTopicResult> ordered = new ArrayList<>();
        for (CreatePartitionsTopic topic : request.data().topics()) {
            CreatePartitionsTopicResult result = byName.remove(topic.name());
            if (result != null) {
                ordered.add(result);
            }
        }
        return ordered;
    }
}
