package io.vltava.coordinator.group.assignor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * The "uniform" assignor: spreads the partitions of the subscribed topics evenly over the members that
 * subscribe to them, keeping each partition where the previous target assignment put it as long as
 * that keeps the spread even. With identical subscriptions the members' counts differ by at most one.
 *
 * <p>Threading: stateless.
 */
public final class UniformAssignor implements PartitionAssignor {

    @Override
    public String name() {
        return "uniform";
    }

    @Override
    public Map<String, Map<Uuid, Set<Integer>>> assign(AssignmentSpec spec) {
        List<AssignmentMember> members = new ArrayList<>(spec.members());
        members.sort(Comparator.comparing(AssignmentMember::memberId));
        Map<Uuid, AssignmentTopic> topicsById = new HashMap<>();
        Map<Slot, List<Integer>> eligible = new LinkedHashMap<>();
        spec.topicsByName().values().stream().sorted(Comparator.comparing(AssignmentTopic::name)).forEach(topic -> {
            topicsById.put(topic.id(), topic);
            List<Integer> subscribers = new ArrayList<>();
            for (int i = 0; i < members.size(); i++) {
                if (members.get(i).subscribedTopicNames().contains(topic.name())) {
                    subscribers.add(i);
                }
            }
            if (!subscribers.isEmpty()) {
                for (int partition = 0; partition < topic.partitions(); partition++) {
                    eligible.put(new Slot(topic.id(), partition), subscribers);
                }
            }
        });
        int[] counts = new int[members.size()];
        Map<Slot, Integer> owners = new HashMap<>();
        for (int i = 0; i < members.size(); i++) {
            for (Map.Entry<Uuid, Set<Integer>> entry : members.get(i).currentAssignment().entrySet()) {
                for (int partition : entry.getValue()) {
                    Slot slot = new Slot(entry.getKey(), partition);
                    List<Integer> subscribers = eligible.get(slot);
                    if (subscribers != null && subscribers.contains(i) && !owners.containsKey(slot)) {
                        owners.put(slot, i);
                        counts[i]++;
                    }
                }
            }
        }
        for (Map.Entry<Slot, List<Integer>> entry : eligible.entrySet()) {
            if (!owners.containsKey(entry.getKey())) {
                int target = leastLoaded(entry.getValue(), counts);
                owners.put(entry.getKey(), target);
                counts[target]++;
            }
        }
        boolean moved = true;
        while (moved) {
            moved = false;
            for (Map.Entry<Slot, List<Integer>> entry : eligible.entrySet()) {
                int owner = owners.get(entry.getKey());
                int target = leastLoaded(entry.getValue(), counts);
                if (counts[target] < counts[owner] - 1) {
                    owners.put(entry.getKey(), target);
                    counts[owner]--;
                    counts[target]++;
                    moved = true;
                }
            }
        }
        Map<String, Map<Uuid, Set<Integer>>> assignment = new HashMap<>();
        for (AssignmentMember member : members) {
            assignment.put(member.memberId(), new HashMap<>());
        }
        owners.forEach((slot, owner) -> assignment.get(members.get(owner).memberId())
                .computeIfAbsent(slot.topicId(), id -> new TreeSet<>()).add(slot.partition()));
        return assignment;
    }

    private static int leastLoaded(List<Integer> candidates, int[] counts) {
        int best = candidates.get(0);
        for (int candidate : candidates) {
            if (counts[candidate] < counts[best]) {
                best = candidate;
            }
        }
        return best;
    }

    /** One partition of one topic. */
    private record Slot(Uuid topicId, int partition) {
    }
}
