package io.vltava.coordinator.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.vltava.coordinator.runtime.CoordinatorRecord;
import io.vltava.coordinator.runtime.ManualShardContext;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestPartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopic;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** Offsets staged by transactional producers (TxnOffsetCommit) in one shard: invisible until their transaction commits. */
class GroupShardTxnOffsetsTest {

    private static final GroupTopics NO_TOPICS = GroupShardOffsetsTest.NO_TOPICS;
    private static final long PRODUCER = 4000L;

    private final GroupCoordinatorConfig config = GroupCoordinatorConfig.defaults();
    private final ManualShardContext context = new ManualShardContext();
    private final GroupShard shard = load(context, List.of());

    /** A shard that replayed {@code records} and loaded, as a broker (re)starting does. */
    private GroupShard load(ManualShardContext shardContext, List<CoordinatorRecord> records) {
        GroupShard loaded = new GroupShard(shardContext, config, NO_TOPICS);
        records.forEach(loaded::replay);
        loaded.onLoaded();
        return loaded;
    }

    /** A new shard rebuilt from this shard's log. */
    private GroupShard reloaded() {
        return load(new ManualShardContext(), context.log());
    }

    private static GroupRequestContext version(int apiVersion) {
        return new GroupRequestContext("client", "/127.0.0.1", (short) apiVersion);
    }

    private static TxnOffsetCommitRequestData txnCommit(String groupId, long producerId, int epoch, String topic, int partition, long offset) {
        TxnOffsetCommitRequestTopic requestTopic = new TxnOffsetCommitRequestTopic().setName(topic);
        requestTopic.partitions().add(new TxnOffsetCommitRequestPartition().setPartitionIndex(partition).setCommittedOffset(offset)
                .setCommittedLeaderEpoch(2).setCommittedMetadata("txn"));
        TxnOffsetCommitRequestData data = new TxnOffsetCommitRequestData().setTransactionalId("tx").setGroupId(groupId)
                .setProducerId(producerId).setProducerEpoch((short) epoch);
        data.topics().add(requestTopic);
        return data;
    }

    private short stage(GroupShard on, TxnOffsetCommitRequestData data) {
        return errorOf(on.txnOffsetCommit(version(5), data).join());
    }

    private static short errorOf(TxnOffsetCommitResponseData response) {
        return response.topics().get(0).partitions().get(0).errorCode();
    }

    private void commit(String groupId, String topic, int partition, long offset) {
        OffsetCommitRequestTopic requestTopic = new OffsetCommitRequestTopic().setName(topic);
        requestTopic.partitions().add(new OffsetCommitRequestPartition().setPartitionIndex(partition).setCommittedOffset(offset));
        OffsetCommitRequestData data = new OffsetCommitRequestData().setGroupId(groupId).setGenerationIdOrMemberEpoch(-1).setMemberId("");
        data.topics().add(requestTopic);
        shard.offsetCommit(version(9), data).join();
    }

    private static OffsetFetchResponsePartitions fetch(GroupShard from, String groupId, String topic, int partition, boolean requireStable) {
        OffsetFetchRequestGroup request = new OffsetFetchRequestGroup().setGroupId(groupId).setMemberEpoch(-1)
                .setTopics(List.of(new OffsetFetchRequestTopics().setName(topic).setPartitionIndexes(List.of(partition))));
        return from.offsetFetch(request, requireStable).topics().get(0).partitions().get(0);
    }

    private static long committed(GroupShard from, String groupId, String topic, int partition) {
        return fetch(from, groupId, topic, partition, false).committedOffset();
    }

    private static void complete(GroupShard on, long producerId, int epoch, boolean commit) {
        on.completeTransaction(producerId, (short) epoch, commit).join();
    }

    @Test
    void stagedOffsetsAreInvisibleUntilTheTransactionCommitsAndThenOverrideTheCommittedOne() {
        commit("g", "t", 0, 5);

        assertThat(stage(shard, txnCommit("g", PRODUCER, 0, "t", 0, 10))).isEqualTo(Errors.NONE.code());
        assertThat(committed(shard, "g", "t", 0)).isEqualTo(5);

        int logged = context.log().size();
        complete(shard, PRODUCER, 0, true);

        OffsetFetchResponsePartitions fetched = fetch(shard, "g", "t", 0, true);
        assertThat(fetched.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(fetched.committedOffset()).isEqualTo(10);
        assertThat(fetched.committedLeaderEpoch()).isEqualTo(2);
        assertThat(fetched.metadata()).isEqualTo("txn");
        List<CoordinatorRecord> written = context.log().subList(logged, context.log().size());
        assertThat(written).extracting(CoordinatorRecord::isTombstone).containsExactly(false, true);
    }

    @Test
    void anAbortDropsTheStagedOffsetsWithTombstonesOnly() {
        commit("g", "t", 0, 5);
        stage(shard, txnCommit("g", PRODUCER, 0, "t", 0, 10));
        stage(shard, txnCommit("g", PRODUCER, 0, "t", 1, 11));
        int logged = context.log().size();

        complete(shard, PRODUCER, 0, false);

        assertThat(committed(shard, "g", "t", 0)).isEqualTo(5);
        assertThat(committed(shard, "g", "t", 1)).isEqualTo(-1);
        assertThat(fetch(shard, "g", "t", 0, true).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(context.log().subList(logged, context.log().size())).hasSize(2).allMatch(CoordinatorRecord::isTombstone);
    }

    @Test
    void requireStableRefusesThePartitionsOfAnOpenTransaction() {
        commit("g", "t", 0, 5);
        commit("g", "t", 1, 6);
        stage(shard, txnCommit("g", PRODUCER, 0, "t", 0, 10));

        assertThat(fetch(shard, "g", "t", 0, false).committedOffset()).isEqualTo(5);
        OffsetFetchResponsePartitions unstable = fetch(shard, "g", "t", 0, true);
        assertThat(unstable.errorCode()).isEqualTo(Errors.UNSTABLE_OFFSET_COMMIT.code());
        assertThat(unstable.committedOffset()).isEqualTo(-1);
        assertThat(fetch(shard, "g", "t", 1, true).committedOffset()).isEqualTo(6);

        OffsetFetchResponseGroup all = shard.offsetFetch(new OffsetFetchRequestGroup().setGroupId("g").setMemberEpoch(-1).setTopics(null), true);
        assertThat(all.topics().get(0).partitions()).extracting(OffsetFetchResponsePartitions::partitionIndex, OffsetFetchResponsePartitions::errorCode)
                .containsExactly(tuple(0, Errors.UNSTABLE_OFFSET_COMMIT.code()),
                        tuple(1, Errors.NONE.code()));

        complete(shard, PRODUCER, 0, true);
        assertThat(fetch(shard, "g", "t", 0, true).committedOffset()).isEqualTo(10);
    }

    @Test
    void aRestartMidTransactionKeepsTheStagedOffsetsAndALaterCompletionCommitsThem() {
        commit("g", "t", 0, 5);
        stage(shard, txnCommit("g", PRODUCER, 3, "t", 0, 10));

        GroupShard restarted = reloaded();
        assertThat(committed(restarted, "g", "t", 0)).isEqualTo(5);
        assertThat(fetch(restarted, "g", "t", 0, true).errorCode()).isEqualTo(Errors.UNSTABLE_OFFSET_COMMIT.code());

        complete(shard, PRODUCER, 3, true);
        GroupShard afterCommit = reloaded();
        assertThat(committed(afterCommit, "g", "t", 0)).isEqualTo(10);
        assertThat(fetch(afterCommit, "g", "t", 0, true).errorCode()).isEqualTo(Errors.NONE.code());
    }

    @Test
    void aGroupKnownOnlyFromStagedOffsetsIsRestored() {
        stage(shard, txnCommit("only-staged", PRODUCER, 0, "t", 0, 10));

        assertThat(reloaded().listGroups(List.of(), List.of())).extracting(ListedGroup::groupId).containsExactly("only-staged");
    }

    @Test
    void completingTwiceOrWithNothingStagedSucceedsAndWritesNothing() {
        stage(shard, txnCommit("g", PRODUCER, 0, "t", 0, 10));
        complete(shard, PRODUCER, 0, true);
        int logged = context.log().size();

        complete(shard, PRODUCER, 0, true);
        complete(shard, PRODUCER, 0, false);
        complete(shard, 999L, 7, true);

        assertThat(context.log()).hasSize(logged);
        assertThat(committed(shard, "g", "t", 0)).isEqualTo(10);
    }

    @Test
    void aLaterEpochCompletesTheOffsetsOfAnEarlierOneAndAnEarlierEpochIsRefused() {
        stage(shard, txnCommit("g", PRODUCER, 1, "t", 0, 10));
        stage(shard, txnCommit("other", PRODUCER, 2, "t", 1, 20));

        assertThat(stage(shard, txnCommit("g", PRODUCER, 1, "t", 0, 11))).isEqualTo(Errors.INVALID_PRODUCER_EPOCH.code());
        CompletableFuture<Void> stale = shard.completeTransaction(PRODUCER, (short) 1, true);
        assertThatThrownBy(stale::join).isInstanceOf(CompletionException.class).hasCauseInstanceOf(InvalidProducerEpochException.class);
        assertThat(committed(shard, "g", "t", 0)).isEqualTo(-1);

        complete(shard, PRODUCER, 3, true);

        assertThat(committed(shard, "g", "t", 0)).isEqualTo(10);
        assertThat(committed(shard, "other", "t", 1)).isEqualTo(20);
    }

    @Test
    void aCommitWrittenAfterTheStagingWinsOverIt() {
        stage(shard, txnCommit("g", PRODUCER, 0, "t", 0, 10));
        commit("g", "t", 0, 30);

        complete(shard, PRODUCER, 0, true);

        assertThat(committed(shard, "g", "t", 0)).isEqualTo(30);
        assertThat(committed(reloaded(), "g", "t", 0)).isEqualTo(30);
    }

    @Test
    void deletingTheGroupDropsItsStagedOffsets() {
        stage(shard, txnCommit("doomed", PRODUCER, 0, "t", 0, 10));

        List<DeletableGroupResult> results = shard.deleteGroups(List.of("doomed")).join();
        assertThat(results.get(0).errorCode()).isEqualTo(Errors.NONE.code());
        complete(shard, PRODUCER, 0, true);

        assertThat(committed(shard, "doomed", "t", 0)).isEqualTo(-1);
        GroupShard restarted = reloaded();
        assertThat(committed(restarted, "doomed", "t", 0)).isEqualTo(-1);
        assertThat(restarted.listGroups(List.of(), List.of())).isEmpty();
    }

    @Test
    void offsetDeleteDropsTheStagedOffsetsOfThePartition() {
        commit("g", "t", 0, 5);
        stage(shard, txnCommit("g", PRODUCER, 0, "t", 0, 10));
        stage(shard, txnCommit("g", PRODUCER, 0, "t", 1, 11));

        shard.offsetDelete(new OffsetDeleteRequestData().setGroupId("g").setTopics(new OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection(
                List.of(new OffsetDeleteRequestTopic().setName("t").setPartitions(List.of(new OffsetDeleteRequestPartition().setPartitionIndex(0))))
                        .iterator()))).join();
        assertThat(fetch(shard, "g", "t", 0, true).errorCode()).isEqualTo(Errors.NONE.code());
        complete(shard, PRODUCER, 0, true);

        assertThat(committed(shard, "g", "t", 0)).isEqualTo(-1);
        assertThat(committed(shard, "g", "t", 1)).isEqualTo(11);
        assertThat(committed(reloaded(), "g", "t", 0)).isEqualTo(-1);
    }

    @Test
    void retentionKeepsOffsetsAndGroupsWithStagedOffsets() {
        commit("idle", "t", 0, 5);
        stage(shard, txnCommit("idle", PRODUCER, 0, "t", 0, 10));
        stage(shard, txnCommit("staged-only", PRODUCER, 0, "t", 0, 10));

        context.advance(config.offsetsRetentionMs() + 2 * config.offsetsRetentionCheckIntervalMs());

        assertThat(committed(shard, "idle", "t", 0)).isEqualTo(5);
        assertThat(shard.listGroups(List.of(), List.of())).extracting(ListedGroup::groupId)
                .containsExactlyInAnyOrder("idle", "staged-only");

        complete(shard, PRODUCER, 0, false);
        context.advance(config.offsetsRetentionMs() + 2 * config.offsetsRetentionCheckIntervalMs());
        assertThat(committed(shard, "idle", "t", 0)).isEqualTo(-1);
        assertThat(shard.listGroups(List.of(), List.of())).isEmpty();
    }

    @Test
    void aGenerationForAGroupThatDoesNotExistIsIllegal() {
        TxnOffsetCommitRequestData data = txnCommit("ghost", PRODUCER, 0, "t", 0, 10).setGenerationIdOrMemberEpoch(1).setMemberId("m");

        assertThat(stage(shard, data)).isEqualTo(Errors.ILLEGAL_GENERATION.code());
        assertThat(context.log()).isEmpty();
    }

    @Test
    void anEmptyGroupIdIsInvalid() {
        assertThat(stage(shard, txnCommit("", PRODUCER, 0, "t", 0, 10))).isEqualTo(Errors.INVALID_GROUP_ID.code());
    }

    @Test
    void metadataOverTheLimitIsRefusedPerPartition() {
        TxnOffsetCommitRequestData data = txnCommit("g", PRODUCER, 0, "t", 0, 10);
        data.topics().get(0).partitions().add(new TxnOffsetCommitRequestPartition().setPartitionIndex(1).setCommittedOffset(3)
                .setCommittedMetadata("x".repeat(config.offsetMetadataMaxBytes() + 1)));

        TxnOffsetCommitResponseData response = shard.txnOffsetCommit(version(3), data).join();

        assertThat(response.topics().get(0).partitions()).extracting(TxnOffsetCommitResponsePartition::errorCode)
                .containsExactly(Errors.NONE.code(), Errors.OFFSET_METADATA_TOO_LARGE.code());
        assertThat(context.log()).hasSize(1);
    }

    @Test
    void membersOfAClassicGroupAreCheckedAndAProducerOutsideTheGroupIsAccepted() {
        JoinGroupRequestData join = new JoinGroupRequestData().setGroupId("classic").setMemberId("").setGroupInstanceId("static-1")
                .setProtocolType("consumer").setSessionTimeoutMs(10_000).setRebalanceTimeoutMs(10_000);
        join.protocols().add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range").setMetadata(new byte[0]));
        CompletableFuture<JoinGroupResponseData> joined = shard.joinGroup(version(5), join);
        context.advance(config.initialRebalanceDelayMs() + 1);
        JoinGroupResponseData member = joined.join();
        assertThat(member.errorCode()).isEqualTo(Errors.NONE.code());
        String memberId = member.memberId();
        int generation = member.generationId();

        assertThat(stage(shard, txnCommit("classic", PRODUCER, 0, "t", 0, 1).setMemberId(memberId).setGenerationIdOrMemberEpoch(generation)
                .setGroupInstanceId("static-1"))).isEqualTo(Errors.NONE.code());
        assertThat(stage(shard, txnCommit("classic", PRODUCER, 0, "t", 0, 1).setMemberId(memberId)
                .setGenerationIdOrMemberEpoch(generation + 1))).isEqualTo(Errors.ILLEGAL_GENERATION.code());
        assertThat(stage(shard, txnCommit("classic", PRODUCER, 0, "t", 0, 1).setMemberId("stranger")
                .setGenerationIdOrMemberEpoch(generation))).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(stage(shard, txnCommit("classic", PRODUCER, 0, "t", 0, 1).setMemberId("stranger")
                .setGenerationIdOrMemberEpoch(generation).setGroupInstanceId("static-1"))).isEqualTo(Errors.FENCED_INSTANCE_ID.code());
        assertThat(errorOf(shard.txnOffsetCommit(version(2), txnCommit("classic", PRODUCER, 0, "t", 0, 2)).join()))
                .as("v0-2 name no member").isEqualTo(Errors.NONE.code());
    }

    @Test
    void aStaleMemberEpochOfAConsumerGroupIsAnIllegalGeneration() {
        String memberId = UUID.randomUUID().toString();
        ConsumerGroupHeartbeatResponseData joined = shard.consumerGroupHeartbeat(version(1), new ConsumerGroupHeartbeatRequestData()
                .setGroupId("kip848").setMemberId(memberId).setMemberEpoch(0).setRebalanceTimeoutMs(30_000)
                .setSubscribedTopicNames(List.of("t")).setTopicPartitions(List.of())).join();
        assertThat(joined.errorCode()).isEqualTo(Errors.NONE.code());
        int epoch = joined.memberEpoch();

        assertThat(stage(shard, txnCommit("kip848", PRODUCER, 0, "t", 0, 1).setMemberId(memberId)
                .setGenerationIdOrMemberEpoch(epoch + 5))).isEqualTo(Errors.ILLEGAL_GENERATION.code());
        assertThat(stage(shard, txnCommit("kip848", PRODUCER, 0, "t", 0, 1).setMemberId("stranger")
                .setGenerationIdOrMemberEpoch(epoch))).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(stage(shard, txnCommit("kip848", PRODUCER, 0, "t", 0, 1).setMemberId(memberId)
                .setGenerationIdOrMemberEpoch(epoch))).isEqualTo(Errors.NONE.code());
        assertThat(stage(shard, txnCommit("kip848", PRODUCER, 0, "t", 0, 2))).as("no member named").isEqualTo(Errors.NONE.code());
    }
}
