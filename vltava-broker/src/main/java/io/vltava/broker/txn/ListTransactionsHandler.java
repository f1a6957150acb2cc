package io.vltava.broker.txn;

import io.vltava.broker.api.ApiHandler;
import io.vltava.coordinator.txn.TransactionCoordinator;
import io.vltava.coordinator.txn.TransactionState;
import io.vltava.network.RequestContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ListTransactionsRequest;

/**
 * ListTransactions: the transactions of every shard this broker holds, filtered by state, producer
 * id, how long they have been running (v1+) and a transactional id regular expression (v2+). Unknown
 * state names are echoed back; if a shard is still loading the answer is COORDINATOR_LOAD_IN_PROGRESS
 * with what the other shards hold.
 *
 * <p>Threading: stateless; the response completes on a transaction shard's thread.
 */
public final class ListTransactionsHandler implements ApiHandler<ListTransactionsRequest> {

    private final TransactionCoordinator coordinator;

    public ListTransactionsHandler(TransactionCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LIST_TRANSACTIONS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ListTransactionsRequest request) {
        ListTransactionsRequestData data = request.data();
        ListTransactionsResponseData response = new ListTransactionsResponseData().setErrorCode(Errors.NONE.code());
        Set<TransactionState> states = new HashSet<>();
        for (String name : data.stateFilters()) {
            TransactionState state = TransactionState.named(name);
            if (state == null) {
                response.unknownStateFilters().add(name);
            } else {
                states.add(state);
            }
        }
        Pattern pattern = null;
        String regex = data.transactionalIdPattern();
        if (regex != null && !regex.isEmpty()) {
            try {
                pattern = Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                return CompletableFuture.completedFuture(response.setErrorCode(Errors.INVALID_REGULAR_EXPRESSION.code()));
            }
        }
        if (!data.stateFilters().isEmpty() && states.isEmpty()) {
            return CompletableFuture.completedFuture(response);
        }
        List<CompletableFuture<List<ListTransactionsResponseData.TransactionState>>> shards = coordinator.list(states,
                new HashSet<>(data.producerIdFilters()), data.durationFilter(), pattern);
        List<CompletableFuture<Void>> collected = new ArrayList<>();
        for (CompletableFuture<List<ListTransactionsResponseData.TransactionState>> shard : shards) {
            collected.add(shard.handle((listed, failure) -> {
                synchronized (response) {
                    if (failure != null) {
                        response.setErrorCode(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
                    } else {
                        response.transactionStates().addAll(listed);
                    }
                }
                return null;
            }));
        }
        return CompletableFuture.allOf(collected.toArray(CompletableFuture[]::new)).thenApply(ignored -> response);
    }
}
