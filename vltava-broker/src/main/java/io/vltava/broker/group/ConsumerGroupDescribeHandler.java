package io.vltava.broker.group;

import io.vltava.broker.api.ApiHandler;
import io.vltava.broker.coordinator.CoordinatorFailures;
import io.vltava.coordinator.group.GroupCoordinator;
import io.vltava.network.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData.DescribedGroup;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ConsumerGroupDescribeRequest;

/**
 * ConsumerGroupDescribe (KIP-848): each group from its own shard, each failing on its own.
 *
 * <p>Threading: stateless; the response completes when the last group's shard answers.
 */
public final class ConsumerGroupDescribeHandler implements ApiHandler<ConsumerGroupDescribeRequest> {

    private final GroupCoordinator coordinator;

    public ConsumerGroupDescribeHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CONSUMER_GROUP_DESCRIBE;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ConsumerGroupDescribeRequest request) {
        List<CompletableFuture<DescribedGroup>> groups = new ArrayList<>();
        for (String groupId : request.data().groupIds()) {
            groups.add(coordinator.consumerGroupDescribe(groupId).handle((group, failure) -> failure == null ? group
                    : new DescribedGroup().setGroupId(groupId).setErrorCode(Errors.forException(CoordinatorFailures.cause(failure)).code())
                            .setErrorMessage(CoordinatorFailures.cause(failure).getMessage())));
        }
        return CompletableFuture.allOf(groups.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            ConsumerGroupDescribeResponseData response = new ConsumerGroupDescribeResponseData();
            groups.forEach(group -> response.groups().add(group.join()));
            return response;
        });
    }
}
