package io.vltava.broker.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.broker.LocalBroker;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData.DescribableLogDirTopic;
import org.apache.kafka.common.message.DescribeLogDirsRequestData.DescribableLogDirTopicCollection;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsPartition;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsResult;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.DescribeLogDirsRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DescribeLogDirs on one log dir holding "sized" (2 partitions, records in partition 0 only) and "other". */
class DescribeLogDirsHandlerTest {

    @TempDir
    Path dir;

    private LocalBroker broker;
    private DescribeLogDirsHandler handler;
    private ScheduledThreadPoolExecutor eventLoop;

    @BeforeEach
    void setUp() {
        broker = LocalBroker.open(dir);
        broker.registerLocalBroker();
        broker.createTopic("sized", 2);
        broker.createTopic("other", 1);
        broker.append("sized", 0, 10, 100);
        handler = new DescribeLogDirsHandler(broker.logManager());
        eventLoop = new ScheduledThreadPoolExecutor(1);
    }

    @AfterEach
    void tearDown() {
        eventLoop.shutdownNow();
        broker.close();
    }

    @Test
    void allTopicsWithTheirSizesAndTheVolumesSpace() {
        DescribeLogDirsResponseData response = describe(4, null);
        assertThat(response.results()).hasSize(1);
        DescribeLogDirsResult result = response.results().get(0);
        assertThat(result.errorCode()).isZero();
        assertThat(result.logDir()).isEqualTo(broker.logManager().logDirs().get(0).toAbsolutePath().toString());
        assertThat(result.totalBytes()).isPositive();
        assertThat(result.usableBytes()).isPositive().isLessThanOrEqualTo(result.totalBytes());
        assertThat(result.topics()).extracting(DescribeLogDirsTopic::name).contains("other", "sized");
        List<DescribeLogDirsPartition> sized = topic(result, "sized").partitions();
        assertThat(sized).extracting(DescribeLogDirsPartition::partitionIndex).containsExactly(0, 1);
        assertThat(sized.get(0).partitionSize()).isEqualTo(broker.partition("sized", 0).log().sizeInBytes()).isGreaterThan(1000);
        assertThat(sized.get(1).partitionSize()).isZero();
        assertThat(sized).allSatisfy(p -> {
            assertThat(p.offsetLag()).isZero();
            assertThat(p.isFutureKey()).isFalse();
        });
    }

    @Test
    void onlyTheRequestedPartitionsThatAreHostedHere() {
        DescribableLogDirTopicCollection topics = new DescribableLogDirTopicCollection();
        topics.add(new DescribableLogDirTopic().setTopic("sized").setPartitions(List.of(1, 7)));
        topics.add(new DescribableLogDirTopic().setTopic("missing").setPartitions(List.of(0)));
        DescribeLogDirsResult result = describe(1, topics).results().get(0);
        assertThat(result.topics()).extracting(DescribeLogDirsTopic::name).containsExactly("sized");
        assertThat(topic(result, "sized").partitions()).extracting(DescribeLogDirsPartition::partitionIndex).containsExactly(1);
    }

    @Test
    void everyVersionEncodes() {
        for (short v = ApiKeys.DESCRIBE_LOG_DIRS.oldestVersion(); v <= ApiKeys.DESCRIBE_LOG_DIRS.latestVersion(); v++) {
            assertThat(topic(describe(v, null).results().get(0), "sized").partitions()).hasSize(2);
        }
    }

    private static DescribeLogDirsTopic topic(DescribeLogDirsResult result, String name) {
        return result.topics().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    /** Sends the request as a client would: serialized at {@code version}, parsed by kafka-clients. */
    private DescribeLogDirsResponseData describe(int version, DescribableLogDirTopicCollection topics) {
        short v = (short) version;
        DescribeLogDirsRequestData data = new DescribeLogDirsRequestData().setTopics(topics);
        DescribeLogDirsRequest request = DescribeLogDirsRequest.parse(MessageUtil.toByteBufferAccessor(data, v), v);
        DescribeLogDirsResponseData response = Requests.done(handler.handle(Requests.context(ApiKeys.DESCRIBE_LOG_DIRS, v, "admin", eventLoop), request));
        assertThat(MessageUtil.toByteBufferAccessor(response, v).buffer().remaining()).as("the response fits its version").isPositive();
        return response;
    }
}
