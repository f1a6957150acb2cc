package io.vltava.coordinator.group.offset;

import io.vltava.common.topic.TopicPartition;
import io.vltava.coordinator.runtime.CoordinatorRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The offsets transactional producers staged in the groups of one shard (TxnOffsetCommit), by
 * producer id, group and partition, as Kafka keys them: they are invisible to OffsetFetch until the
 * producer's transaction commits. Changes return the records that make them durable; {@link #replay}
 * rebuilds the same state from those records.
 *
 * <p>When a transaction commits, the most recent write of a partition's offset wins: a staged offset
 * that a later OffsetCommit (or an earlier-completed transaction) overwrote is dropped instead of
 * committed. Live and on replay the order is the log's, so both reach the same state.
 *
 * <p>Threading: owned by the shard's thread.
 */
public final class PendingTxnOffsets {

    /** A staged offset, and whether a commit to the same partition was written after it. */
    private record Pending(StagedOffset staged, boolean superseded) {
    }

    private final Map<Long, Map<String, Map<TopicPartition, Pending>>> byProducer = new HashMap<>();
    private final Map<String, Set<Long>> producersByGroup = new HashMap<>();

    public void replay(PendingTxnOffsetRecords.Key key, StagedOffset value) {
        TopicPartition tp = new TopicPartition(key.topic(), key.partition());
        if (value == null) {
            remove(key.groupId(), key.producerId(), tp);
        } else {
            put(key.groupId(), key.producerId(), tp, value);
        }
    }

    /** Stages an offset in memory and returns its record. */
    public CoordinatorRecord stage(String groupId, long producerId, TopicPartition tp, StagedOffset staged) {
        put(groupId, producerId, tp, staged);
        return PendingTxnOffsetRecords.record(key(groupId, producerId, tp), staged);
    }

    /** The highest epoch among the offsets {@code producerId} staged in this shard, or -1 if it staged none. */
    public short producerEpoch(long producerId) {
        short epoch = -1;
        for (Map<TopicPartition, Pending> group : byProducer.getOrDefault(producerId, Map.of()).values()) {
            for (Pending pending : group.values()) {
                epoch = (short) Math.max(epoch, pending.staged().producerEpoch());
            }
        }
        return epoch;
    }

    /** Whether some producer staged an offset of {@code tp} for the group. */
    public boolean hasPending(String groupId, TopicPartition tp) {
        for (long producerId : producersByGroup.getOrDefault(groupId, Set.of())) {
            if (byProducer.get(producerId).get(groupId).containsKey(tp)) {
                return true;
            }
        }
        return false;
    }

    /** Whether some producer staged offsets for the group. */
    public boolean hasPending(String groupId) {
        return producersByGroup.containsKey(groupId);
    }

    /** The groups with staged offsets. */
    public Set<String> groupIds() {
        return Collections.unmodifiableSet(producersByGroup.keySet());
    }

    /** A commit of the group's offset for {@code tp} was written: every offset staged for it so far is older. */
    public void supersede(String groupId, TopicPartition tp) {
        for (long producerId : producersByGroup.getOrDefault(groupId, Set.of())) {
            byProducer.get(producerId).get(groupId).computeIfPresent(tp, (ignored, pending) -> new Pending(pending.staged(), true));
        }
    }

    /**
     * Ends every offset {@code producerId} staged in this shard, in memory: on commit each one that no
     * later commit overwrote becomes the group's committed offset in {@code offsets}.
     *
     * @return the records, in order: per staged offset its commit (if any), then its tombstone
     */
    public List<CoordinatorRecord> complete(long producerId, boolean commit, OffsetManager offsets) {
        Map<String, Map<TopicPartition, Pending>> staged = byProducer.remove(producerId);
        List<CoordinatorRecord> records = new ArrayList<>();
        if (staged == null) {
            return records;
        }
        staged.forEach((groupId, partitions) -> {
            forgetProducer(groupId, producerId);
            partitions.forEach((tp, pending) -> {
                if (commit && !pending.superseded()) {
                    records.add(offsets.commit(groupId, tp, pending.staged().offset()));
                    supersede(groupId, tp);
                }
                records.add(PendingTxnOffsetRecords.tombstone(key(groupId, producerId, tp)));
            });
        });
        return records;
    }

    /** Drops, in memory, every producer's staged offset of {@code tp} for the group, and returns their tombstones. */
    public List<CoordinatorRecord> delete(String groupId, TopicPartition tp) {
        List<CoordinatorRecord> tombstones = new ArrayList<>();
        for (long producerId : List.copyOf(producersByGroup.getOrDefault(groupId, Set.of()))) {
            if (remove(groupId, producerId, tp)) {
                tombstones.add(PendingTxnOffsetRecords.tombstone(key(groupId, producerId, tp)));
            }
        }
        return tombstones;
    }

    /** Drops, in memory, every offset staged for the group, and returns their tombstones. */
    public List<CoordinatorRecord> deleteAll(String groupId) {
        List<CoordinatorRecord> tombstones = new ArrayList<>();
        Set<Long> producers = producersByGroup.remove(groupId);
        if (producers == null) {
            return tombstones;
        }
        for (long producerId : producers) {
            Map<String, Map<TopicPartition, Pending>> groups = byProducer.get(producerId);
            for (TopicPartition tp : groups.remove(groupId).keySet()) {
                tombstones.add(PendingTxnOffsetRecords.tombstone(key(groupId, producerId, tp)));
            }
            if (groups.isEmpty()) {
                byProducer.remove(producerId);
            }
        }
        return tombstones;
    }

    private void put(String groupId, long producerId, TopicPartition tp, StagedOffset staged) {
        byProducer.computeIfAbsent(producerId, ignored -> new HashMap<>()).computeIfAbsent(groupId, ignored -> new HashMap<>())
                .put(tp, new Pending(staged, false));
        producersByGroup.computeIfAbsent(groupId, ignored -> new HashSet<>()).add(producerId);
    }

    private boolean remove(String groupId, long producerId, TopicPartition tp) {
        Map<String, Map<TopicPartition, Pending>> groups = byProducer.get(producerId);
        Map<TopicPartition, Pending> partitions = groups == null ? null : groups.get(groupId);
        if (partitions == null || partitions.remove(tp) == null) {
            return false;
        }
        if (partitions.isEmpty()) {
            groups.remove(groupId);
            forgetProducer(groupId, producerId);
            if (groups.isEmpty()) {
                byProducer.remove(producerId);
            }
        }
        return true;
    }

    private void forgetProducer(String groupId, long producerId) {
        Set<Long> producers = producersByGroup.get(groupId);
        if (producers != null && producers.remove(producerId) && producers.isEmpty()) {
            producersByGroup.remove(groupId);
        }
    }

    private static PendingTxnOffsetRecords.Key key(String groupId, long producerId, TopicPartition tp) {
        return new PendingTxnOffsetRecords.Key(groupId, producerId, tp.topic(), tp.partition());
    }
}
