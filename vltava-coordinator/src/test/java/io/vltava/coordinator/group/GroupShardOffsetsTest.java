package io.vltava.coordinator.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.vltava.common.topic.TopicPartition;
import io.vltava.coordinator.group.assignor.AssignmentTopic;
import io.vltava.coordinator.runtime.CoordinatorRecord;
import io.vltava.coordinator.runtime.ManualShardContext;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestPartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** Committed offsets in one shard: commits, fetches, deletes, retention, and rebuilding them from the records. */
class GroupShardOffsetsTest {

    /** Topics no test here needs: every group test of a shard uses these. */
    static final GroupTopics NO_TOPICS = new GroupTopics() {
        @Override
        public AssignmentTopic topic(String name) {
            return null;
        }

        @Override
        public Collection<String> topicNames() {
            return List.of();
        }

        @Override
        public long version() {
            return 0;
        }
    };

    private final GroupCoordinatorConfig config = GroupCoordinatorConfig.defaults();
    private final ManualShardContext context = new ManualShardContext();
    private final GroupShard shard = loaded(context);

    private GroupShard loaded(ManualShardContext shardContext) {
        GroupShard loaded = new GroupShard(shardContext, config, NO_TOPICS);
        loaded.onLoaded();
        return loaded;
    }

    private static OffsetCommitRequestData commit(String groupId, int generation, String topic, int partition, long offset, String metadata) {
        OffsetCommitRequestTopic requestTopic = new OffsetCommitRequestTopic().setName(topic);
        requestTopic.partitions().add(new OffsetCommitRequestPartition().setPartitionIndex(partition).setCommittedOffset(offset)
                .setCommittedLeaderEpoch(3).setCommittedMetadata(metadata));
        OffsetCommitRequestData data = new OffsetCommitRequestData().setGroupId(groupId).setGenerationIdOrMemberEpoch(generation)
                .setMemberId(generation < 0 ? "" : "someone");
        data.topics().add(requestTopic);
        return data;
    }

    private static GroupRequestContext version(int apiVersion) {
        return new GroupRequestContext("client", "/127.0.0.1", (short) apiVersion);
    }

    private OffsetFetchResponsePartitions fetch(GroupShard from, String groupId, String topic, int partition) {
        OffsetFetchRequestGroup request = new OffsetFetchRequestGroup().setGroupId(groupId).setMemberEpoch(-1)
                .setTopics(List.of(new OffsetFetchRequestTopics().setName(topic).setPartitionIndexes(List.of(partition))));
        return from.offsetFetch(request, false).topics().get(0).partitions().get(0);
    }

    private static short errorOf(OffsetCommitResponseData response) {
        return response.topics().get(0).partitions().get(0).errorCode();
    }

    @Test
    void aCommitFromOutsideAnyGroupIsStoredAndFetched() {
        OffsetCommitResponseData response = shard.offsetCommit(version(9), commit("g", -1, "t", 2, 42, "note")).join();

        assertThat(errorOf(response)).isEqualTo(Errors.NONE.code());
        OffsetFetchResponsePartitions fetched = fetch(shard, "g", "t", 2);
        assertThat(fetched.committedOffset()).isEqualTo(42);
        assertThat(fetched.committedLeaderEpoch()).isEqualTo(3);
        assertThat(fetched.metadata()).isEqualTo("note");
        assertThat(fetch(shard, "g", "t", 1).committedOffset()).isEqualTo(-1);
        assertThat(shard.listGroups(List.of(), List.of())).extracting(ListedGroup::groupId, ListedGroup::groupState, ListedGroup::groupType)
                .containsExactly(tuple("g", "Empty", "classic"));
    }

    @Test
    void everyGroupsCommittedOffsetsAreListedForTheMetrics() {
        shard.offsetCommit(version(9), commit("g", -1, "t", 2, 42, "")).join();
        shard.offsetCommit(version(9), commit("g", -1, "t", 0, 7, "")).join();
        shard.offsetCommit(version(9), commit("h", -1, "u", 1, 5, "")).join();

        assertThat(shard.committedOffsets()).isEqualTo(Map.of(
                "g", Map.of(new TopicPartition("t", 2), 42L, new TopicPartition("t", 0), 7L),
                "h", Map.of(new TopicPartition("u", 1), 5L)));
    }

    @Test
    void aMemberCommitToAnUnknownGroupIsRefused() {
        assertThat(errorOf(shard.offsetCommit(version(8), commit("ghost", 1, "t", 0, 1, "")).join()))
                .isEqualTo(Errors.ILLEGAL_GENERATION.code());
        assertThat(errorOf(shard.offsetCommit(version(9), commit("ghost", 1, "t", 0, 1, "")).join()))
                .isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        assertThat(context.log()).isEmpty();
    }

    @Test
    void metadataOverTheLimitIsRefusedAndNothingIsWritten() {
        OffsetCommitResponseData response = shard.offsetCommit(version(9), commit("g", -1, "t", 0, 1, "x".repeat(4097))).join();

        assertThat(errorOf(response)).isEqualTo(Errors.OFFSET_METADATA_TOO_LARGE.code());
        assertThat(context.log()).isEmpty();
    }

    @Test
    void aFailedWriteFailsTheCommit() {
        context.holdAppends();
        CompletableFuture<OffsetCommitResponseData> commit = shard.offsetCommit(version(9), commit("g", -1, "t", 0, 1, ""));
        context.failHeld();
        OffsetCommitResponseData response = commit.join();

        assertThat(errorOf(response)).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE.code());
    }

    @Test
    void theRecordsRebuildTheOffsetsAndGroups() {
        shard.offsetCommit(version(9), commit("a", -1, "t", 0, 10, "x")).join();
        shard.offsetCommit(version(9), commit("a", -1, "t", 0, 11, "y")).join();
        shard.offsetCommit(version(9), commit("b", -1, "u", 5, 7, "")).join();
        shard.offsetDelete(new OffsetDeleteRequestData().setGroupId("b").setTopics(new OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection(
                List.of(new OffsetDeleteRequestTopic().setName("u").setPartitions(List.of(new OffsetDeleteRequestPartition().setPartitionIndex(5))))
                        .iterator()))).join();

        ManualShardContext reloadContext = new ManualShardContext();
        GroupShard reloaded = new GroupShard(reloadContext, config, NO_TOPICS);
        for (CoordinatorRecord record : context.log()) {
            reloaded.replay(record);
        }
        reloaded.onLoaded();

        assertThat(fetch(reloaded, "a", "t", 0).committedOffset()).isEqualTo(11);
        assertThat(fetch(reloaded, "a", "t", 0).metadata()).isEqualTo("y");
        assertThat(fetch(reloaded, "b", "u", 5).committedOffset()).isEqualTo(-1);
        assertThat(reloaded.listGroups(List.of(), List.of())).extracting(ListedGroup::groupId).containsExactly("a");
    }

    @Test
    void deletingAGroupDeletesItsOffsets() {
        shard.offsetCommit(version(9), commit("doomed", -1, "t", 0, 10, "")).join();

        List<DeletableGroupResult> results = shard.deleteGroups(List.of("doomed", "unknown")).join();

        assertThat(results).extracting(DeletableGroupResult::errorCode).containsExactly(Errors.NONE.code(), Errors.GROUP_ID_NOT_FOUND.code());
        assertThat(fetch(shard, "doomed", "t", 0).committedOffset()).isEqualTo(-1);
        assertThat(context.log().get(context.log().size() - 1).isTombstone()).isTrue();
        assertThatThrownBy(() -> shard.offsetDelete(new OffsetDeleteRequestData().setGroupId("doomed")))
                .isInstanceOf(GroupIdNotFoundException.class);
    }

    @Test
    void offsetsOfAGroupOfOtherMembersThanConsumersCannotBeDeletedWhileItHasMembers() {
        JoinGroupRequestData join = new JoinGroupRequestData().setGroupId("workers").setMemberId("").setProtocolType("connect")
                .setSessionTimeoutMs(10_000).setRebalanceTimeoutMs(10_000);
        join.protocols().add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("default").setMetadata(new byte[0]));
        shard.joinGroup(version(3), join);

        assertThatThrownBy(() -> shard.offsetDelete(new OffsetDeleteRequestData().setGroupId("workers")))
                .isInstanceOf(GroupNotEmptyException.class);
    }

    @Test
    void offsetsOfAnEmptyGroupExpireAfterTheRetentionAndTheGroupGoes() {
        shard.offsetCommit(version(9), commit("idle", -1, "t", 0, 10, "")).join();
        context.advance(config.offsetsRetentionMs() - config.offsetsRetentionCheckIntervalMs());
        assertThat(fetch(shard, "idle", "t", 0).committedOffset()).isEqualTo(10);

        context.advance(2 * config.offsetsRetentionCheckIntervalMs());

        assertThat(fetch(shard, "idle", "t", 0).committedOffset()).isEqualTo(-1);
        assertThat(shard.listGroups(List.of(), List.of())).isEmpty();
        assertThat(context.log().get(context.log().size() - 1).isTombstone()).isTrue();
    }

    @Test
    void anOldClientsRetentionTimeExpiresItsOffsetEarly() {
        OffsetCommitRequestData data = commit("short", -1, "t", 0, 10, "").setRetentionTimeMs(1000);
        shard.offsetCommit(version(2), data).join();

        context.advance(config.offsetsRetentionCheckIntervalMs());

        assertThat(fetch(shard, "short", "t", 0).committedOffset()).isEqualTo(-1);
    }

    @Test
    void groupsAreListedByStateAndType() {
        shard.offsetCommit(version(9), commit("g", -1, "t", 0, 1, "")).join();

        assertThat(shard.listGroups(List.of("EMPTY"), List.of())).hasSize(1);
        assertThat(shard.listGroups(List.of("Stable"), List.of())).isEmpty();
        assertThat(shard.listGroups(List.of(), List.of("Consumer"))).isEmpty();
        assertThat(shard.listGroups(List.of(), List.of("classic"))).hasSize(1);
    }

    @Test
    void fetchingAllOffsetsOfAGroupListsThemByTopic() {
        shard.offsetCommit(version(9), commit("g", -1, "t", 1, 5, "")).join();
        shard.offsetCommit(version(9), commit("g", -1, "t", 0, 4, "")).join();
        shard.offsetCommit(version(9), commit("g", -1, "s", 0, 3, "")).join();

        OffsetFetchResponseGroup all = shard.offsetFetch(new OffsetFetchRequestGroup().setGroupId("g").setMemberEpoch(-1).setTopics(null), false);

        assertThat(all.topics()).extracting(topic -> topic.name()).containsExactly("s", "t");
        assertThat(all.topics().get(1).partitions()).extracting(OffsetFetchResponsePartitions::committedOffset).containsExactly(4L, 5L);
    }
}
