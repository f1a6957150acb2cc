package io.vltava.coordinator.group.assignor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * The working state of one run of the {@link UniformAssignor}: who owns each partition of the subscribed topics and
 * how many partitions each member owns in all (its load). The assignor runs three steps in order:
 *
 * <ol>
 *   <li>{@link #keepCurrentPartitions()}: each member keeps what it owns now of the topics it still subscribes to.</li>
 *   <li>{@link #placeUnownedPartitions()}: every partition nobody kept goes to the least loaded of its subscribers.</li>
 *   <li>{@link #balance()}: partitions move from the most to the least loaded subscribers of their topic until no
 *       move would make the two closer.</li>
 * </ol>
 *
 * <p>When a member has to give up a partition of a topic, it gives up the one it got last: first those placed in
 * this run, which it did not own before, then the highest numbered of those it kept.
 *
 * <p>Threading: mutable; used by the one thread running an assignment.
 */
final class UniformPlacement {

    /**
     * Balancing goes round the topics until a round moves nothing. When all subscribers of each topic subscribe to the
     * same topics, the first round leaves nothing to move and the second finds that out. Overlapping, different
     * subscriptions can need more rounds, each improving on the last; this bounds the time spent on them.
     */
    private static final int MAX_BALANCING_ROUNDS = 32;

    private final GroupSubscriptions group;
    private final int[] load;
    private final List<TopicOwnership> ownership = new ArrayList<>();
    private final Comparator<Integer> leastLoadedFirst;
    private final Comparator<Integer> mostLoadedFirst;

    UniformPlacement(GroupSubscriptions group) {
        this.group = group;
        this.load = new int[group.memberCount()];
        for (int topic = 0; topic < group.topicCount(); topic++) {
            ownership.add(new TopicOwnership(group.topic(topic).partitions()));
        }
        leastLoadedFirst = Comparator.<Integer>comparingInt(member -> load[member]).thenComparingInt(member -> member);
        mostLoadedFirst = Comparator.<Integer>comparingInt(member -> -load[member]).thenComparingInt(member -> member);
    }

    /**
     * Gives each member the partitions of its current assignment that still exist and belong to a topic it subscribes
     * to. A partition that two members claim goes to the one with the smaller member id.
     */
    void keepCurrentPartitions() {
        for (int member = 0; member < group.memberCount(); member++) {
            for (Map.Entry<Uuid, Set<Integer>> owned : group.member(member).currentAssignment().entrySet()) {
                int topic = group.subscribedTopic(member, owned.getKey());
                if (topic < 0) {
                    continue;
                }
                TopicOwnership partitions = ownership.get(topic);
                for (int partition : new TreeSet<>(owned.getValue())) {
                    if (partitions.exists(partition) && partitions.owner(partition) < 0) {
                        give(topic, partition, member);
                    }
                }
            }
        }
    }

    /**
     * Gives every partition that nobody owns to the least loaded subscriber of its topic. Topics with more partitions
     * per subscriber go first, as they are the hardest to spread evenly; ties go to the topic with fewer subscribers,
     * then by name.
     */
    void placeUnownedPartitions() {
        for (int topic : topicsHardestToSpreadFirst()) {
            TopicOwnership partitions = ownership.get(topic);
            PriorityQueue<Integer> subscribers = new PriorityQueue<>(leastLoadedFirst);
            subscribers.addAll(group.subscribers(topic));
            for (int partition = 0; partition < partitions.count(); partition++) {
                if (partitions.owner(partition) < 0) {
                    int member = subscribers.remove();
                    give(topic, partition, member);
                    subscribers.add(member);
                }
            }
        }
    }

    /**
     * Moves partitions, topic by topic, from the most loaded member that owns one of the topic to the least loaded
     * member that subscribes to it, while the first has at least two more partitions in all than the second.
     */
    void balance() {
        List<Integer> topics = topicsHardestToSpreadFirst().stream()
                .filter(topic -> group.subscribers(topic).size() > 1)
                .toList();
        for (int round = 0; round < MAX_BALANCING_ROUNDS; round++) {
            boolean moved = false;
            for (int topic : topics) {
                moved |= balance(topic);
            }
            if (!moved) {
                return;
            }
        }
    }

    /** The assignment as it stands; after the placement step every partition has an owner. */
    Map<String, Map<Uuid, Set<Integer>>> toAssignment() {
        AssignmentBuilder assignment = new AssignmentBuilder(group);
        for (int topic = 0; topic < group.topicCount(); topic++) {
            TopicOwnership partitions = ownership.get(topic);
            for (int partition = 0; partition < partitions.count(); partition++) {
                assignment.add(partitions.owner(partition), topic, partition);
            }
        }
        return assignment.build();
    }

    /** Balances one topic's subscribers; true when a partition moved. */
    private boolean balance(int topic) {
        List<Integer> subscribers = group.subscribers(topic);
        TopicOwnership partitions = ownership.get(topic);
        if (!canImprove(subscribers, partitions)) {
            return false;
        }
        TreeSet<Integer> receivers = new TreeSet<>(leastLoadedFirst);
        TreeSet<Integer> givers = new TreeSet<>(mostLoadedFirst);
        for (int member : subscribers) {
            receivers.add(member);
            if (partitions.ownsAny(member)) {
                givers.add(member);
            }
        }
        boolean moved = false;
        while (load[givers.first()] > load[receivers.first()] + 1) {
            int giver = givers.pollFirst();
            int receiver = receivers.pollFirst();
            receivers.remove(giver);
            givers.remove(receiver);

            int partition = partitions.takeLastGot(giver);
            load[giver]--;
            give(topic, partition, receiver);

            receivers.add(giver);
            receivers.add(receiver);
            givers.add(receiver);
            if (partitions.ownsAny(giver)) {
                givers.add(giver);
            }
            moved = true;
        }
        return moved;
    }

    /** Whether some owner of the topic's partitions has at least two more partitions than some subscriber of it. */
    private boolean canImprove(List<Integer> subscribers, TopicOwnership partitions) {
        int leastLoad = Integer.MAX_VALUE;
        int mostLoadOfAnOwner = Integer.MIN_VALUE;
        for (int member : subscribers) {
            leastLoad = Math.min(leastLoad, load[member]);
            if (partitions.ownsAny(member)) {
                mostLoadOfAnOwner = Math.max(mostLoadOfAnOwner, load[member]);
            }
        }
        return mostLoadOfAnOwner > leastLoad + 1;
    }

    private void give(int topic, int partition, int member) {
        ownership.get(topic).give(partition, member);
        load[member]++;
    }

    private List<Integer> topicsHardestToSpreadFirst() {
        Comparator<Integer> partitionsPerSubscriberDescending = (a, b) -> Long.compare(
                (long) group.topic(b).partitions() * group.subscribers(a).size(),
                (long) group.topic(a).partitions() * group.subscribers(b).size());
        List<Integer> topics = new ArrayList<>();
        for (int topic = 0; topic < group.topicCount(); topic++) {
            topics.add(topic);
        }
        topics.sort(partitionsPerSubscriberDescending
                .thenComparingInt(topic -> group.subscribers(topic).size())
                .thenComparingInt(topic -> topic));
        return topics;
    }

    /** Who owns each partition of one topic, and in what order each member got the partitions it owns. */
    private static final class TopicOwnership {

        private final int[] owners;
        private final Map<Integer, Deque<Integer>> partitionsByMember = new HashMap<>();

        TopicOwnership(int partitions) {
            owners = new int[partitions];
            Arrays.fill(owners, -1);
        }

        int count() {
            return owners.length;
        }

        boolean exists(int partition) {
            return partition >= 0 && partition < owners.length;
        }

        /** The member owning the partition, or -1 when nobody does. */
        int owner(int partition) {
            return owners[partition];
        }

        boolean ownsAny(int member) {
            Deque<Integer> owned = partitionsByMember.get(member);
            return owned != null && !owned.isEmpty();
        }


        void give(int partition, int member) {
            owners[partition] = member;
            partitionsByMember.computeIfAbsent(member, any -> new ArrayDeque<>()).addLast(partition);
        }

        /** Takes from the member the partition it got last, leaving it unowned, and returns it. */
        int takeLastGot(int member) {
            int partition = partitionsByMember.get(member).removeLast();
            owners[partition] = -1;
            return partition;
        }
    }
}
