package io.vltava.broker.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.broker.LocalBroker;
import java.nio.file.Path;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.DescribeClusterRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DescribeClusterHandlerTest {

    @TempDir
    Path dir;

    private LocalBroker broker;
    private DescribeClusterHandler handler;

    @BeforeEach
    void setUp() {
        broker = LocalBroker.open(dir);
        broker.registerLocalBroker();
        handler = new DescribeClusterHandler(1, "cluster-1", broker::image);
    }

    @AfterEach
    void tearDown() {
        broker.close();
    }

    private DescribeClusterResponseData describe(int version, String listener, byte endpointType) {
        DescribeClusterRequestData data = new DescribeClusterRequestData().setEndpointType(endpointType);
        short v = (short) version;
        DescribeClusterRequest request = DescribeClusterRequest.parse(MessageUtil.toByteBufferAccessor(data, v), v);
        DescribeClusterResponseData response = Requests.done(handler.handle(Requests.context(ApiKeys.DESCRIBE_CLUSTER, v, "admin", listener, null),
                request));
        assertThat(MessageUtil.toByteBufferAccessor(response, v).buffer().remaining()).isPositive();
        return response;
    }

    @Test
    void describesTheBrokersOnTheRequestsListener() {
        DescribeClusterResponseData response = describe(1, "PLAINTEXT", (byte) 1);
        assertThat(Errors.forCode(response.errorCode())).isEqualTo(Errors.NONE);
        assertThat(response.clusterId()).isEqualTo("cluster-1");
        assertThat(response.controllerId()).isEqualTo(1);
        assertThat(response.brokers()).singleElement().satisfies(b -> assertThat(b.port()).isEqualTo(9092));

        assertThat(describe(1, "OTHER", (byte) 1).brokers()).isEmpty();
    }

    @Test
    void requestsForControllersAreRefused() {
        assertThat(Errors.forCode(describe(1, "PLAINTEXT", (byte) 2).errorCode())).isEqualTo(Errors.MISMATCHED_ENDPOINT_TYPE);
        assertThat(Errors.forCode(describe(1, "PLAINTEXT", (byte) 3).errorCode())).isEqualTo(Errors.UNSUPPORTED_ENDPOINT_TYPE);
    }
}
