package io.vltava.broker.group;

import io.vltava.broker.api.ApiHandler;
import io.vltava.broker.api.TopicIds;
import io.vltava.broker.coordinator.CoordinatorFailures;
import io.vltava.coordinator.group.GroupCoordinator;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.image.TopicImage;
import io.vltava.network.RequestContext;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetCommitRequest;

/**
 * OffsetCommit: versions 10+ name topics by id, which are resolved to names here (an unknown id
 * fails its partitions with UNKNOWN_TOPIC_ID); the commit itself is the group coordinator's.
 *
 * <p>Threading: stateless; the response completes on the group's shard thread.
 */
public final class OffsetCommitHandler implements ApiHandler<OffsetCommitRequest> {

    private static final short TOPIC_ID_MIN_VERSION = 10;

    private final GroupCoordinator coordinator;
    private final Supplier<MetadataImage> image;

    public OffsetCommitHandler(GroupCoordinator coordinator, Supplier<MetadataImage> image) {
        this.coordinator = coordinator;
        this.image = image;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_COMMIT;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, OffsetCommitRequest request) {
        OffsetCommitRequestData data = request.data();
        boolean byId = request.version() >= TOPIC_ID_MIN_VERSION;
        if (byId) {
            MetadataImage current = image.get();
            for (OffsetCommitRequestTopic topic : data.topics()) {
                var id = TopicIds.fromKafka(topic.topicId());
                TopicImage found = id == null ? null : current.topics().get(id);
                topic.setName(found == null ? null : found.name());
            }
        }
        return coordinator.offsetCommit(GroupApiHandler.groupContext(context), data).handle((response, failure) -> {
            if (failure != null) {
                return request.getErrorResponse(CoordinatorFailures.cause(failure)).data();
            }
            if (byId) {
                markUnknownTopicIds(data, response);
            }
            return response;
        });
    }

    private static void markUnknownTopicIds(OffsetCommitRequestData data, OffsetCommitResponseData response) {
        for (int i = 0; i < data.topics().size(); i++) {
            if (data.topics().get(i).name() == null) {
                OffsetCommitResponseTopic topic = response.topics().get(i).setName("");
                for (OffsetCommitResponsePartition partition : topic.partitions()) {
                    partition.setErrorCode(Errors.UNKNOWN_TOPIC_ID.code());
                }
            }
        }
    }
}
