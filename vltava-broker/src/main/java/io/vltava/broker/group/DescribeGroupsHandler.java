package io.vltava.broker.group;

import io.vltava.broker.api.ApiHandler;
import io.vltava.broker.coordinator.CoordinatorFailures;
import io.vltava.coordinator.group.GroupCoordinator;
import io.vltava.network.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeGroupsRequest;

/**
 * DescribeGroups: each group from its own shard; a group that does not exist is described as "Dead"
 * with no error, as Kafka does, and each group fails on its own.
 *
 * <p>Threading: stateless; the response completes when the last group's shard answers.
 */
public final class DescribeGroupsHandler implements ApiHandler<DescribeGroupsRequest> {

    private static final short ERROR_MESSAGE_MIN_VERSION = 6;

    private final GroupCoordinator coordinator;

    public DescribeGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_GROUPS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, DescribeGroupsRequest request) {
        boolean messages = request.version() >= ERROR_MESSAGE_MIN_VERSION;
        List<CompletableFuture<DescribedGroup>> groups = new ArrayList<>();
        for (String groupId : request.data().groups()) {
            groups.add(coordinator.describeGroup(groupId).handle((group, failure) -> {
                DescribedGroup described = failure == null ? group
                        : new DescribedGroup().setGroupId(groupId).setErrorCode(Errors.forException(CoordinatorFailures.cause(failure)).code())
                                .setErrorMessage(CoordinatorFailures.cause(failure).getMessage()).setGroupState("").setProtocolType("")
                                .setProtocolData("");
                return messages ? described : described.setErrorMessage(null);
            }));
        }
        return CompletableFuture.allOf(groups.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            DescribeGroupsResponseData response = new DescribeGroupsResponseData();
            groups.forEach(group -> response.groups().add(group.join()));
            return response;
        });
    }
}
