package io.vltava.broker.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vltava.broker.LocalBroker;
import io.vltava.metadata.record.ConfigRecord;
import io.vltava.metadata.record.ConfigResourceType;
import io.vltava.metadata.record.PartitionRecord;
import io.vltava.metadata.record.TopicRecord;
import io.vltava.storage.log.LogAppendInfo;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionTest {

    @TempDir
    Path dir;

    private LocalBroker broker;

    @BeforeEach
    void open() {
        broker = LocalBroker.open(dir);
    }

    @AfterEach
    void close() {
        broker.close();
    }

    /** A one-partition topic with these replicas, ISR, leader and epoch. */
    private Partition topic(String name, List<Integer> replicas, List<Integer> isr, int leader, int epoch) {
        UUID id = UUID.randomUUID();
        broker.apply(new TopicRecord(name, id), new PartitionRecord(id, 0, replicas, isr, leader, epoch, 0));
        return broker.partition(name, 0);
    }

    private static ByteBuffer batch(int records) {
        return LocalBroker.batch(System.currentTimeMillis(), records, 10);
    }

    @Test
    void aLeaderAloneInTheIsrAdvancesTheHighWatermarkOnEveryAppend() {
        Partition partition = topic("solo", List.of(1), List.of(1), 1, 0);
        assertThat(partition.isLeader()).isTrue();

        LogAppendInfo first = partition.appendRecordsToLeader(batch(3), (short) 1);
        assertThat(first.firstOffset()).isZero();
        assertThat(first.lastOffset()).isEqualTo(2);
        assertThat(partition.log().highWatermark()).isEqualTo(3);

        partition.appendRecordsToLeader(batch(2), (short) -1);
        assertThat(partition.log().highWatermark()).isEqualTo(5);
        assertThat(partition.log().logEndOffset()).isEqualTo(5);
    }

    @Test
    void withFlushMessagesOneTheHighWatermarkMovesOnlyOnceTheRecordsAreFsynced() throws Exception {
        UUID id = UUID.randomUUID();
        broker.apply(new TopicRecord("synced", id), new PartitionRecord(id, 0, List.of(1), List.of(1), 1, 0, 0),
                new ConfigRecord(ConfigResourceType.TOPIC, "synced", "flush.messages", "1"));
        Partition partition = broker.partition("synced", 0);

        LogAppendInfo info = partition.appendRecordsToLeader(batch(3), (short) -1);
        assertThat(partition.log().highWatermark()).isLessThanOrEqualTo(partition.log().recoveryPoint());

        info.durable().get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(partition.log().highWatermark()).isEqualTo(3));
        assertThat(partition.log().recoveryPoint()).isEqualTo(3);
    }

    @Test
    void appendsAreStampedWithTheLeaderEpoch() {
        Partition partition = topic("stamped", List.of(1), List.of(1), 1, 4);
        partition.appendRecordsToLeader(batch(1), (short) 1);
        assertThat(partition.log().latestEpoch()).isEqualTo(4);
        assertThat(partition.read(0, 1024, false).slice().size()).isPositive();
    }

    @Test
    void withOtherReplicasInTheIsrTheHighWatermarkWaits() {
        Partition partition = topic("replicated", List.of(1, 2), List.of(1, 2), 1, 0);
        partition.appendRecordsToLeader(batch(3), (short) 1);
        assertThat(partition.log().logEndOffset()).isEqualTo(3);
        assertThat(partition.log().highWatermark()).as("no follower has the data").isZero();
    }

    @Test
    void theHighWatermarkCatchesUpWhenTheIsrShrinksToTheLeader() {
        Partition partition = topic("shrinking", List.of(1, 2), List.of(1, 2), 1, 0);
        partition.appendRecordsToLeader(batch(3), (short) 1);
        UUID id = partition.topicId();
        broker.apply(new PartitionRecord(id, 0, List.of(1, 2), List.of(1), 1, 0, 1));
        assertThat(partition.log().highWatermark()).isEqualTo(3);
    }

    @Test
    void aFollowerRefusesAppends() {
        Partition partition = topic("followed", List.of(2, 1), List.of(2, 1), 2, 0);
        assertThat(partition.isLeader()).isFalse();
        assertThatThrownBy(() -> partition.appendRecordsToLeader(batch(1), (short) 1)).isInstanceOf(NotLeaderOrFollowerException.class);
        assertThat(partition.log().logEndOffset()).isZero();
    }

    @Test
    void acksAllNeedsMinInsyncReplicasInTheIsr() {
        UUID id = UUID.randomUUID();
        broker.apply(new TopicRecord("guarded", id), new PartitionRecord(id, 0, List.of(1, 2), List.of(1), 1, 0, 0),
                new ConfigRecord(ConfigResourceType.TOPIC, "guarded", "min.insync.replicas", "2"));
        Partition partition = broker.partition("guarded", 0);
        assertThat(partition.settings().minInsyncReplicas()).isEqualTo(2);

        assertThatThrownBy(() -> partition.appendRecordsToLeader(batch(1), (short) -1)).isInstanceOf(NotEnoughReplicasException.class);
        assertThat(partition.log().logEndOffset()).as("nothing was written").isZero();

        assertThat(partition.appendRecordsToLeader(batch(1), (short) 1).firstOffset()).as("acks=1 does not need the ISR").isZero();
        assertThat(partition.appendRecordsToLeader(batch(1), (short) 0).firstOffset()).isEqualTo(1);
    }

    @Test
    void minInsyncReplicasIsCappedByTheReplicationFactor() {
        UUID id = UUID.randomUUID();
        broker.apply(new TopicRecord("single", id), new PartitionRecord(id, 0, List.of(1), List.of(1), 1, 0, 0),
                new ConfigRecord(ConfigResourceType.TOPIC, "single", "min.insync.replicas", "3"));
        Partition partition = broker.partition("single", 0);

        assertThat(partition.appendRecordsToLeader(batch(1), (short) -1).firstOffset()).isZero();
    }

    @Test
    void aDuplicateIdempotentBatchIsAnsweredWithItsOriginalOffsets() {
        Partition partition = topic("idempotent", List.of(1), List.of(1), 1, 0);
        partition.appendRecordsToLeader(batch(2), (short) 1);
        LogAppendInfo original = partition.appendRecordsToLeader(idempotent(9L, 0, 3), (short) -1);

        LogAppendInfo retried = partition.appendRecordsToLeader(idempotent(9L, 0, 3), (short) -1);

        assertThat(retried.duplicate()).isTrue();
        assertThat(retried.firstOffset()).isEqualTo(original.firstOffset()).isEqualTo(2);
        assertThat(retried.lastOffset()).isEqualTo(4);
        assertThat(partition.log().logEndOffset()).isEqualTo(5);
        assertThat(partition.log().highWatermark()).isEqualTo(5);
    }

    private static ByteBuffer idempotent(long producerId, int baseSequence, int records) {
        SimpleRecord[] simple = new SimpleRecord[records];
        for (int i = 0; i < records; i++) {
            simple[i] = new SimpleRecord(System.currentTimeMillis(), null, ("v" + i).getBytes());
        }
        return MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, (short) 0, baseSequence, simple).buffer();
    }

    @Test
    void checkLeaderSkipsTheEpochCheckForMinusOne() {
        Partition partition = topic("checked", List.of(1), List.of(1), 1, 5);
        partition.checkLeader(-1);
        partition.checkLeader(5);
    }

    @Test
    void checkLeaderFencesAnOlderEpochAndDoesNotKnowANewerOne() {
        Partition partition = topic("epochs", List.of(1), List.of(1), 1, 5);
        assertThatThrownBy(() -> partition.checkLeader(4)).isInstanceOf(FencedLeaderEpochException.class);
        assertThatThrownBy(() -> partition.checkLeader(0)).isInstanceOf(FencedLeaderEpochException.class);
        assertThatThrownBy(() -> partition.checkLeader(6)).isInstanceOf(UnknownLeaderEpochException.class);
    }

    @Test
    void checkLeaderRefusesAFollowerAfterTheEpochCheck() {
        Partition partition = topic("elsewhere", List.of(2, 1), List.of(2, 1), 2, 3);
        assertThatThrownBy(() -> partition.checkLeader(-1)).isInstanceOf(NotLeaderOrFollowerException.class);
        assertThatThrownBy(() -> partition.checkLeader(3)).isInstanceOf(NotLeaderOrFollowerException.class);
        assertThatThrownBy(() -> partition.checkLeader(2)).as("the epoch is checked first").isInstanceOf(FencedLeaderEpochException.class);
        assertThatThrownBy(() -> partition.checkLeader(4)).isInstanceOf(UnknownLeaderEpochException.class);
    }

    @Test
    void checkLeaderFollowsLeadershipChanges() {
        Partition partition = topic("moving", List.of(1, 2), List.of(1, 2), 1, 0);
        partition.checkLeader(0);
        broker.apply(new PartitionRecord(partition.topicId(), 0, List.of(1, 2), List.of(1, 2), 2, 1, 1));
        assertThat(partition.isLeader()).isFalse();
        assertThat(partition.leaderEpoch()).isEqualTo(1);
        assertThatThrownBy(() -> partition.checkLeader(0)).isInstanceOf(FencedLeaderEpochException.class);
        assertThatThrownBy(() -> partition.checkLeader(1)).isInstanceOf(NotLeaderOrFollowerException.class);
    }

    @Test
    void readsStopAtTheHighWatermark() {
        Partition partition = topic("bounded", List.of(1, 2), List.of(1, 2), 1, 0);
        partition.appendRecordsToLeader(batch(3), (short) 1);
        assertThat(partition.read(0, 1 << 20, true).slice().isEmpty()).as("nothing is committed yet").isTrue();
    }
}
