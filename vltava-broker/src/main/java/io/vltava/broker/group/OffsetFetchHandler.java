package io.vltava.broker.group;

import io.vltava.broker.api.ApiHandler;
import io.vltava.broker.api.TopicIds;
import io.vltava.broker.coordinator.CoordinatorFailures;
import io.vltava.coordinator.group.GroupCoordinator;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.image.TopicImage;
import io.vltava.network.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopics;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;

/**
 * OffsetFetch: every version, one group (v1–7) or many (v8+), topics by name or (v10+) by id. Each
 * group is fetched from its shard and fails on its own.
 *
 * <p>Threading: stateless; the response completes when the last group's shard answers.
 */
public final class OffsetFetchHandler implements ApiHandler<OffsetFetchRequest> {

    private final GroupCoordinator coordinator;
    private final Supplier<MetadataImage> image;

    public OffsetFetchHandler(GroupCoordinator coordinator, Supplier<MetadataImage> image) {
        this.coordinator = coordinator;
        this.image = image;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_FETCH;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, OffsetFetchRequest request) {
        short version = request.version();
        boolean byId = OffsetFetchRequest.useTopicIds(version);
        MetadataImage current = image.get();
        List<CompletableFuture<OffsetFetchResponseGroup>> groups = new ArrayList<>();
        for (OffsetFetchRequestGroup group : request.groups()) {
            if (byId && group.topics() != null) {
                for (OffsetFetchRequestTopics topic : group.topics()) {
                    UUID id = TopicIds.fromKafka(topic.topicId());
                    TopicImage found = id == null ? null : current.topics().get(id);
                    topic.setName(found == null ? null : found.name());
                }
            }
            groups.add(coordinator.offsetFetch(group, request.data().requireStable()).handle((response, failure) -> {
                if (failure != null) {
                    return OffsetFetchResponse.groupError(group, Errors.forException(CoordinatorFailures.cause(failure)), version);
                }
                if (byId) {
                    addTopicIds(current, response);
                }
                return response;
            }));
        }
        return CompletableFuture.allOf(groups.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<OffsetFetchResponseGroup> results = new ArrayList<>();
            groups.forEach(group -> results.add(group.join()));
            return new OffsetFetchResponse.Builder(results).build(version).data();
        });
    }

    /** Sets the id of every topic in a v10+ answer; a topic that was asked for by an unknown id gets UNKNOWN_TOPIC_ID. */
    private static void addTopicIds(MetadataImage current, OffsetFetchResponseGroup group) {
        for (OffsetFetchResponseTopics topic : group.topics()) {
            if (topic.name() == null) {
                topic.setName("");
                topic.partitions().forEach(partition -> partition.setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()));
                continue;
            }
            TopicImage found = current.topics().get(topic.name());
            if (found != null) {
                topic.setTopicId(TopicIds.toKafka(found.id()));
            } else if (Uuid.ZERO_UUID.equals(topic.topicId())) {
                for (OffsetFetchResponsePartitions partition : topic.partitions()) {
                    partition.setErrorCode(Errors.UNKNOWN_TOPIC_ID.code());
                }
            }
        }
    }
}
