package io.vltava.coordinator.group.assignor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;

/** Checks that hold for the output of every assignor, and measures of an assignment that the property tests compare. */
final class AssignmentChecks {

    /** One partition of one topic. */
    record TopicPartition(Uuid topicId, int partition) {
    }

    private AssignmentChecks() {
    }

    /**
     * Every member is a key; every partition of every topic some member subscribes to is assigned exactly once, to a
     * subscriber of its topic; nothing else is assigned; no partition set is empty.
     */
    static void assertValid(AssignmentSpec spec, Map<String, Map<Uuid, Set<Integer>>> assignment) {
        assertThat(assignment.keySet())
                .containsExactlyInAnyOrderElementsOf(spec.members().stream().map(AssignmentMember::memberId).toList());

        Map<Uuid, AssignmentTopic> topicsById = spec.topicsByName().values().stream()
                .collect(Collectors.toMap(AssignmentTopic::id, topic -> topic));
        Map<TopicPartition, String> owners = new HashMap<>();
        for (AssignmentMember member : spec.members()) {
            assignment.get(member.memberId()).forEach((topicId, partitions) -> {
                AssignmentTopic topic = topicsById.get(topicId);
                assertThat(topic).as("a topic assigned to %s", member.memberId()).isNotNull();
                assertThat(member.subscribedTopicNames()).as("subscriptions of %s", member.memberId()).contains(topic.name());
                assertThat(partitions).as("partitions of %s assigned to %s", topic.name(), member.memberId())
                        .isNotEmpty()
                        .allSatisfy(partition -> assertThat(partition).isBetween(0, topic.partitions() - 1));
                for (int partition : partitions) {
                    String previous = owners.put(new TopicPartition(topicId, partition), member.memberId());
                    assertThat(previous).as("other owner of %s-%d", topic.name(), partition).isNull();
                }
            });
        }

        for (AssignmentTopic topic : spec.topicsByName().values()) {
            boolean subscribed = spec.members().stream().anyMatch(member -> member.subscribedTopicNames().contains(topic.name()));
            for (int partition = 0; partition < topic.partitions(); partition++) {
                assertThat(owners.containsKey(new TopicPartition(topic.id(), partition)))
                        .as("%s-%d is assigned", topic.name(), partition)
                        .isEqualTo(subscribed);
            }
        }
    }

    /** Who owns each assigned partition. */
    static Map<TopicPartition, String> owners(Map<String, Map<Uuid, Set<Integer>>> assignment) {
        Map<TopicPartition, String> owners = new HashMap<>();
        assignment.forEach((memberId, topics) -> topics.forEach((topicId, partitions) ->
                partitions.forEach(partition -> owners.put(new TopicPartition(topicId, partition), memberId))));
        return owners;
    }

    /** How many partitions each member is assigned in all. */
    static Map<String, Integer> loads(Map<String, Map<Uuid, Set<Integer>>> assignment) {
        Map<String, Integer> loads = new HashMap<>();
        assignment.forEach((memberId, topics) ->
                loads.put(memberId, topics.values().stream().mapToInt(Set::size).sum()));
        return loads;
    }
}
