package io.vltava.broker.api;

import io.vltava.broker.fetch.FetchPartitionKey;
import io.vltava.broker.fetch.FetchSession;
import io.vltava.broker.fetch.FetchSessionCache;
import io.vltava.broker.fetch.FetchTarget;
import io.vltava.broker.fetch.FetchedPartition;
import io.vltava.broker.partition.DelayedFetch;
import io.vltava.broker.partition.Partition;
import io.vltava.broker.partition.ReplicaManager;
import io.vltava.broker.quota.ClientQuotaManager;
import io.vltava.common.time.Time;
import io.vltava.common.topic.TopicPartition;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.image.TopicImage;
import io.vltava.network.RequestContext;
import io.vltava.protocol.records.LogSliceRecords;
import io.vltava.storage.epoch.LeaderEpochCache;
import io.vltava.storage.index.AbortedTransaction;
import io.vltava.storage.log.FetchIsolation;
import io.vltava.storage.log.LogOffsetOutOfRangeException;
import io.vltava.storage.log.LogReadInfo;
import io.vltava.storage.log.LogSlice;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchRequestData.FetchPartition;
import org.apache.kafka.common.message.FetchRequestData.FetchTopic;
import org.apache.kafka.common.message.FetchRequestData.ForgottenTopic;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchRequest;

/**
 * Fetch for consumers: reads each partition up to its high watermark, as slices of the segment files
 * that go out with {@code sendfile}; waits (up to {@code max.wait.ms}) when less than
 * {@code min.bytes} is available; keeps incremental fetch sessions (KIP-227).
 *
 * <p>Byte limits: each partition gets at most its {@code partition_max_bytes} and the response at most
 * {@code max_bytes} (capped by the broker's {@code fetch.max.bytes}), except that the first partition
 * with data always returns at least one whole batch.
 *
 * <p>With a {@code consumer_byte_rate} quota, a fetch reads at most what the quota allows in one quota
 * window, and the bytes it returns count against the client's rate when it answers. A fetch that takes
 * the client over its quota is answered at once with no data and the throttle time (its bytes are not
 * counted, as it returned none), and its connection is not read for that long (KIP-219).
 *
 * <p>Followers are not served yet: a fetch from a replica gets NOT_LEADER_OR_FOLLOWER.
 *
 * <p>Threading: runs on the consumer's event loop; a waiting fetch reads again on that loop, and only
 * then creates the session of a full fetch or records in its session what it sends (the session's
 * epoch check and the request's changes happen at once).
 */
public final class FetchHandler implements ApiHandler<FetchRequest> {

    /** The request's isolation level for read_committed (IsolationLevel.READ_COMMITTED). */
    private static final byte READ_COMMITTED = 1;

    private final ReplicaManager replicaManager;
    private final Supplier<MetadataImage> image;
    private final FetchSessionCache sessions;
    private final int brokerMaxBytes;
    private final BrokerTopicMetrics topicMetrics;
    private final ClientQuotaManager quotas;
    private final Time time;

    public FetchHandler(ReplicaManager replicaManager, Supplier<MetadataImage> image, FetchSessionCache sessions, int brokerMaxBytes,
                        BrokerTopicMetrics topicMetrics, ClientQuotaManager quotas, Time time) {
        this.replicaManager = replicaManager;
        this.image = image;
        this.sessions = sessions;
        this.brokerMaxBytes = brokerMaxBytes;
        this.topicMetrics = topicMetrics;
        this.quotas = quotas;
        this.time = time;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.FETCH;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, FetchRequest request) {
        FetchRequestData data = request.data();
        short version = request.version();
        MetadataImage current = image.get();
        List<FetchTarget> requested = requestedTargets(data, version, current);
        boolean follower = request.replicaId() >= 0;
        int sessionId = version >= 7 ? data.sessionId() : 0;
        int epoch = version >= 7 ? data.sessionEpoch() : FetchSession.FINAL_EPOCH;

        FetchPlan plan;
        if (follower || sessionId == 0 && epoch == FetchSession.FINAL_EPOCH) {
            plan = FetchPlan.sessionless(requested);
        } else if (epoch == FetchSession.INITIAL_EPOCH) {
            if (sessionId != 0) {
                sessions.remove(sessionId);
            }
            plan = FetchPlan.full(requested, version >= 13);
        } else if (epoch == FetchSession.FINAL_EPOCH) {
            sessions.remove(sessionId);
            plan = FetchPlan.sessionless(requested);
        } else {
            FetchSession session = sessions.get(sessionId);
            if (session == null) {
                return sessionError(Errors.FETCH_SESSION_ID_NOT_FOUND);
            }
            if (session.usesTopicIds() != (version >= 13)) {
                return sessionError(Errors.FETCH_SESSION_TOPIC_ID_ERROR);
            }
            if (!sessions.update(session, epoch, requested, forgottenKeys(data, version, current))) {
                return sessionError(Errors.INVALID_FETCH_SESSION_EPOCH);
            }
            List<FetchTarget> targets = session.targets();
            if (targets.isEmpty()) {
                sessions.remove(sessionId);
                plan = FetchPlan.sessionless(targets);
            } else {
                plan = FetchPlan.incremental(session, targets);
            }
        }

        int maxBytes = Math.min(Math.min(data.maxBytes(), brokerMaxBytes), follower || !quotas.enabled() ? Integer.MAX_VALUE
                : quotas.maxValueInQuotaWindow(ClientQuotaManager.ANONYMOUS, context.clientId(), time.milliseconds()));
        int minBytes = Math.min(data.minBytes(), maxBytes);
        FetchIsolation isolation = data.isolationLevel() == READ_COMMITTED ? FetchIsolation.TXN_COMMITTED : FetchIsolation.HIGH_WATERMARK;
        List<FetchedPartition> results = follower ? notServedToFollowers(plan.targets) : read(plan.targets, maxBytes, isolation);
        if (data.maxWaitMs() <= 0 || totalBytes(results) >= minBytes || hasErrors(results) || results.isEmpty()) {
            return CompletableFuture.completedFuture(answer(context, follower, plan, results, version, data));
        }
        CompletableFuture<ApiMessage> response = new CompletableFuture<>();
        List<DelayedFetch.Watch> watches = new ArrayList<>();
        for (FetchedPartition result : results) {
            Partition partition = replicaManager.partition(topicPartition(result.target()));
            if (partition != null && result.position() != null) {
                watches.add(new DelayedFetch.Watch(partition, result.position(), result.target().maxBytes(), isolation));
            }
        }
        DelayedFetch.park(watches, minBytes, data.maxWaitMs(), context.eventLoop(), () -> {
            try {
                response.complete(answer(context, follower, plan, read(plan.targets, maxBytes, isolation), version, data));
            } catch (RuntimeException e) {
                response.completeExceptionally(e);
            }
        });
        return response;
    }

    /** Reads the targets in order, sharing {@code maxBytes}; the first with data gets at least one batch. */
    private List<FetchedPartition> read(List<FetchTarget> targets, int maxBytes, FetchIsolation isolation) {
        List<FetchedPartition> interesting = new ArrayList<>(targets.size());
        List<FetchedPartition> erroneous = new ArrayList<>(0);
        int remaining = maxBytes;
        boolean minOneBatch = true;
        MetadataImage current = image.get();
        for (FetchTarget target : targets) {
            FetchPartitionKey key = target.key();
            if (key.topic() == null) {
                erroneous.add(FetchedPartition.error(target, Errors.UNKNOWN_TOPIC_ID));
                continue;
            }
            if (!current.topics().hasPartition(key.topic(), key.partition())) {
                erroneous.add(FetchedPartition.error(target, Errors.UNKNOWN_TOPIC_OR_PARTITION));
                continue;
            }
            FetchedPartition result = readPartition(target, Math.min(target.maxBytes(), remaining), minOneBatch, isolation);
            if (result.bytes() > 0) {
                minOneBatch = false;
                remaining = Math.max(0, remaining - result.bytes());
            }
            interesting.add(result);
        }
        interesting.addAll(erroneous);
        return interesting;
    }

    private FetchedPartition readPartition(FetchTarget target, int limit, boolean minOneBatch, FetchIsolation isolation) {
        Partition partition = replicaManager.partition(topicPartition(target));
        if (partition == null) {
            return FetchedPartition.error(target, Errors.NOT_LEADER_OR_FOLLOWER);
        }
        if (target.key().topicId() != null && !target.key().topicId().equals(partition.topicId())) {
            return FetchedPartition.error(target, Errors.INCONSISTENT_TOPIC_ID);
        }
        try {
            partition.checkLeader(target.currentLeaderEpoch());
            if (target.lastFetchedEpoch() >= 0) {
                FetchedPartition diverging = checkDivergence(partition, target);
                if (diverging != null) {
                    return diverging;
                }
            }
            LogReadInfo info = partition.read(target.fetchOffset(), limit, minOneBatch, isolation);
            return new FetchedPartition(target, Errors.NONE, info.highWatermark(), info.logStartOffset(), recordsOf(info.slice()), -1, -1,
                    info.fetchOffset(), info.lastStableOffset(), info.abortedTransactions());
        } catch (LogOffsetOutOfRangeException e) {
            return FetchedPartition.error(target, Errors.OFFSET_OUT_OF_RANGE);
        } catch (ApiException e) {
            return FetchedPartition.error(target, Errors.forException(e));
        } catch (RuntimeException e) {
            // Unexpected (an I/O error, a bug): this partition fails, the others are still read.
            return FetchedPartition.error(target, PartitionFailures.toKafka("Fetch", target.key().topic(), target.key().partition(), e));
        }
    }

    /** For a fetch that names the epoch of its last batch: whether its log diverged from ours. */
    private static FetchedPartition checkDivergence(Partition partition, FetchTarget target) {
        LeaderEpochCache.EpochEndOffset end = partition.log().endOffsetForEpoch(target.lastFetchedEpoch());
        if (end.epoch() == LeaderEpochCache.UNDEFINED_EPOCH || end.endOffset() == LeaderEpochCache.UNDEFINED_EPOCH_OFFSET
                || target.fetchOffset() < partition.log().logStartOffset()) {
            return FetchedPartition.error(target, Errors.OFFSET_OUT_OF_RANGE);
        }
        if (end.epoch() < target.lastFetchedEpoch() || end.endOffset() < target.fetchOffset()) {
            return new FetchedPartition(target, Errors.NONE, partition.log().highWatermark(), partition.log().logStartOffset(),
                    LogSliceRecords.EMPTY, end.epoch(), end.endOffset(), null, partition.log().lastStableOffset(), null);
        }
        return null;
    }

    private static LogSliceRecords recordsOf(LogSlice slice) {
        return slice.isEmpty() ? LogSliceRecords.EMPTY : new LogSliceRecords(slice.channel(), slice.position(), slice.size());
    }

    private static List<FetchedPartition> notServedToFollowers(List<FetchTarget> targets) {
        List<FetchedPartition> results = new ArrayList<>(targets.size());
        for (FetchTarget target : targets) {
            results.add(FetchedPartition.error(target, target.currentLeaderEpoch() >= 0 ? Errors.UNKNOWN_LEADER_EPOCH : Errors.NOT_LEADER_OR_FOLLOWER));
        }
        return results;
    }

    /** The response to a fetch that read {@code results}: empty, with the throttle time, if they would take the client over its quota. */
    private FetchResponseData answer(RequestContext context, boolean follower, FetchPlan plan, List<FetchedPartition> results, short version,
                                     FetchRequestData data) {
        if (!follower && quotas.enabled()) {
            int bytes = totalBytes(results);
            long now = time.milliseconds();
            int throttleTimeMs = quotas.recordAndGetThrottleTimeMs(ClientQuotaManager.ANONYMOUS, context.clientId(), bytes, now);
            if (throttleTimeMs > 0) {
                quotas.unrecord(ClientQuotaManager.ANONYMOUS, context.clientId(), bytes, now);
                context.muter().muteFor(throttleTimeMs);
                return new FetchResponseData().setErrorCode(Errors.NONE.code()).setThrottleTimeMs(throttleTimeMs)
                        .setSessionId(plan.session == null ? 0 : plan.session.id());
            }
        }
        return respond(plan, results, version, data);
    }

    private FetchResponseData respond(FetchPlan plan, List<FetchedPartition> results, short version, FetchRequestData data) {
        for (FetchedPartition result : results) {
            String topic = result.target().key().topic();
            if (topic != null) {
                topicMetrics.recordFetch(topic, result.error() != Errors.NONE, result.bytes());
            }
        }
        FetchResponseData response = new FetchResponseData().setErrorCode(Errors.NONE.code());
        List<FetchedPartition> included = results;
        if (plan.session != null) {
            included = plan.session.selectUpdates(results);
            response.setSessionId(plan.session.id());
        } else if (plan.createSession) {
            FetchSession created = sessions.create(plan.usesTopicIds, results);
            response.setSessionId(created == null ? 0 : created.id());
        } else {
            response.setSessionId(0);
        }
        boolean readCommitted = data.isolationLevel() == READ_COMMITTED;
        FetchableTopicResponse topic = null;
        for (FetchedPartition result : included) {
            FetchPartitionKey key = result.target().key();
            if (topic == null || !sameTopic(topic, key, version)) {
                topic = new FetchableTopicResponse().setTopic(key.topic()).setTopicId(TopicIds.toKafka(key.topicId()));
                response.responses().add(topic);
            }
            topic.partitions().add(partitionData(result, readCommitted));
        }
        return response;
    }

    private static boolean sameTopic(FetchableTopicResponse topic, FetchPartitionKey key, short version) {
        return version >= 13 ? topic.topicId().equals(TopicIds.toKafka(key.topicId())) : Objects.equals(topic.topic(), key.topic());
    }

    private static PartitionData partitionData(FetchedPartition result, boolean readCommitted) {
        PartitionData data = new PartitionData()
                .setPartitionIndex(result.target().key().partition())
                .setErrorCode(result.error().code())
                .setHighWatermark(result.highWatermark())
                .setLastStableOffset(result.lastStableOffset())
                .setLogStartOffset(result.logStartOffset())
                .setPreferredReadReplica(-1)
                .setRecords(result.records());
        data.setAbortedTransactions(readCommitted && result.error() == Errors.NONE ? abortedTransactions(result.abortedTransactions()) : null);
        if (result.divergingEpoch() >= 0) {
            data.divergingEpoch().setEpoch(result.divergingEpoch()).setEndOffset(result.divergingEndOffset());
        }
        return data;
    }

    private static List<FetchResponseData.AbortedTransaction> abortedTransactions(List<AbortedTransaction> aborted) {
        List<FetchResponseData.AbortedTransaction> wire = new ArrayList<>(aborted == null ? 0 : aborted.size());
        if (aborted != null) {
            for (AbortedTransaction transaction : aborted) {
                wire.add(new FetchResponseData.AbortedTransaction().setProducerId(transaction.producerId())
                        .setFirstOffset(transaction.firstOffset()));
            }
        }
        return wire;
    }

    private static CompletableFuture<ApiMessage> sessionError(Errors error) {
        return CompletableFuture.completedFuture(new FetchResponseData().setErrorCode(error.code()).setSessionId(0));
    }

    private static List<FetchTarget> requestedTargets(FetchRequestData data, short version, MetadataImage current) {
        List<FetchTarget> targets = new ArrayList<>();
        for (FetchTopic topic : data.topics()) {
            FetchPartitionKey base = keyOf(topic.topic(), topic.topicId(), version, current, 0);
            for (FetchPartition partition : topic.partitions()) {
                targets.add(new FetchTarget(new FetchPartitionKey(base.topicId(), base.topic(), partition.partition()), partition.fetchOffset(),
                        partition.partitionMaxBytes(), partition.currentLeaderEpoch(), partition.lastFetchedEpoch()));
            }
        }
        return targets;
    }

    private static List<FetchPartitionKey> forgottenKeys(FetchRequestData data, short version, MetadataImage current) {
        List<FetchPartitionKey> keys = new ArrayList<>();
        for (ForgottenTopic topic : data.forgottenTopicsData()) {
            for (int partition : topic.partitions()) {
                keys.add(keyOf(topic.topic(), topic.topicId(), version, current, partition));
            }
        }
        return keys;
    }

    /** The session key of a topic partition: by id from v13 (resolving the name), else by name. */
    private static FetchPartitionKey keyOf(String name, Uuid id, short version, MetadataImage current, int partition) {
        if (version >= 13) {
            UUID topicId = TopicIds.fromKafka(id);
            TopicImage topic = topicId == null ? null : current.topics().get(topicId);
            return new FetchPartitionKey(topicId == null ? new UUID(0, 0) : topicId, topic == null ? null : topic.name(), partition);
        }
        return new FetchPartitionKey(null, name, partition);
    }

    private static TopicPartition topicPartition(FetchTarget target) {
        return new TopicPartition(target.key().topic(), target.key().partition());
    }

    private static int totalBytes(List<FetchedPartition> results) {
        int total = 0;
        for (FetchedPartition result : results) {
            total += result.bytes();
        }
        return total;
    }

    private static boolean hasErrors(List<FetchedPartition> results) {
        for (FetchedPartition result : results) {
            if (result.error() != Errors.NONE || result.divergingEpoch() >= 0) {
                return true;
            }
        }
        return false;
    }

    /** Which partitions a fetch reads, in which order, and which session (if any) it belongs to. */
    private record FetchPlan(List<FetchTarget> targets, FetchSession session, boolean createSession, boolean usesTopicIds) {

        static FetchPlan sessionless(List<FetchTarget> targets) {
            return new FetchPlan(targets, null, false, false);
        }

        static FetchPlan full(List<FetchTarget> targets, boolean usesTopicIds) {
            return new FetchPlan(targets, null, true, usesTopicIds);
        }

        static FetchPlan incremental(FetchSession session, List<FetchTarget> targets) {
            return new FetchPlan(targets, session, false, session.usesTopicIds());
        }
    }
}
