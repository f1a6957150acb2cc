package io.vltava.broker.group;

import io.vltava.broker.api.ApiHandler;
import io.vltava.broker.coordinator.CoordinatorFailures;
import io.vltava.coordinator.group.GroupCoordinator;
import io.vltava.network.RequestContext;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ListGroupsRequest;

/**
 * ListGroups: the groups of every shard on this broker, filtered by state (v4+) and type (v5+). A
 * shard that is still loading makes the answer carry its error with the groups of the others.
 *
 * <p>Threading: stateless; the response completes when the last shard answers.
 */
public final class ListGroupsHandler implements ApiHandler<ListGroupsRequest> {

    private final GroupCoordinator coordinator;

    public ListGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LIST_GROUPS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ListGroupsRequest request) {
        ListGroupsRequestData data = request.data();
        List<CompletableFuture<List<ListedGroup>>> shards = coordinator.listGroups(data.statesFilter(), data.typesFilter());
        ListGroupsResponseData response = new ListGroupsResponseData().setErrorCode(Errors.NONE.code());
        CompletableFuture<?>[] all = shards.stream().map(shard -> shard.handle((groups, failure) -> {
            synchronized (response) {
                if (failure != null) {
                    response.setErrorCode(Errors.forException(CoordinatorFailures.cause(failure)).code());
                } else {
                    response.groups().addAll(groups);
                }
            }
            return null;
        })).toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(all).thenApply(ignored -> {
            synchronized (response) {
                return response;
            }
        });
    }
}
