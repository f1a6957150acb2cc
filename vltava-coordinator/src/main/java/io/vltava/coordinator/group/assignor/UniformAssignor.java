package io.vltava.coordinator.group.assignor;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * The {@code uniform} assignor, the default of the consumer group protocol: it spreads the partitions of the
 * subscribed topics evenly over the members that subscribe to them, and moves as few partitions as it can from one
 * assignment to the next.
 *
 * <ul>
 *   <li>Every partition of a topic that some member subscribes to goes to exactly one of its subscribers.</li>
 *   <li>Balance: when all members subscribe to the same topics, their partition counts differ by at most one. When
 *       subscriptions differ, no member holds a partition of a topic while another subscriber of that topic has two
 *       or more partitions fewer in all (within a bounded number of balancing rounds).</li>
 *   <li>Stickiness, second to balance: a member keeps the partitions of its current assignment that it still
 *       subscribes to, unless balance needs them elsewhere. When all members subscribe to the same topics and one
 *       joins a balanced group of N, only the partitions it gets move, about 1/(N+1) of them; when one leaves, only
 *       its partitions move.</li>
 * </ul>
 *
 * <p>Threading: stateless; safe from any number of threads at once.
 */
public final class UniformAssignor implements PartitionAssignor {

    /** The name members and the broker config use for this assignor. */
    public static final String NAME = "uniform";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Map<Uuid, Set<Integer>>> assign(AssignmentSpec spec) {
        UniformPlacement placement = new UniformPlacement(new GroupSubscriptions(spec));
        placement.keepCurrentPartitions();
        placement.placeUnownedPartitions();
        placement.balance();
        return placement.toAssignment();
    }
}
