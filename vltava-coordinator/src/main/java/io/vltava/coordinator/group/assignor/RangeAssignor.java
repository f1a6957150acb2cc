package io.vltava.coordinator.group.assignor;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * The "range" assignor: for each topic, its subscribers sorted by member id get contiguous ranges of
 * partitions, the first ones one partition more when the count does not divide evenly. Members that
 * subscribe to the same topics with the same partition counts get the same partition numbers of each,
 * which joins of co-partitioned topics rely on.
 *
 * <p>Threading: stateless.
 */
public final class RangeAssignor implements PartitionAssignor {

    @Override
    public String name() {
        return "range";
    }

    @Override
    public Map<String, Map<Uuid, Set<Integer>>> assign(AssignmentSpec spec) {
        Map<String, Map<Uuid, Set<Integer>>> assignment = new HashMap<>();
        for (AssignmentMember member : spec.members()) {
            assignment.put(member.memberId(), new HashMap<>());
        }
        for (AssignmentTopic topic : spec.topicsByName().values()) {
            List<String> subscribers = spec.members().stream()
                    .filter(member -> member.subscribedTopicNames().contains(topic.name()))
                    .map(AssignmentMember::memberId)
                    .sorted(Comparator.naturalOrder())
                    .toList();
            if (subscribers.isEmpty()) {
                continue;
            }
            int each = topic.partitions() / subscribers.size();
            int extra = topic.partitions() % subscribers.size();
            int next = 0;
            for (int i = 0; i < subscribers.size(); i++) {
                int count = each + (i < extra ? 1 : 0);
                if (count == 0) {
                    continue;
                }
                Set<Integer> partitions = new TreeSet<>();
                for (int partition = next; partition < next + count; partition++) {
                    partitions.add(partition);
                }
                assignment.get(subscribers.get(i)).put(topic.id(), partitions);
                next += count;
            }
        }
        return assignment;
    }
}
