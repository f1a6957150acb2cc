package io.vltava.coordinator.group.assignor;

import static io.vltava.coordinator.group.assignor.AssignmentChecks.loads;
import static io.vltava.coordinator.group.assignor.AssignmentChecks.owners;
import static io.vltava.coordinator.group.assignor.Groups.currentAssignments;
import static io.vltava.coordinator.group.assignor.Groups.withCurrentAssignment;
import static org.assertj.core.api.Assertions.assertThat;

import io.vltava.coordinator.group.assignor.AssignmentChecks.TopicPartition;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.PropertyDefaults;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.common.Uuid;

@PropertyDefaults(tries = 300)
class UniformAssignorPropertiesTest extends PartitionAssignorContract {

    private final UniformAssignor assignor = new UniformAssignor();

    @Override
    PartitionAssignor assignor() {
        return assignor;
    }

    @Property
    void balancesMembersOfTheSameTopicsToWithinOnePartition(@ForAll("homogeneousGroupsWithClaims") AssignmentSpec spec) {
        IntSummaryStatistics loads = loads(assignor.assign(spec)).values().stream().mapToInt(Integer::intValue).summaryStatistics();

        assertThat(loads.getMax() - loads.getMin()).isLessThanOrEqualTo(1);
    }

    @Property
    void leavesNoOwnerOfATopicTwoPartitionsAboveAnotherSubscriber(@ForAll("groupsWithClaims") AssignmentSpec spec) {
        Map<String, Map<Uuid, Set<Integer>>> assignment = assignor.assign(spec);
        Map<String, Integer> loads = loads(assignment);

        for (AssignmentTopic topic : spec.topicsByName().values()) {
            List<String> subscribers = spec.members().stream()
                    .filter(member -> member.subscribedTopicNames().contains(topic.name()))
                    .map(AssignmentMember::memberId)
                    .toList();
            int leastLoad = subscribers.stream().mapToInt(loads::get).min().orElse(0);
            for (String owner : subscribers) {
                if (assignment.get(owner).containsKey(topic.id())) {
                    assertThat(loads.get(owner)).as("load of %s, which owns part of %s", owner, topic.name())
                            .isLessThanOrEqualTo(leastLoad + 1);
                }
            }
        }
    }

    @Property
    void keepsAnAssignmentItMadeAsItIs(@ForAll("groupsWithClaims") AssignmentSpec spec) {
        Map<String, Map<Uuid, Set<Integer>>> assignment = assignor.assign(spec);

        assertThat(assignor.assign(withCurrentAssignment(spec, assignment))).isEqualTo(assignment);
    }

    @Property
    void movesOnlyTheJoiningMembersShareToIt(@ForAll("homogeneousGroups") AssignmentSpec spec,
                                             @ForAll @IntRange(max = 100) int position) {
        AssignmentSpec stable = withCurrentAssignment(spec, assignor.assign(spec));
        Set<String> topics = stable.members().getFirst().subscribedTopicNames();
        String joinerId = RandomGroups.newMemberId(position);
        AssignmentSpec joined = Groups.withMember(stable, new AssignmentMember(joinerId, null, topics, Map.of()));

        Map<TopicPartition, String> before = owners(currentAssignments(stable));
        Map<TopicPartition, String> after = owners(assignor.assign(joined));

        long moved = before.keySet().stream().filter(partition -> !before.get(partition).equals(after.get(partition))).count();
        long partitions = before.size();
        int members = joined.members().size();
        assertThat(moved).isBetween(partitions / members, (partitions + members - 1) / members);
        before.forEach((partition, owner) -> assertThat(after.get(partition)).isIn(owner, joinerId));
    }

    @Property
    void movesOnlyTheLeavingMembersPartitions(@ForAll("homogeneousGroups") AssignmentSpec spec,
                                              @ForAll @IntRange(max = 100) int position) {
        AssignmentSpec stable = withCurrentAssignment(spec, assignor.assign(spec));
        String leaverId = stable.members().get(position % stable.members().size()).memberId();
        AssignmentSpec left = Groups.withoutMember(stable, leaverId);

        Map<TopicPartition, String> before = owners(currentAssignments(stable));
        Map<TopicPartition, String> after = owners(assignor.assign(left));

        before.forEach((partition, owner) -> {
            if (!owner.equals(leaverId)) {
                assertThat(after.get(partition)).as("owner of %s", partition).isEqualTo(owner);
            }
        });
    }
}
