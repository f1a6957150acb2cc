package io.vltava.broker.group;

import io.vltava.broker.api.ApiHandler;
import io.vltava.broker.coordinator.CoordinatorFailures;
import io.vltava.coordinator.group.GroupCoordinator;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.image.TopicImage;
import io.vltava.network.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.TxnOffsetCommitRequest;

/**
 * TxnOffsetCommit v0–5: as Kafka's broker does, partitions of topics the cluster does not have are
 * answered UNKNOWN_TOPIC_OR_PARTITION here; the others are staged by the group coordinator. Kafka
 * also asks the transaction coordinator whether the transaction holds the group's partition of
 * __consumer_offsets; that check is not made here.
 *
 * <p>Threading: stateless; the response completes on the group's shard thread.
 */
public final class TxnOffsetCommitHandler implements ApiHandler<TxnOffsetCommitRequest> {

    private final GroupCoordinator coordinator;
    private final Supplier<MetadataImage> image;

    public TxnOffsetCommitHandler(GroupCoordinator coordinator, Supplier<MetadataImage> image) {
        this.coordinator = coordinator;
        this.image = image;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.TXN_OFFSET_COMMIT;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, TxnOffsetCommitRequest request) {
        MetadataImage current = image.get();
        TxnOffsetCommitRequestData known = request.data().duplicate().setTopics(new ArrayList<>());
        List<TxnOffsetCommitResponseTopic> unknown = new ArrayList<>();
        for (TxnOffsetCommitRequestTopic topic : request.data().topics()) {
            TopicImage found = current.topics().get(topic.name());
            TxnOffsetCommitRequestTopic knownTopic = new TxnOffsetCommitRequestTopic().setName(topic.name());
            TxnOffsetCommitResponseTopic unknownTopic = new TxnOffsetCommitResponseTopic().setName(topic.name());
            for (TxnOffsetCommitRequestPartition partition : topic.partitions()) {
                if (found != null && partition.partitionIndex() >= 0 && partition.partitionIndex() < found.partitionCount()) {
                    knownTopic.partitions().add(partition);
                } else {
                    unknownTopic.partitions().add(new TxnOffsetCommitResponsePartition().setPartitionIndex(partition.partitionIndex())
                            .setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code()));
                }
            }
            if (!knownTopic.partitions().isEmpty()) {
                known.topics().add(knownTopic);
            }
            if (!unknownTopic.partitions().isEmpty()) {
                unknown.add(unknownTopic);
            }
        }
        if (known.topics().isEmpty()) {
            return CompletableFuture.completedFuture(new TxnOffsetCommitResponseData().setTopics(unknown));
        }
        return coordinator.txnOffsetCommit(GroupApiHandler.groupContext(context), known).handle((response, failure) -> {
            if (failure != null) {
                return request.getErrorResponse(CoordinatorFailures.cause(failure)).data();
            }
            response.topics().addAll(unknown);
            return response;
        });
    }
}
