package io.vltava.broker.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.broker.LocalBroker;
import io.vltava.metadata.record.PartitionRecord;
import io.vltava.metadata.record.TopicRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** "epochs": offsets 0-2 written at leader epoch 0, offsets 3-4 at leader epoch 2. */
class OffsetForLeaderEpochHandlerTest {

    @TempDir
    Path dir;

    private LocalBroker broker;
    private OffsetForLeaderEpochHandler handler;
    private ScheduledThreadPoolExecutor eventLoop;

    @BeforeEach
    void setUp() {
        broker = LocalBroker.open(dir);
        UUID id = broker.createTopic("epochs", 1);
        broker.append("epochs", 0, 3);
        broker.apply(new PartitionRecord(id, 0, List.of(1), List.of(1), 1, 2, 1));
        broker.append("epochs", 0, 2);
        handler = new OffsetForLeaderEpochHandler(broker.replicaManager(), broker::image);
        eventLoop = new ScheduledThreadPoolExecutor(1);
    }

    @AfterEach
    void tearDown() {
        eventLoop.shutdownNow();
        broker.close();
    }

    private EpochEndOffset ask(String topic, int partition, int currentLeaderEpoch, int leaderEpoch) {
        OffsetForLeaderEpochRequestData data = new OffsetForLeaderEpochRequestData().setReplicaId(-1);
        data.topics().add(new OffsetForLeaderTopic().setTopic(topic).setPartitions(List.of(new OffsetForLeaderPartition()
                .setPartition(partition).setCurrentLeaderEpoch(currentLeaderEpoch).setLeaderEpoch(leaderEpoch))));
        OffsetsForLeaderEpochRequest request = new OffsetsForLeaderEpochRequest(data, (short) 4);
        OffsetForLeaderEpochResponseData response = Requests.done(handler.handle(
                Requests.context(ApiKeys.OFFSET_FOR_LEADER_EPOCH, (short) 4, "consumer", eventLoop), request));
        return response.topics().iterator().next().partitions().get(0);
    }

    private static void assertEnd(EpochEndOffset result, int epoch, long endOffset) {
        assertThat(Errors.forCode(result.errorCode())).isEqualTo(Errors.NONE);
        assertThat(result.leaderEpoch()).isEqualTo(epoch);
        assertThat(result.endOffset()).isEqualTo(endOffset);
    }

    private static void assertError(EpochEndOffset result, Errors error) {
        assertThat(Errors.forCode(result.errorCode())).isEqualTo(error);
        assertThat(result.leaderEpoch()).isEqualTo(-1);
        assertThat(result.endOffset()).isEqualTo(-1);
    }

    @Test
    void theCurrentEpochEndsAtTheLogEnd() {
        assertEnd(ask("epochs", 0, 2, 2), 2, 5);
    }

    @Test
    void anOlderEpochEndsWhereTheNextOneStarts() {
        assertEnd(ask("epochs", 0, -1, 0), 0, 3);
        assertEnd(ask("epochs", 0, -1, 1), 0, 3);
    }

    @Test
    void anEpochNewerThanAnyIsUndefined() {
        assertEnd(ask("epochs", 0, -1, 3), -1, -1);
    }

    @Test
    void theClientsCurrentEpochIsChecked() {
        assertError(ask("epochs", 0, 1, 0), Errors.FENCED_LEADER_EPOCH);
        assertError(ask("epochs", 0, 3, 0), Errors.UNKNOWN_LEADER_EPOCH);
    }

    @Test
    void unknownAndUnhostedPartitionsFail() {
        UUID id = UUID.randomUUID();
        broker.apply(new TopicRecord("remote", id), new PartitionRecord(id, 0, List.of(2), List.of(2), 2, 0, 0));
        assertError(ask("missing", 0, -1, 0), Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertError(ask("epochs", 3, -1, 0), Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertError(ask("remote", 0, -1, 0), Errors.NOT_LEADER_OR_FOLLOWER);
    }

    @Test
    void aNegativePartitionIsUnknownAndDoesNotSpoilTheOthers() {
        OffsetForLeaderEpochRequestData data = new OffsetForLeaderEpochRequestData().setReplicaId(-1);
        data.topics().add(new OffsetForLeaderTopic().setTopic("epochs").setPartitions(List.of(
                new OffsetForLeaderPartition().setPartition(-1).setCurrentLeaderEpoch(-1).setLeaderEpoch(0),
                new OffsetForLeaderPartition().setPartition(0).setCurrentLeaderEpoch(-1).setLeaderEpoch(0))));
        OffsetsForLeaderEpochRequest request = new OffsetsForLeaderEpochRequest(data, (short) 4);

        OffsetForLeaderEpochResponseData response = Requests.done(handler.handle(
                Requests.context(ApiKeys.OFFSET_FOR_LEADER_EPOCH, (short) 4, "consumer", eventLoop), request));

        List<EpochEndOffset> results = response.topics().iterator().next().partitions();
        assertThat(results).extracting(EpochEndOffset::partition).containsExactly(-1, 0);
        assertError(results.get(0), Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertEnd(results.get(1), 0, 3);
    }
}
