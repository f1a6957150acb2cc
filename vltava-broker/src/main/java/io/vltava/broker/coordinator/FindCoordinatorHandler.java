package io.vltava.broker.coordinator;

import io.vltava.broker.api.ApiHandler;
import io.vltava.metadata.image.BrokerRegistration;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.image.PartitionRegistration;
import io.vltava.metadata.image.TopicImage;
import io.vltava.metadata.record.RegisterBrokerRecord.BrokerEndpoint;
import io.vltava.network.RequestContext;
import java.util.List;
import java.util.Map;
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
 * hashes to, a transactional id's the leader of its partition of __transaction_state. The topic is
 * created on first use (COORDINATOR_NOT_AVAILABLE until it exists). Versions 4+ ask for many keys at
 * once. Key types with no coordinator here are refused with INVALID_REQUEST.
 *
 * <p>Threading: stateless; answers at once.
 */
public final class FindCoordinatorHandler implements ApiHandler<FindCoordinatorRequest> {

    private final Supplier<MetadataImage> image;
    private final Map<CoordinatorType, CoordinatorTopic> coordinators;

    public FindCoordinatorHandler(Supplier<MetadataImage> image, Map<CoordinatorType, CoordinatorTopic> coordinators) {
        this.image = image;
        this.coordinators = Map.copyOf(coordinators);
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
        CoordinatorTopic coordinator = coordinators.get(type);
        if (coordinator == null) {
            return error(coordinatorFound, Errors.INVALID_REQUEST, "Coordinators of type " + type + " are not supported");
        }
        if (key == null || key.isEmpty()) {
            return error(coordinatorFound, Errors.INVALID_REQUEST, "The " + (type == CoordinatorType.GROUP ? "group" : "transactional") + " id is empty");
        }
        String topicName = coordinator.topic().name();
        if (!coordinator.topic().exists()) {
            return error(coordinatorFound, Errors.COORDINATOR_NOT_AVAILABLE, topicName + " is being created");
        }
        MetadataImage current = image.get();
        TopicImage topic = current.topics().get(topicName);
        PartitionRegistration partition = topic == null ? null : topic.partitions().get(coordinator.partitionFor().applyAsInt(key));
        BrokerRegistration leader = partition == null ? null : current.brokers().get(partition.leader());
        BrokerEndpoint endpoint = leader == null ? null : leader.endpoint(context.listenerName()).orElse(null);
        if (endpoint == null) {
            return error(coordinatorFound, Errors.COORDINATOR_NOT_AVAILABLE, "The coordinator of " + key + " has no leader");
        }
        return coordinatorFound.setErrorCode(Errors.NONE.code()).setNodeId(leader.id()).setHost(endpoint.host()).setPort(endpoint.port());
    }

    private static Coordinator error(Coordinator coordinator, Errors error, String message) {
        return coordinator.setErrorCode(error.code()).setErrorMessage(message);
    }
}
