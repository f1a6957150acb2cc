package io.vltava.broker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vltava.broker.producer.ProducerIdManager;
import io.vltava.broker.quota.ClientQuotaManagerConfig;
import io.vltava.broker.quota.RequestQuotaManager;
import io.vltava.common.time.ManualTime;
import io.vltava.common.time.Time;
import io.vltava.coordinator.txn.TransactionCoordinator;
import io.vltava.coordinator.txn.TransactionCoordinatorConfig;
import io.vltava.metadata.controller.ProducerIdBlock;
import io.vltava.network.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.junit.jupiter.api.Test;

class KafkaApisTest {

    private static InitProducerIdHandler initProducerId() {
        ProducerIdManager producerIds = new ProducerIdManager(() -> CompletableFuture.completedFuture(new ProducerIdBlock(0, 10)));
        return new InitProducerIdHandler(producerIds, new TransactionCoordinator(TransactionCoordinatorConfig.defaults(), 1, Time.SYSTEM, null,
                producerIds::nextProducerId));
    }

    @Test
    void servesTheApisOfItsHandlersAndPipelinesOnlyProduceAndFetch() {
        KafkaApis apis = new KafkaApis(List.of(initProducerId(), new ApiVersionsHandler(Set.of(ApiKeys.INIT_PRODUCER_ID, ApiKeys.API_VERSIONS))));

        assertThat(apis.servedApis()).containsExactlyInAnyOrder(ApiKeys.INIT_PRODUCER_ID, ApiKeys.API_VERSIONS);
        assertThat(apis.isPipelined(ApiKeys.PRODUCE)).isTrue();
        assertThat(apis.isPipelined(ApiKeys.FETCH)).isTrue();
        assertThat(apis.isPipelined(ApiKeys.METADATA)).isFalse();
        assertThat(apis.isPipelined(ApiKeys.INIT_PRODUCER_ID)).isFalse();
    }

    @Test
    void dispatchesEachRequestToTheHandlerOfItsApi() {
        KafkaApis apis = new KafkaApis(List.of(initProducerId(), new ApiVersionsHandler(Set.of(ApiKeys.INIT_PRODUCER_ID, ApiKeys.API_VERSIONS))));

        InitProducerIdRequest init = new InitProducerIdRequest.Builder(new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(60_000)
                .setProducerId(-1).setProducerEpoch((short) -1)).build((short) 4);
        InitProducerIdResponseData initResponse = Requests.done(apis.handle(Requests.context(ApiKeys.INIT_PRODUCER_ID, (short) 4, "p", null), init));
        assertThat(initResponse.producerId()).isZero();

        ApiVersionsRequest versions = new ApiVersionsRequest.Builder().build((short) 3);
        ApiVersionsResponseData versionsResponse = Requests.done(apis.handle(Requests.context(ApiKeys.API_VERSIONS, (short) 3, "p", null), versions));
        assertThat(Errors.forCode(versionsResponse.errorCode())).isEqualTo(Errors.NONE);
        assertThat(versionsResponse.apiKeys()).extracting(ApiVersion::apiKey)
                .containsExactlyInAnyOrder(ApiKeys.INIT_PRODUCER_ID.id, ApiKeys.API_VERSIONS.id);
    }

    @Test
    void refusesTwoHandlersForOneApi() {
        assertThatThrownBy(() -> new KafkaApis(List.of(initProducerId(), initProducerId())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("INIT_PRODUCER_ID");
    }

    @Test
    void aClientOverItsRequestPercentageIsThrottledAndMutedAndOthersAreNot() {
        ManualTime time = new ManualTime();
        ApiVersionsHandler versions = new ApiVersionsHandler(Set.of(ApiKeys.API_VERSIONS));
        // Each request keeps the event loop busy for 600 ms.
        ApiHandler<ApiVersionsRequest> slow = new ApiHandler<>() {
            @Override
            public ApiKeys apiKey() {
                return ApiKeys.API_VERSIONS;
            }

            @Override
            public CompletableFuture<? extends ApiMessage> handle(RequestContext context, ApiVersionsRequest request) {
                time.advanceMillis(600);
                return versions.handle(context, request);
            }
        };
        RequestQuotaManager quotas = new RequestQuotaManager(new ClientQuotaManagerConfig(2, 1000));
        Requests.clientQuota(quotas, "busy", "request_percentage", 10);
        KafkaApis apis = new KafkaApis(List.of(slow), quotas, time);
        ApiVersionsRequest request = new ApiVersionsRequest.Builder().build((short) 3);
        List<Integer> mutes = new ArrayList<>();

        ApiVersionsResponseData busy = Requests.done(apis.handle(
                Requests.context(ApiKeys.API_VERSIONS, (short) 3, "busy", "PLAINTEXT", null, mutes::add), request));
        ApiVersionsResponseData idle = Requests.done(apis.handle(
                Requests.context(ApiKeys.API_VERSIONS, (short) 3, "idle", "PLAINTEXT", null, mutes::add), request));

        assertThat(busy.throttleTimeMs()).as("60%% against 10%%, at most one sample window").isEqualTo(1000);
        assertThat(busy.apiKeys()).extracting(ApiVersion::apiKey).containsExactly(ApiKeys.API_VERSIONS.id);
        assertThat(idle.throttleTimeMs()).isZero();
        assertThat(mutes).containsExactly(1000);
    }
}
