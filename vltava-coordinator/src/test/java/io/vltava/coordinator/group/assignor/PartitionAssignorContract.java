package io.vltava.coordinator.group.assignor;

import static io.vltava.coordinator.group.assignor.AssignmentChecks.assertValid;
import static io.vltava.coordinator.group.assignor.Groups.idOf;
import static io.vltava.coordinator.group.assignor.Groups.member;
import static io.vltava.coordinator.group.assignor.Groups.spec;
import static io.vltava.coordinator.group.assignor.Groups.topic;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.Uuid;

/** Properties and examples that hold for every {@link PartitionAssignor}; each assignor's property test extends this. */
abstract class PartitionAssignorContract {

    abstract PartitionAssignor assignor();

    @Example
    void assignsNothingToAnEmptyGroup() {
        assertThat(assignor().assign(spec(List.of(), topic("orders", 3)))).isEmpty();
    }

    @Example
    void givesNothingToMembersSubscribedToNothingThatExists() {
        AssignmentSpec spec = spec(List.of(member("a", "orders"), member("b"), member("c", "missing")), topic("orders", 2));

        assertThat(assignor().assign(spec)).isEqualTo(Map.of(
                "a", Map.of(idOf("orders"), Set.of(0, 1)),
                "b", Map.of(),
                "c", Map.of()));
    }

    @Example
    void assignsAThousandMembersTenThousandPartitionsQuickly() {
        AssignmentSpec spec = Groups.thousandMembersOfTwentyTopics();

        long start = System.nanoTime();
        Map<String, Map<Uuid, Set<Integer>>> assignment = assignor().assign(spec);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertValid(spec, assignment);
        assertThat(millis).as("milliseconds for one assignment").isLessThan(5_000);
    }

    @Property
    void assignsEverySubscribedPartitionOnceToASubscriber(@ForAll("groups") AssignmentSpec spec) {
        assertValid(spec, assignor().assign(spec));
    }

    @Property
    void staysValidWhateverTheMembersClaimToOwn(@ForAll("groupsWithClaims") AssignmentSpec spec) {
        assertValid(spec, assignor().assign(spec));
    }

    @Property
    void givesTheSameAssignmentWhateverTheOrderOfTheMembers(@ForAll("groupsWithClaims") AssignmentSpec spec) {
        List<AssignmentMember> reversed = new ArrayList<>(spec.members());
        Collections.reverse(reversed);

        assertThat(assignor().assign(new AssignmentSpec(reversed, spec.topicsByName()))).isEqualTo(assignor().assign(spec));
    }

    @Provide
    Arbitrary<AssignmentSpec> groups() {
        return RandomGroups.groups();
    }

    @Provide
    Arbitrary<AssignmentSpec> groupsWithClaims() {
        return RandomGroups.groupsWithClaims();
    }

    @Provide
    Arbitrary<AssignmentSpec> homogeneousGroups() {
        return RandomGroups.homogeneousGroups();
    }

    @Provide
    Arbitrary<AssignmentSpec> homogeneousGroupsWithClaims() {
        return RandomGroups.homogeneousGroupsWithClaims();
    }

    @Provide
    Arbitrary<AssignmentSpec> coPartitionedGroups() {
        return RandomGroups.coPartitionedGroups();
    }
}
