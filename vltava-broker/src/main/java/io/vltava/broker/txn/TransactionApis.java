package io.vltava.broker.txn;

import io.vltava.broker.api.ApiHandler;
import io.vltava.broker.group.GroupApiHandler;
import io.vltava.coordinator.txn.TransactionCoordinator;
import io.vltava.metadata.image.MetadataImage;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.common.message.AddOffsetsToTxnResponseData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddOffsetsToTxnRequest;
import org.apache.kafka.common.requests.EndTxnRequest;

/**
 * The handlers of the transaction APIs served by one {@link TransactionCoordinator}: AddPartitionsToTxn,
 * AddOffsetsToTxn, EndTxn, DescribeTransactions and ListTransactions (InitProducerId and
 * FindCoordinator are shared with idempotent producers and groups and built elsewhere).
 *
 * <p>Threading: stateless.
 */
public final class TransactionApis {

    private TransactionApis() {
    }

    public static List<ApiHandler<?>> handlers(TransactionCoordinator coordinator, Supplier<MetadataImage> image) {
        return List.of(
                new AddPartitionsToTxnHandler(coordinator, image),
                new GroupApiHandler<AddOffsetsToTxnRequest>(ApiKeys.ADD_OFFSETS_TO_TXN, (context, request) -> coordinator.addOffsets(
                        request.data().transactionalId(), request.data().producerId(), request.data().producerEpoch(), request.data().groupId())
                        .thenApply(ignored -> new AddOffsetsToTxnResponseData().setErrorCode(Errors.NONE.code()))),
                new GroupApiHandler<EndTxnRequest>(ApiKeys.END_TXN, (context, request) -> coordinator.endTransaction(
                        request.data().transactionalId(), request.data().producerId(), request.data().producerEpoch(), request.data().committed())
                        .thenApply(ignored -> new EndTxnResponseData().setErrorCode(Errors.NONE.code()))),
                new DescribeTransactionsHandler(coordinator),
                new ListTransactionsHandler(coordinator));
    }
}
