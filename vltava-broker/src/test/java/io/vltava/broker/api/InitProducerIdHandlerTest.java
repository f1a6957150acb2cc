package io.vltava.broker.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.broker.producer.ProducerIdManager;
import io.vltava.common.time.Time;
import io.vltava.coordinator.txn.TransactionCoordinator;
import io.vltava.coordinator.txn.TransactionCoordinatorConfig;
import io.vltava.metadata.controller.ProducerIdBlock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InitProducerIdHandlerTest {

    private final AtomicInteger allocations = new AtomicInteger();
    private final ProducerIdManager producerIds = new ProducerIdManager(() -> {
        allocations.incrementAndGet();
        return CompletableFuture.completedFuture(new ProducerIdBlock(4_000, 1_000));
    });
    /** A coordinator that leads no partition of __transaction_state. */
    private final TransactionCoordinator transactions = new TransactionCoordinator(TransactionCoordinatorConfig.defaults(), 1, Time.SYSTEM, null,
            producerIds::nextProducerId);
    private final InitProducerIdHandler handler = new InitProducerIdHandler(producerIds, transactions);

    @AfterEach
    void close() {
        transactions.close();
    }

    private CompletableFuture<ApiMessage> init(InitProducerIdRequestData data) {
        InitProducerIdRequest request = new InitProducerIdRequest.Builder(data).build((short) 5);
        return handler.handle(Requests.context(ApiKeys.INIT_PRODUCER_ID, (short) 5, "producer", null), request);
    }

    private static InitProducerIdRequestData idempotent() {
        return new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(60_000).setProducerId(-1).setProducerEpoch((short) -1);
    }

    @Test
    void anIdempotentProducerGetsAFreshIdWithEpochZero() {
        InitProducerIdResponseData first = Requests.done(init(idempotent()));
        InitProducerIdResponseData second = Requests.done(init(idempotent()));

        assertThat(Errors.forCode(first.errorCode())).isEqualTo(Errors.NONE);
        assertThat(first.producerId()).isEqualTo(4_000);
        assertThat(first.producerEpoch()).isZero();
        assertThat(second.producerId()).isEqualTo(4_001);
        assertThat(allocations).hasValue(1);
    }

    @Test
    void aProducerAskingToBumpItsEpochGetsANewId() {
        InitProducerIdResponseData response = Requests.done(init(idempotent().setProducerId(17).setProducerEpoch((short) 3)));
        assertThat(Errors.forCode(response.errorCode())).isEqualTo(Errors.NONE);
        assertThat(response.producerId()).isEqualTo(4_000);
        assertThat(response.producerEpoch()).isZero();
    }

    @Test
    void aTransactionalProducerIsServedByItsTransactionCoordinator() {
        InitProducerIdResponseData response = Requests.done(init(idempotent().setTransactionalId("tx-1")));
        assertThat(Errors.forCode(response.errorCode())).isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(response.producerId()).isEqualTo(-1);
        assertThat(response.producerEpoch()).isEqualTo((short) -1);
        assertThat(allocations).hasValue(0);
    }

    @Test
    void anIdWithoutAnEpochIsInvalid() {
        assertThat(Errors.forCode(((InitProducerIdResponseData) Requests.done(init(idempotent().setProducerId(17)))).errorCode()))
                .isEqualTo(Errors.INVALID_REQUEST);
        assertThat(Errors.forCode(((InitProducerIdResponseData) Requests.done(init(idempotent().setProducerEpoch((short) 2)))).errorCode()))
                .isEqualTo(Errors.INVALID_REQUEST);
    }
}
