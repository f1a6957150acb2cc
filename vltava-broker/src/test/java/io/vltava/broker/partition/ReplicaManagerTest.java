package io.vltava.broker.partition;

import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.broker.LocalBroker;
import io.vltava.common.topic.TopicPartition;
import io.vltava.metadata.record.ConfigRecord;
import io.vltava.metadata.record.ConfigResourceType;
import io.vltava.metadata.record.MetadataRecord;
import io.vltava.metadata.record.PartitionRecord;
import io.vltava.metadata.record.RemoveTopicRecord;
import io.vltava.metadata.record.TopicRecord;
import io.vltava.storage.epoch.LeaderEpochCache;
import io.vltava.storage.log.LogConfig;
import io.vltava.storage.log.PartitionLog;
import io.vltava.storage.log.TimestampType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicaManagerTest {

    @TempDir
    Path dir;

    private LocalBroker broker;

    @AfterEach
    void close() {
        if (broker != null) {
            broker.close();
        }
    }

    private LocalBroker open() {
        broker = LocalBroker.open(dir);
        return broker;
    }

    private List<String> entries() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void createsLogsOnlyForPartitionsAssignedHere() {
        open();
        UUID id = UUID.randomUUID();
        broker.apply(new TopicRecord("mixed", id),
                new PartitionRecord(id, 0, List.of(1), List.of(1), 1, 0, 0),
                new PartitionRecord(id, 1, List.of(2), List.of(2), 2, 0, 0),
                new PartitionRecord(id, 2, List.of(2, 1), List.of(2, 1), 2, 0, 0));

        assertThat(broker.partition("mixed", 0)).isNotNull();
        assertThat(broker.partition("mixed", 1)).isNull();
        assertThat(broker.partition("mixed", 2)).isNotNull();
        assertThat(broker.partition("mixed", 2).isLeader()).isFalse();
        assertThat(broker.logManager().log(new TopicPartition("mixed", 0))).isPresent();
        assertThat(broker.logManager().log(new TopicPartition("mixed", 1))).isEmpty();
        assertThat(broker.logManager().log(new TopicPartition("mixed", 2))).isPresent();
        assertThat(broker.partition("mixed", 0).topicId()).isEqualTo(id);
        assertThat(broker.partition("mixed", 0).log().topicId()).isEqualTo(id);
        assertThat(broker.replicaManager().partitions()).hasSize(2);
    }

    @Test
    void oneChangeCreatingManyTopicsCreatesEveryLocalReplicaWithItsEpoch() {
        open();
        List<MetadataRecord> records = new ArrayList<>();
        List<UUID> ids = new ArrayList<>();
        for (int t = 0; t < 5; t++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            records.add(new TopicRecord("many-" + t, id));
            for (int p = 0; p < 30; p++) {
                List<Integer> replicas = p % 10 == 9 ? List.of(2) : List.of(1);
                records.add(new PartitionRecord(id, p, replicas, replicas, replicas.get(0), 3, 0));
            }
        }

        broker.apply(records);

        assertThat(broker.replicaManager().partitions()).hasSize(5 * 27);
        assertThat(broker.logManager().logs()).hasSize(5 * 27);
        for (int t = 0; t < 5; t++) {
            for (int p = 0; p < 30; p++) {
                Partition partition = broker.partition("many-" + t, p);
                if (p % 10 == 9) {
                    assertThat(partition).isNull();
                    continue;
                }
                assertThat(partition.topicId()).isEqualTo(ids.get(t));
                assertThat(partition.isLeader()).isTrue();
                assertThat(partition.log().latestEpoch()).isEqualTo(3);
                assertThat(partition.log().dir().getFileName().toString()).isEqualTo("many-" + t + "-" + p);
            }
        }
        broker.append("many-4", 28, 2);
        assertThat(broker.partition("many-4", 28).log().logEndOffset()).isEqualTo(2);
    }

    @Test
    void aNewLeaderRecordsTheStartOfItsEpoch() {
        open();
        broker.createTopic("led", 1);
        Partition partition = broker.partition("led", 0);
        assertThat(partition.log().latestEpoch()).as("assigned on creation, before any write").isZero();
        broker.append("led", 0, 3);

        broker.apply(new PartitionRecord(partition.topicId(), 0, List.of(1), List.of(1), 1, 4, 1));

        assertThat(broker.partition("led", 0)).as("the same partition, updated").isSameAs(partition);
        assertThat(partition.leaderEpoch()).isEqualTo(4);
        assertThat(partition.log().latestEpoch()).isEqualTo(4);
        assertThat(partition.log().endOffsetForEpoch(0)).isEqualTo(new LeaderEpochCache.EpochEndOffset(0, 3));
        broker.append("led", 0, 2);
        assertThat(partition.log().endOffsetForEpoch(4)).isEqualTo(new LeaderEpochCache.EpochEndOffset(4, 5));
    }

    @Test
    void anEpochBumpWithAnotherLeaderAssignsNothing() {
        open();
        UUID id = UUID.randomUUID();
        broker.apply(new TopicRecord("away", id), new PartitionRecord(id, 0, List.of(1, 2), List.of(1, 2), 1, 0, 0));
        broker.apply(new PartitionRecord(id, 0, List.of(1, 2), List.of(1, 2), 2, 1, 1));
        Partition partition = broker.partition("away", 0);
        assertThat(partition.isLeader()).isFalse();
        assertThat(partition.log().latestEpoch()).isZero();
    }

    @Test
    void aPartitionMovedAwayIsRemovedWithItsLog() {
        open();
        UUID id = broker.createTopic("leaving", 1);
        Partition partition = broker.partition("leaving", 0);

        broker.apply(new PartitionRecord(id, 0, List.of(2), List.of(2), 2, 1, 1));

        assertThat(broker.partition("leaving", 0)).isNull();
        assertThat(partition.isRemoved()).isTrue();
        assertThat(broker.logManager().log(new TopicPartition("leaving", 0))).isEmpty();
    }

    @Test
    void deletingATopicRemovesItsPartitionsAndDeletesItsLogs() throws IOException {
        open();
        UUID id = broker.createTopic("doomed", 2);
        broker.createTopic("kept", 1);
        broker.append("doomed", 0, 3);
        Partition p0 = broker.partition("doomed", 0);
        Partition p1 = broker.partition("doomed", 1);

        broker.apply(new RemoveTopicRecord(id));

        assertThat(p0.isRemoved()).isTrue();
        assertThat(p1.isRemoved()).isTrue();
        assertThat(broker.partition("doomed", 0)).isNull();
        assertThat(broker.partition("doomed", 1)).isNull();
        assertThat(broker.logManager().log(new TopicPartition("doomed", 0))).isEmpty();
        assertThat(broker.partition("kept", 0).isRemoved()).isFalse();
        assertThat(entries()).contains("kept-0").doesNotContain("doomed-0", "doomed-1")
                .anySatisfy(name -> assertThat(name).startsWith("doomed-0.").endsWith("-delete"));
    }

    @Test
    void aTopicRecreatedUnderTheSameNameGetsAFreshLog() {
        open();
        UUID oldId = broker.createTopic("reborn", 1);
        broker.append("reborn", 0, 5);
        Partition old = broker.partition("reborn", 0);
        UUID newId = UUID.randomUUID();

        broker.apply(new RemoveTopicRecord(oldId), new TopicRecord("reborn", newId),
                new PartitionRecord(newId, 0, List.of(1), List.of(1), 1, 0, 0));

        Partition fresh = broker.partition("reborn", 0);
        assertThat(old.isRemoved()).isTrue();
        assertThat(fresh).isNotSameAs(old);
        assertThat(fresh.topicId()).isEqualTo(newId);
        assertThat(fresh.log().topicId()).isEqualTo(newId);
        assertThat(fresh.log().logEndOffset()).isZero();
        assertThat(broker.logManager().log(new TopicPartition("reborn", 0))).containsSame(fresh.log());
    }

    @Test
    void aPartitionRecordUnderANewTopicIdReplacesTheOldLog() {
        open();
        broker.createTopic("swapped", 1);
        broker.append("swapped", 0, 5);
        Partition old = broker.partition("swapped", 0);
        UUID newId = UUID.randomUUID();

        broker.apply(new TopicRecord("swapped", newId), new PartitionRecord(newId, 0, List.of(1), List.of(1), 1, 0, 0));

        Partition fresh = broker.partition("swapped", 0);
        assertThat(old.isRemoved()).isTrue();
        assertThat(fresh.topicId()).isEqualTo(newId);
        assertThat(fresh.log().logEndOffset()).isZero();
    }

    @Test
    void aTopicConfigChangeReachesItsLogsAndSettings() {
        open();
        broker.createTopic("tuned", 2);
        broker.createTopic("untouched", 1);
        Partition p0 = broker.partition("tuned", 0);
        Partition p1 = broker.partition("tuned", 1);
        assertThat(p0.log().config().segmentBytes()).isEqualTo(LogConfig.DEFAULT.segmentBytes());

        broker.apply(new ConfigRecord(ConfigResourceType.TOPIC, "tuned", "segment.bytes", "2097152"),
                new ConfigRecord(ConfigResourceType.TOPIC, "tuned", "message.timestamp.type", "LogAppendTime"),
                new ConfigRecord(ConfigResourceType.TOPIC, "tuned", "max.message.bytes", "5000"));

        for (Partition partition : List.of(p0, p1)) {
            assertThat(partition.log().config().segmentBytes()).isEqualTo(2_097_152);
            assertThat(partition.log().config().timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
            assertThat(partition.settings().writeRules().maxMessageBytes()).isEqualTo(5000);
            assertThat(partition.settings().writeRules().logAppendTime()).isTrue();
        }
        assertThat(broker.partition("untouched", 0).log().config().segmentBytes()).isEqualTo(LogConfig.DEFAULT.segmentBytes());

        broker.apply(new ConfigRecord(ConfigResourceType.TOPIC, "tuned", "segment.bytes", null));

        assertThat(p0.log().config().segmentBytes()).as("back to the default").isEqualTo(LogConfig.DEFAULT.segmentBytes());
        assertThat(p0.log().config().timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
    }

    @Test
    void aTopicCreatedWithConfigsStartsWithThem() {
        open();
        UUID id = UUID.randomUUID();
        broker.apply(new TopicRecord("configured", id), new PartitionRecord(id, 0, List.of(1), List.of(1), 1, 0, 0),
                new ConfigRecord(ConfigResourceType.TOPIC, "configured", "flush.messages", "1"));
        assertThat(broker.partition("configured", 0).log().config().flushMessages()).isEqualTo(1);
    }

    @Test
    void aBrokerConfigChangeIsIgnored() {
        open();
        broker.createTopic("plain", 1);
        broker.apply(new ConfigRecord(ConfigResourceType.BROKER, "1", "log.segment.bytes", "2097152"));
        assertThat(broker.partition("plain", 0).log().config().segmentBytes()).isEqualTo(LogConfig.DEFAULT.segmentBytes());
    }

    @Test
    void theFirstUpdateDeletesLogsTheMetadataDoesNotAssignHere() throws IOException {
        UUID keptId = UUID.randomUUID();
        UUID staleId = UUID.randomUUID();
        try (LocalBroker before = LocalBroker.open(dir)) {
            before.logManager().getOrCreateLog(new TopicPartition("ghost", 0), UUID.randomUUID(), LogConfig.DEFAULT);
            before.logManager().getOrCreateLog(new TopicPartition("kept", 0), keptId, LogConfig.DEFAULT);
            before.logManager().getOrCreateLog(new TopicPartition("kept", 1), keptId, LogConfig.DEFAULT);
            before.logManager().getOrCreateLog(new TopicPartition("stale", 0), staleId, LogConfig.DEFAULT);
        }
        open();
        UUID newStaleId = UUID.randomUUID();

        broker.apply(new TopicRecord("kept", keptId), new PartitionRecord(keptId, 0, List.of(1), List.of(1), 1, 0, 0),
                new TopicRecord("stale", newStaleId), new PartitionRecord(newStaleId, 0, List.of(1), List.of(1), 1, 0, 0));

        assertThat(broker.logManager().log(new TopicPartition("ghost", 0))).as("a topic the metadata does not know").isEmpty();
        assertThat(broker.logManager().log(new TopicPartition("kept", 1))).as("a partition the metadata does not have").isEmpty();
        assertThat(broker.logManager().log(new TopicPartition("kept", 0))).get().extracting(PartitionLog::topicId).isEqualTo(keptId);
        assertThat(broker.logManager().log(new TopicPartition("stale", 0))).as("a log of an older topic of the same name")
                .get().extracting(PartitionLog::topicId).isEqualTo(newStaleId);
        assertThat(entries()).contains("kept-0", "stale-0").doesNotContain("ghost-0", "kept-1");
    }

    @Test
    void onlyTheFirstUpdateLooksForStrayLogs() {
        open();
        broker.registerLocalBroker();
        PartitionLog unmanaged = broker.logManager().getOrCreateLog(new TopicPartition("later", 0), UUID.randomUUID(), LogConfig.DEFAULT);

        broker.createTopic("other", 1);

        assertThat(broker.logManager().log(new TopicPartition("later", 0))).containsSame(unmanaged);
    }

    @Test
    void aLogLeftOnDiskIsAdoptedWhenTheMetadataAssignsItUnderTheSameId() {
        UUID id = UUID.randomUUID();
        try (LocalBroker before = LocalBroker.open(dir)) {
            before.apply(new TopicRecord("durable", id), new PartitionRecord(id, 0, List.of(1), List.of(1), 1, 0, 0));
            before.append("durable", 0, 4);
        }
        open();
        broker.apply(new TopicRecord("durable", id), new PartitionRecord(id, 0, List.of(1), List.of(1), 1, 1, 1));

        Partition partition = broker.partition("durable", 0);
        assertThat(partition.log().logEndOffset()).isEqualTo(4);
        assertThat(partition.log().highWatermark()).as("the lone leader's high watermark is its log end").isEqualTo(4);
        assertThat(partition.log().endOffsetForEpoch(0)).isEqualTo(new LeaderEpochCache.EpochEndOffset(0, 4));
    }

    @Test
    void newLogsTakeTheBrokerDefaults() {
        broker = LocalBroker.open(dir, Map.of("log.segment.bytes", "2097152"));
        broker.createTopic("sized", 1);
        assertThat(broker.partition("sized", 0).log().config().segmentBytes()).as("the broker default").isEqualTo(2_097_152);
    }
}
