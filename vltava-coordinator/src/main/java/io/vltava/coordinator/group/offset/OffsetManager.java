package io.vltava.coordinator.group.offset;

import io.vltava.common.topic.TopicPartition;
import io.vltava.coordinator.runtime.CoordinatorRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiPredicate;

/**
 * The committed offsets of the groups of one shard, by group and partition. Changes return the
 * records that make them durable; {@link #replay} rebuilds the same state from those records.
 *
 * <p>Threading: owned by the shard's thread.
 */
public final class OffsetManager {

    private final Map<String, Map<TopicPartition, CommittedOffset>> offsets = new HashMap<>();

    public void replay(OffsetCommitRecords.Key key, CommittedOffset value) {
        TopicPartition tp = new TopicPartition(key.topic(), key.partition());
        if (value == null) {
            remove(key.groupId(), tp);
        } else {
            offsets.computeIfAbsent(key.groupId(), ignored -> new HashMap<>()).put(tp, value);
        }
    }

    /** Stores a commit in memory and returns its record. */
    public CoordinatorRecord commit(String groupId, TopicPartition tp, CommittedOffset offset) {
        offsets.computeIfAbsent(groupId, ignored -> new HashMap<>()).put(tp, offset);
        return OffsetCommitRecords.record(groupId, tp.topic(), tp.partition(), offset);
    }

    /** The group's offset for {@code tp}, or null. */
    public CommittedOffset offset(String groupId, TopicPartition tp) {
        Map<TopicPartition, CommittedOffset> group = offsets.get(groupId);
        return group == null ? null : group.get(tp);
    }

    /** The group's offsets, sorted by topic and partition. */
    public Map<TopicPartition, CommittedOffset> offsets(String groupId) {
        Map<TopicPartition, CommittedOffset> group = offsets.get(groupId);
        if (group == null) {
            return Map.of();
        }
        Map<TopicPartition, CommittedOffset> sorted = new TreeMap<>(TopicPartition.COMPARATOR);
        sorted.putAll(group);
        return sorted;
    }

    public boolean hasOffsets(String groupId) {
        return offsets.containsKey(groupId);
    }

    /** The groups that have offsets. */
    public Set<String> groupIds() {
        return Collections.unmodifiableSet(offsets.keySet());
    }

    /** Deletes one offset in memory; returns its tombstone, or null if the group had none for {@code tp}. */
    public CoordinatorRecord delete(String groupId, TopicPartition tp) {
        return remove(groupId, tp) == null ? null : OffsetCommitRecords.tombstone(groupId, tp.topic(), tp.partition());
    }

    /** Deletes all of a group's offsets in memory and returns their tombstones. */
    public List<CoordinatorRecord> deleteAll(String groupId) {
        Map<TopicPartition, CommittedOffset> removed = offsets.remove(groupId);
        List<CoordinatorRecord> tombstones = new ArrayList<>();
        if (removed != null) {
            for (TopicPartition tp : removed.keySet()) {
                tombstones.add(OffsetCommitRecords.tombstone(groupId, tp.topic(), tp.partition()));
            }
        }
        return tombstones;
    }

    /** Deletes, in memory, the group's offsets that {@code expired} accepts, and returns their tombstones. */
    public List<CoordinatorRecord> expire(String groupId, BiPredicate<TopicPartition, CommittedOffset> expired) {
        Map<TopicPartition, CommittedOffset> group = offsets.get(groupId);
        List<CoordinatorRecord> tombstones = new ArrayList<>();
        if (group == null) {
            return tombstones;
        }
        Iterator<Map.Entry<TopicPartition, CommittedOffset>> entries = group.entrySet().iterator();
        while (entries.hasNext()) {
            Map.Entry<TopicPartition, CommittedOffset> entry = entries.next();
            if (expired.test(entry.getKey(), entry.getValue())) {
                entries.remove();
                tombstones.add(OffsetCommitRecords.tombstone(groupId, entry.getKey().topic(), entry.getKey().partition()));
            }
        }
        if (group.isEmpty()) {
            offsets.remove(groupId);
        }
        return tombstones;
    }

    private CommittedOffset remove(String groupId, TopicPartition tp) {
        Map<TopicPartition, CommittedOffset> group = offsets.get(groupId);
        if (group == null) {
            return null;
        }
        CommittedOffset removed = group.remove(tp);
        if (group.isEmpty()) {
            offsets.remove(groupId);
        }
        return removed;
    }
}
