package io.vltava.coordinator.group.assignor;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * What an assignor computes a target assignment from: the members of a group and the topics that exist.
 *
 * <p>The order of {@code members} does not matter: the assignors order them by member id. A subscribed topic name
 * that is not a key of {@code topicsByName} is ignored, as is any partition in a current assignment whose topic id is
 * not one of these topics.
 *
 * <p>Threading: immutable (the collections are copied); safe from any thread.
 *
 * @param members      the members of the group, each member id once
 * @param topicsByName the topics that exist, each under its own name
 */
public record AssignmentSpec(List<AssignmentMember> members, Map<String, AssignmentTopic> topicsByName) {

    public AssignmentSpec {
        members = List.copyOf(members);
        topicsByName = Map.copyOf(topicsByName);
        Set<String> memberIds = new HashSet<>();
        for (AssignmentMember member : members) {
            if (!memberIds.add(member.memberId())) {
                throw new IllegalArgumentException("Member " + member.memberId() + " appears twice");
            }
        }
        Set<Uuid> topicIds = new HashSet<>();
        topicsByName.forEach((name, topic) -> {
            if (!name.equals(topic.name())) {
                throw new IllegalArgumentException("Topic " + topic.name() + " is listed under the name " + name);
            }
            if (!topicIds.add(topic.id())) {
                throw new IllegalArgumentException("Topic id " + topic.id() + " is used by more than one topic");
            }
        });
    }
}
