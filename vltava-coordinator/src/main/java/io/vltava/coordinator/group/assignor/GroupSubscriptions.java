package io.vltava.coordinator.group.assignor;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;

/**
 * An assignment spec resolved into what both assignors work on: the members numbered 0 to M-1 in member id order,
 * the topics that exist and have at least one subscriber numbered 0 to T-1 in name order, and who subscribes to what.
 * Numbering both makes every loop over them deterministic whatever the order of the spec.
 *
 * <p>Threading: not changed after construction; safe from any thread.
 */
final class GroupSubscriptions {

    private final List<AssignmentMember> members;
    private final List<AssignmentTopic> topics;
    private final Map<Uuid, Integer> topicIndexById;
    private final List<List<Integer>> subscribersByTopic;
    private final List<BitSet> topicsByMember;

    GroupSubscriptions(AssignmentSpec spec) {
        members = spec.members().stream().sorted(Comparator.comparing(AssignmentMember::memberId)).toList();

        SortedMap<String, AssignmentTopic> subscribedTopics = new TreeMap<>();
        for (AssignmentMember member : members) {
            for (String name : member.subscribedTopicNames()) {
                AssignmentTopic topic = spec.topicsByName().get(name);
                if (topic != null) {
                    subscribedTopics.put(name, topic);
                }
            }
        }
        topics = List.copyOf(subscribedTopics.values());

        topicIndexById = new HashMap<>();
        Map<String, Integer> topicIndexByName = new HashMap<>();
        List<List<Integer>> subscribers = new ArrayList<>();
        for (int topic = 0; topic < topics.size(); topic++) {
            topicIndexById.put(topics.get(topic).id(), topic);
            topicIndexByName.put(topics.get(topic).name(), topic);
            subscribers.add(new ArrayList<>());
        }

        topicsByMember = new ArrayList<>();
        for (int member = 0; member < members.size(); member++) {
            BitSet subscribed = new BitSet(topics.size());
            for (String name : members.get(member).subscribedTopicNames()) {
                Integer topic = topicIndexByName.get(name);
                if (topic != null) {
                    subscribed.set(topic);
                    subscribers.get(topic).add(member);
                }
            }
            topicsByMember.add(subscribed);
        }
        subscribersByTopic = subscribers.stream().map(List::copyOf).toList();
    }

    int memberCount() {
        return members.size();
    }

    AssignmentMember member(int member) {
        return members.get(member);
    }

    int topicCount() {
        return topics.size();
    }

    AssignmentTopic topic(int topic) {
        return topics.get(topic);
    }

    /** The members subscribed to a topic, in ascending order; never empty. */
    List<Integer> subscribers(int topic) {
        return subscribersByTopic.get(topic);
    }

    /** The number of the topic with this id when the member subscribes to it, else -1. */
    int subscribedTopic(int member, Uuid topicId) {
        Integer topic = topicIndexById.get(topicId);
        return topic != null && topicsByMember.get(member).get(topic) ? topic : -1;
    }
}
