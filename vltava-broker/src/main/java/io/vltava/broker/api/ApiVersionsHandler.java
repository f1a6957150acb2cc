package io.vltava.broker.api;

import io.vltava.network.RequestContext;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;

/**
 * ApiVersions: the APIs this broker serves with every version kafka-clients defines for them. No
 * feature flags are advertised until the features behind them work. A request newer than our newest
 * version gets the version-0 answer that tells the client which versions to retry with (KIP-511).
 *
 * <p>Threading: immutable.
 */
public final class ApiVersionsHandler implements ApiHandler<ApiVersionsRequest> {

    private final ApiVersionsResponseData.ApiVersionCollection versions;

    public ApiVersionsHandler(Set<ApiKeys> served) {
        this.versions = ApiVersionsResponse.collectApis(ApiMessageType.ListenerType.BROKER, served, false);
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.API_VERSIONS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiVersionsRequest request) {
        if (request.hasUnsupportedRequestVersion()) {
            return CompletableFuture.completedFuture(request.getErrorResponse(0, new UnsupportedVersionException(
                    "ApiVersions version " + context.apiVersion() + " is not supported")).data());
        }
        if (!request.isValid()) {
            return CompletableFuture.completedFuture(request.getErrorResponse(0, new InvalidRequestException(
                    "Invalid client software name or version")).data());
        }
        ApiVersionsResponseData response = new ApiVersionsResponseData()
                .setErrorCode(Errors.NONE.code())
                .setApiKeys(versions.duplicate())
                .setFinalizedFeaturesEpoch(ApiVersionsResponse.UNKNOWN_FINALIZED_FEATURES_EPOCH);
        return CompletableFuture.completedFuture(response);
    }
}
