package io.vltava.broker.group;

import io.vltava.broker.api.ApiHandler;
import io.vltava.broker.coordinator.CoordinatorFailures;
import io.vltava.coordinator.group.GroupCoordinator;
import io.vltava.coordinator.group.GroupsFailedException;
import io.vltava.network.RequestContext;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteGroupsRequest;

/**
 * DeleteGroups: empty groups go with their offsets; GROUP_ID_NOT_FOUND and NON_EMPTY_GROUP per group.
 *
 * <p>Threading: stateless; the response completes when the last shard has written its tombstones.
 */
public final class DeleteGroupsHandler implements ApiHandler<DeleteGroupsRequest> {

    private final GroupCoordinator coordinator;

    public DeleteGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_GROUPS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, DeleteGroupsRequest request) {
        List<CompletableFuture<List<DeletableGroupResult>>> shards = coordinator.deleteGroups(request.data().groupsNames());
        DeleteGroupsResponseData response = new DeleteGroupsResponseData();
        CompletableFuture<?>[] all = shards.stream().map(shard -> shard.handle((results, failure) -> {
            synchronized (response) {
                if (failure == null) {
                    results.forEach(result -> response.results().add(result.duplicate()));
                } else if (CoordinatorFailures.cause(failure) instanceof GroupsFailedException failed) {
                    Errors error = Errors.forException(failed.getCause());
                    failed.groupIds().forEach(groupId -> response.results().add(new DeletableGroupResult().setGroupId(groupId)
                            .setErrorCode(error.code()).setErrorMessage(failed.getMessage())));
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
