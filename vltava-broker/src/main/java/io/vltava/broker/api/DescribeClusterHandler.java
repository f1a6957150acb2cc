package io.vltava.broker.api;

import io.vltava.metadata.image.BrokerRegistration;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.network.RequestContext;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeClusterRequest;

/**
 * DescribeCluster: the cluster id, the brokers reachable on the request's listener and the node the
 * admin client should send controller requests to (this one).
 *
 * <p>Threading: stateless; runs on the requesting event loop.
 */
public final class DescribeClusterHandler implements ApiHandler<DescribeClusterRequest> {

    /** {@code endpoint_type} asking for brokers. */
    private static final byte BROKERS = 1;
    /** {@code endpoint_type} asking for controllers. */
    private static final byte CONTROLLERS = 2;

    private final int nodeId;
    private final String clusterId;
    private final Supplier<MetadataImage> image;

    public DescribeClusterHandler(int nodeId, String clusterId, Supplier<MetadataImage> image) {
        this.nodeId = nodeId;
        this.clusterId = clusterId;
        this.image = image;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_CLUSTER;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, DescribeClusterRequest request) {
        byte endpointType = request.data().endpointType();
        DescribeClusterResponseData response = new DescribeClusterResponseData().setEndpointType(endpointType);
        if (endpointType != BROKERS) {
            Errors error = request.version() == 0 ? Errors.INVALID_REQUEST
                    : endpointType == CONTROLLERS ? Errors.MISMATCHED_ENDPOINT_TYPE : Errors.UNSUPPORTED_ENDPOINT_TYPE;
            return CompletableFuture.completedFuture(response.setErrorCode(error.code())
                    .setErrorMessage("This listener serves brokers, not endpoint type " + endpointType));
        }
        response.setErrorCode(Errors.NONE.code()).setClusterId(clusterId).setControllerId(nodeId);
        if (request.data().includeClusterAuthorizedOperations()) {
            response.setClusterAuthorizedOperations(MetadataHandler.ALL_CLUSTER_OPERATIONS);
        }
        for (BrokerRegistration broker : image.get().brokers().values()) {
            broker.endpoint(context.listenerName()).ifPresent(endpoint -> response.brokers().add(new DescribeClusterBroker()
                    .setBrokerId(broker.id()).setHost(endpoint.host()).setPort(endpoint.port()).setRack(broker.rack())));
        }
        return CompletableFuture.completedFuture(response);
    }
}
