package io.vltava.broker.group;

import io.vltava.broker.api.ApiHandler;
import io.vltava.common.topic.TopicNames;
import io.vltava.coordinator.group.GroupCoordinator;
import io.vltava.metadata.image.BrokerRegistration;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.image.PartitionRegistration;
import io.vltava.metadata.image.TopicImage;
import io.vltava.metadata.record.RegisterBrokerRecord.BrokerEndpoint;
import io.vltava.network.RequestContext;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;

/**
 * FindCoordinator: a group's coordinator is the leader of the partition of __consumer_offsets its id
 * hashes to, which is created on first use (COORDINATOR_NOT_AVAILABLE until it exists). Versions 4+
 * ask for many keys at once. Transaction coordinators do not exist yet and are refused.
 *
 * <p>Threading: stateless; answers at once.
 */
public final class FindCoordinatorHandler implements ApiHandler<FindCoordinatorRequest> {

    private final Supplier<MetadataImage> image;
    private final GroupCoordinator coordinator;
    private final OffsetsTopic offsetsTopic;

    public FindCoordinatorHandler(Supplier<MetadataImage> image, GroupCoordinator coordinator, OffsetsTopic offsetsTopic) {
        this.image = image;
        this.coordinator = coordinator;
        this.offsetsTopic = offsetsTopic;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.FIND_COORDINATOR;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, FindCoordinatorRequest request) {
        FindCoordinatorRequestData data = request.data();
        FindCoordinatorResponseData response = new FindCoordinatorResponseData();
        if (request.version() < 4) {
            Coordinator found = find(context, data.keyType(), data.key());
            return CompletableFuture.completedFuture(response.setErrorCode(found.errorCode())
                    .setErrorMessage(request.version() >= 1 ? found.errorMessage() : null).setNodeId(found.nodeId()).setHost(found.host()).setPort(found.port()));
        }
        List<String> keys = data.coordinatorKeys();
        for (String key : keys) {
            response.coordinators().add(find(context, data.keyType(), key));
        }
        return CompletableFuture.completedFuture(response);
    }

    private Coordinator find(RequestContext context, byte keyType, String key) {
        Coordinator coordinatorFound = new Coordinator().setKey(key).setNodeId(-1).setHost("").setPort(-1);
        CoordinatorType type;
        try {
            type = CoordinatorType.forId(keyType);
        } catch (IllegalArgumentException e) {
            return error(coordinatorFound, Errors.INVALID_REQUEST, "Unknown coordinator key type " + keyType);
        }
        if (type == CoordinatorType.TRANSACTION) {
            return error(coordinatorFound, Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, "Transactions are not supported yet");
        }
        if (type != CoordinatorType.GROUP) {
            return error(coordinatorFound, Errors.INVALID_REQUEST, "Coordinators of type " + type + " are not supported");
        }
        if (key == null || key.isEmpty()) {
            return error(coordinatorFound, Errors.INVALID_REQUEST, "The group id is empty");
        }
        if (!offsetsTopic.exists()) {
            return error(coordinatorFound, Errors.COORDINATOR_NOT_AVAILABLE, TopicNames.CONSUMER_OFFSETS + " is being created");
        }
        MetadataImage current = image.get();
        TopicImage topic = current.topics().get(TopicNames.CONSUMER_OFFSETS);
        PartitionRegistration partition = topic == null ? null : topic.partitions().get(coordinator.partitionFor(key));
        BrokerRegistration leader = partition == null ? null : current.brokers().get(partition.leader());
        BrokerEndpoint endpoint = leader == null ? null : leader.endpoint(context.listenerName()).orElse(null);
        if (endpoint == null) {
            return error(coordinatorFound, Errors.COORDINATOR_NOT_AVAILABLE, "The coordinator of group " + key + " has no leader");
        }
        return coordinatorFound.setErrorCode(Errors.NONE.code()).setNodeId(leader.id()).setHost(endpoint.host()).setPort(endpoint.port());
    }

    private static Coordinator error(Coordinator coordinator, Errors error, String message) {
        return coordinator.setErrorCode(error.code()).setErrorMessage(message);
    }
}
