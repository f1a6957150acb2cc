package io.vltava.coordinator.group.assignor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.PropertyDefaults;
import org.apache.kafka.common.Uuid;

@PropertyDefaults(tries = 300)
class RangeAssignorPropertiesTest extends PartitionAssignorContract {

    private final RangeAssignor assignor = new RangeAssignor();

    @Override
    PartitionAssignor assignor() {
        return assignor;
    }

    @Property
    void ignoresWhatTheMembersClaimToOwn(@ForAll("groupsWithClaims") AssignmentSpec spec) {
        AssignmentSpec unclaimed = Groups.withCurrentAssignment(spec, Map.of());

        assertThat(assignor.assign(spec)).isEqualTo(assignor.assign(unclaimed));
    }

    @Property
    void givesEachSubscriberAContiguousRangeInMemberIdOrder(@ForAll("groups") AssignmentSpec spec) {
        Map<String, Map<Uuid, Set<Integer>>> assignment = assignor.assign(spec);

        for (AssignmentTopic topic : spec.topicsByName().values()) {
            List<String> subscribers = spec.members().stream()
                    .filter(member -> member.subscribedTopicNames().contains(topic.name()))
                    .map(AssignmentMember::memberId)
                    .sorted(Comparator.naturalOrder())
                    .toList();
            int next = 0;
            for (int i = 0; i < subscribers.size(); i++) {
                int expectedSize = topic.partitions() / subscribers.size() + (i < topic.partitions() % subscribers.size() ? 1 : 0);
                Set<Integer> range = assignment.get(subscribers.get(i)).getOrDefault(topic.id(), Set.of());
                Set<Integer> expected = new TreeSet<>();
                for (int partition = next; partition < next + expectedSize; partition++) {
                    expected.add(partition);
                }
                assertThat(range).as("range of %s in %s", subscribers.get(i), topic.name()).isEqualTo(expected);
                next += expectedSize;
            }
        }
    }

    @Property
    void givesEachMemberTheSamePartitionsOfCoPartitionedTopics(@ForAll("coPartitionedGroups") AssignmentSpec spec) {
        Map<String, Map<Uuid, Set<Integer>>> assignment = assignor.assign(spec);

        for (AssignmentMember member : spec.members()) {
            Set<Set<Integer>> distinctPartitionSets = Set.copyOf(spec.topicsByName().values().stream()
                    .map(topic -> assignment.get(member.memberId()).getOrDefault(topic.id(), Set.of()))
                    .toList());
            assertThat(distinctPartitionSets).as("partition sets of %s", member.memberId()).hasSize(1);
        }
    }
}
