package io.vltava.coordinator.group.assignor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * Collects the partitions an assignor gives each member of a {@link GroupSubscriptions} and turns them into the
 * result of {@link PartitionAssignor#assign}: every member a key, in member id order, topics in name order and
 * partitions ascending, all unmodifiable.
 *
 * <p>Threading: mutable; used by the one thread running an assignment.
 */
final class AssignmentBuilder {

    private final GroupSubscriptions group;
    private final List<SortedMap<Integer, SortedSet<Integer>>> partitionsByMember = new ArrayList<>();

    AssignmentBuilder(GroupSubscriptions group) {
        this.group = group;
        for (int member = 0; member < group.memberCount(); member++) {
            partitionsByMember.add(new TreeMap<>());
        }
    }

    void add(int member, int topic, int partition) {
        partitionsByMember.get(member).computeIfAbsent(topic, any -> new TreeSet<>()).add(partition);
    }

    /** Gives the member the partitions from {@code from} (inclusive) to {@code to} (exclusive); none when they are equal. */
    void addRange(int member, int topic, int from, int to) {
        for (int partition = from; partition < to; partition++) {
            add(member, topic, partition);
        }
    }

    Map<String, Map<Uuid, Set<Integer>>> build() {
        Map<String, Map<Uuid, Set<Integer>>> assignment = new LinkedHashMap<>();
        for (int member = 0; member < group.memberCount(); member++) {
            Map<Uuid, Set<Integer>> topics = new LinkedHashMap<>();
            partitionsByMember.get(member).forEach((topic, partitions) ->
                    topics.put(group.topic(topic).id(), Collections.unmodifiableSortedSet(partitions)));
            assignment.put(group.member(member).memberId(), Collections.unmodifiableMap(topics));
        }
        return Collections.unmodifiableMap(assignment);
    }
}
