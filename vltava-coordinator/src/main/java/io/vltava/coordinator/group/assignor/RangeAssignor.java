package io.vltava.coordinator.group.assignor;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * The {@code range} assignor: for each topic, the members subscribed to it, in member id order, get contiguous ranges
 * of its partitions; when the partitions do not divide evenly, the first {@code partitions % subscribers} members get
 * one more. When members subscribe to the same topics and those topics have as many partitions each, every member
 * gets the same partition numbers of every topic, which is what a join of co-partitioned topics needs.
 *
 * <p>Like Kafka's server-side range assignor, it does not look at the current assignment: the same members and topics
 * always give the same ranges, so a member keeps its partitions as long as the group and the topics do not change.
 *
 * <p>Threading: stateless; safe from any number of threads at once.
 */
public final class RangeAssignor implements PartitionAssignor {

    /** The name members and the broker config use for this assignor. */
    public static final String NAME = "range";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Map<Uuid, Set<Integer>>> assign(AssignmentSpec spec) {
        GroupSubscriptions group = new GroupSubscriptions(spec);
        AssignmentBuilder assignment = new AssignmentBuilder(group);
        for (int topic = 0; topic < group.topicCount(); topic++) {
            List<Integer> subscribers = group.subscribers(topic);
            int partitions = group.topic(topic).partitions();
            int smallRange = partitions / subscribers.size();
            int largeRanges = partitions % subscribers.size();
            int start = 0;
            for (int i = 0; i < subscribers.size(); i++) {
                int end = start + smallRange + (i < largeRanges ? 1 : 0);
                assignment.addRange(subscribers.get(i), topic, start, end);
                start = end;
            }
        }
        return assignment.build();
    }
}
