package io.vltava.coordinator.group.assignor;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.Uuid;

/** Builds assignment specs for tests: topics get ids derived from their names, so tests can name them in expectations. */
final class Groups {

    private Groups() {
    }

    static Uuid idOf(String topicName) {
        UUID uuid = UUID.nameUUIDFromBytes(topicName.getBytes(StandardCharsets.UTF_8));
        return new Uuid(uuid.getMostSignificantBits(), uuid.getLeastSignificantBits());
    }

    static AssignmentTopic topic(String name, int partitions) {
        return new AssignmentTopic(idOf(name), name, partitions);
    }

    static AssignmentMember member(String memberId, String... topicNames) {
        return new AssignmentMember(memberId, null, Set.of(topicNames), Map.of());
    }

    static AssignmentSpec spec(List<AssignmentMember> members, AssignmentTopic... topics) {
        return new AssignmentSpec(members, Arrays.stream(topics).collect(Collectors.toMap(AssignmentTopic::name, Function.identity())));
    }

    /** The same group, each member's current assignment replaced by what {@code assignment} gives it (or nothing). */
    static AssignmentSpec withCurrentAssignment(AssignmentSpec spec, Map<String, Map<Uuid, Set<Integer>>> assignment) {
        List<AssignmentMember> members = spec.members().stream()
                .map(member -> new AssignmentMember(member.memberId(), member.rackId(), member.subscribedTopicNames(),
                        assignment.getOrDefault(member.memberId(), Map.of())))
                .toList();
        return new AssignmentSpec(members, spec.topicsByName());
    }

    /** The same group with one more member. */
    static AssignmentSpec withMember(AssignmentSpec spec, AssignmentMember member) {
        List<AssignmentMember> members = new ArrayList<>(spec.members());
        members.add(member);
        return new AssignmentSpec(members, spec.topicsByName());
    }

    /** The same group without the member with this id. */
    static AssignmentSpec withoutMember(AssignmentSpec spec, String memberId) {
        List<AssignmentMember> members = spec.members().stream().filter(member -> !member.memberId().equals(memberId)).toList();
        return new AssignmentSpec(members, spec.topicsByName());
    }

    /** Each member's current assignment, by member id. */
    static Map<String, Map<Uuid, Set<Integer>>> currentAssignments(AssignmentSpec spec) {
        return spec.members().stream().collect(Collectors.toMap(AssignmentMember::memberId, AssignmentMember::currentAssignment));
    }

    /** 1,000 members, all subscribed to 20 topics of 500 partitions each, with nothing assigned yet. */
    static AssignmentSpec thousandMembersOfTwentyTopics() {
        AssignmentTopic[] topics = IntStream.range(0, 20).mapToObj(i -> topic("topic-" + i, 500)).toArray(AssignmentTopic[]::new);
        String[] topicNames = Arrays.stream(topics).map(AssignmentTopic::name).toArray(String[]::new);
        return spec(IntStream.range(0, 1000).mapToObj(i -> member("member-" + i, topicNames)).toList(), topics);
    }
}
