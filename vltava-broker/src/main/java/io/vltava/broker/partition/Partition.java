package io.vltava.broker.partition;

import io.vltava.broker.config.TopicSettings;
import io.vltava.common.topic.TopicPartition;
import io.vltava.metadata.image.PartitionRegistration;
import io.vltava.storage.log.FetchIsolation;
import io.vltava.storage.log.LogAppendInfo;
import io.vltava.storage.log.LogOffsetOutOfRangeException;
import io.vltava.storage.log.LogReadInfo;
import io.vltava.storage.log.PartitionLog;
import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;

/**
 * A partition this broker holds a replica of: its log, its registration in the metadata (replicas,
 * ISR, leader and leader epoch), its topic's settings, and the fetches waiting for it to grow.
 *
 * <p>As leader it appends produced batches, stamps them with its leader epoch and advances the high
 * watermark once every in-sync replica has the data (at once while the ISR is only itself).
 *
 * <p>Threading: appends and reads from any thread (the log synchronises itself); the registration
 * and settings are replaced by the metadata publisher and read through volatile fields.
 */
public final class Partition {

    /** The DeleteRecords offset that means "everything below the high watermark". */
    public static final long DELETE_UP_TO_HIGH_WATERMARK = -1L;

    private final TopicPartition topicPartition;
    private final UUID topicId;
    private final int localBrokerId;
    private final PartitionLog log;
    private final Queue<DelayedFetch> waitingFetches = new ConcurrentLinkedQueue<>();
    private volatile PartitionRegistration registration;
    private volatile TopicSettings settings;
    private volatile boolean removed;

    Partition(TopicPartition topicPartition, UUID topicId, int localBrokerId, PartitionLog log, PartitionRegistration registration,
              TopicSettings settings) {
        this.topicPartition = topicPartition;
        this.topicId = topicId;
        this.localBrokerId = localBrokerId;
        this.log = log;
        this.registration = registration;
        this.settings = settings;
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public UUID topicId() {
        return topicId;
    }

    public PartitionLog log() {
        return log;
    }

    public TopicSettings settings() {
        return settings;
    }

    /** Whether the partition was deleted or moved away from this broker. */
    public boolean isRemoved() {
        return removed;
    }

    void markRemoved() {
        removed = true;
        wakeWaitingFetches();
    }

    public boolean isLeader() {
        return registration.leader() == localBrokerId;
    }

    public int leaderEpoch() {
        return registration.leaderEpoch();
    }

    /** Whether fewer replicas are in sync than the partition has. */
    public boolean isUnderReplicated() {
        PartitionRegistration current = registration;
        return current.isr().size() < current.replicas().size();
    }

    void update(PartitionRegistration newRegistration) {
        this.registration = newRegistration;
        if (newRegistration.leader() == localBrokerId) {
            maybeAdvanceHighWatermark();
        }
        wakeWaitingFetches();
    }

    void updateSettings(TopicSettings newSettings) {
        this.settings = newSettings;
        log.updateConfig(newSettings.logConfig());
    }

    /**
     * Checks the leader epoch a client believes in against ours, and that we lead.
     *
     * @param currentLeaderEpoch the client's epoch, or -1 to skip the epoch check
     */
    public void checkLeader(int currentLeaderEpoch) {
        PartitionRegistration current = registration;
        if (currentLeaderEpoch >= 0) {
            if (currentLeaderEpoch < current.leaderEpoch()) {
                throw new FencedLeaderEpochException("Leader epoch " + currentLeaderEpoch + " of " + topicPartition
                        + " is older than the current " + current.leaderEpoch());
            }
            if (currentLeaderEpoch > current.leaderEpoch()) {
                throw new UnknownLeaderEpochException("Leader epoch " + currentLeaderEpoch + " of " + topicPartition
                        + " is newer than the current " + current.leaderEpoch());
            }
        }
        if (current.leader() != localBrokerId) {
            throw new NotLeaderOrFollowerException("This broker does not lead " + topicPartition);
        }
    }

    /**
     * Appends a validated batch as the leader.
     *
     * @param requiredAcks the producer's acks; -1 requires {@code min.insync.replicas} in-sync replicas
     */
    public LogAppendInfo appendRecordsToLeader(ByteBuffer batch, short requiredAcks) {
        PartitionRegistration current = registration;
        if (current.leader() != localBrokerId) {
            throw new NotLeaderOrFollowerException("This broker does not lead " + topicPartition);
        }
        int minIsr = Math.min(settings.minInsyncReplicas(), current.replicas().size());
        if (requiredAcks == -1 && current.isr().size() < minIsr) {
            throw new NotEnoughReplicasException("The in-sync replicas of " + topicPartition + " are " + current.isr()
                    + ", fewer than the " + minIsr + " required");
        }
        LogAppendInfo info = log.appendAsLeader(batch, current.leaderEpoch());
        if (info.durable().isDone()) {
            maybeAdvanceHighWatermark();
        } else {
            info.durable().thenRun(this::maybeAdvanceHighWatermark);
        }
        return info;
    }

    /**
     * Ends a producer's transaction on this partition as the leader: appends the COMMIT or ABORT control
     * batch the transaction coordinator decided (WriteTxnMarkers semantics).
     *
     * @param coordinatorEpoch the epoch of the transaction coordinator that decided
     */
    public LogAppendInfo appendTransactionMarker(long producerId, short producerEpoch, int coordinatorEpoch, boolean commit) {
        PartitionRegistration current = registration;
        if (current.leader() != localBrokerId) {
            throw new NotLeaderOrFollowerException("This broker does not lead " + topicPartition);
        }
        LogAppendInfo info = log.appendTransactionMarker(producerId, producerEpoch, coordinatorEpoch, commit, current.leaderEpoch());
        if (info.durable().isDone()) {
            maybeAdvanceHighWatermark();
        } else {
            info.durable().thenRun(this::maybeAdvanceHighWatermark);
        }
        // The marker may move the last stable offset even where the high watermark stays.
        wakeWaitingFetches();
        return info;
    }

    /**
     * Moves the high watermark as far as the log allows (see {@link PartitionLog#highWatermarkLimit()})
     * when this broker is the only in-sync replica.
     */
    private void maybeAdvanceHighWatermark() {
        PartitionRegistration current = registration;
        if (current.isr().size() == 1 && current.isr().get(0) == localBrokerId
                && log.maybeIncrementHighWatermark(log.highWatermarkLimit())) {
            wakeWaitingFetches();
        }
    }

    /**
     * Deletes the records before {@code offset} (DeleteRecords) as the leader; -1 stands for the high
     * watermark.
     *
     * @return the new log start offset (the partition's low watermark)
     * @throws PolicyViolationException if the topic's cleanup.policy does not include delete
     * @throws OffsetOutOfRangeException if {@code offset} is negative (other than -1) or above the high watermark
     */
    public long deleteRecordsOnLeader(long offset) {
        if (registration.leader() != localBrokerId) {
            throw new NotLeaderOrFollowerException("This broker does not lead " + topicPartition);
        }
        if (!log.config().delete()) {
            throw new PolicyViolationException("Records of " + topicPartition + " cannot be deleted: its cleanup.policy does not include delete");
        }
        long target = offset == DELETE_UP_TO_HIGH_WATERMARK ? log.highWatermark() : offset;
        if (target < 0) {
            throw new OffsetOutOfRangeException("Cannot delete records of " + topicPartition + " before offset " + offset);
        }
        try {
            return log.deleteRecordsBefore(target);
        } catch (LogOffsetOutOfRangeException e) {
            throw new OffsetOutOfRangeException(e.getMessage());
        }
    }

    /** Reads for a read_uncommitted consumer, up to the high watermark. */
    public LogReadInfo read(long fetchOffset, int maxBytes, boolean minOneBatch) {
        return read(fetchOffset, maxBytes, minOneBatch, FetchIsolation.HIGH_WATERMARK);
    }

    /**
     * Reads for a consumer, up to the high watermark ({@link FetchIsolation#HIGH_WATERMARK}) or the last
     * stable offset ({@link FetchIsolation#TXN_COMMITTED}, with the aborted transactions).
     */
    public LogReadInfo read(long fetchOffset, int maxBytes, boolean minOneBatch, FetchIsolation isolation) {
        return log.read(fetchOffset, maxBytes, isolation, minOneBatch);
    }

    void addWaitingFetch(DelayedFetch fetch) {
        waitingFetches.add(fetch);
    }

    void removeWaitingFetch(DelayedFetch fetch) {
        waitingFetches.remove(fetch);
    }

    /** Lets waiting fetches check whether they can complete now. */
    void wakeWaitingFetches() {
        for (DelayedFetch fetch : waitingFetches) {
            fetch.tryComplete();
        }
    }

    @Override
    public String toString() {
        return "Partition(" + topicPartition + ")";
    }
}
