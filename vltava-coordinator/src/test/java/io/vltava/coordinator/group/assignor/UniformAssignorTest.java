package io.vltava.coordinator.group.assignor;

import static io.vltava.coordinator.group.assignor.AssignmentChecks.assertValid;
import static io.vltava.coordinator.group.assignor.AssignmentChecks.loads;
import static io.vltava.coordinator.group.assignor.Groups.idOf;
import static io.vltava.coordinator.group.assignor.Groups.member;
import static io.vltava.coordinator.group.assignor.Groups.spec;
import static io.vltava.coordinator.group.assignor.Groups.topic;
import static io.vltava.coordinator.group.assignor.Groups.withCurrentAssignment;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class UniformAssignorTest {

    private static final Uuid ORDERS = idOf("orders");
    private static final Uuid PAYMENTS = idOf("payments");

    private final UniformAssignor assignor = new UniformAssignor();

    @Test
    void spreadsEachTopicOverTheMembers() {
        AssignmentSpec spec = spec(List.of(member("b", "orders", "payments"), member("a", "orders", "payments")),
                topic("orders", 3), topic("payments", 2));

        assertThat(assignor.assign(spec)).isEqualTo(Map.of(
                "a", Map.of(ORDERS, Set.of(0, 2), PAYMENTS, Set.of(1)),
                "b", Map.of(ORDERS, Set.of(1), PAYMENTS, Set.of(0))));
    }

    @Test
    void givesMembersOfDifferentTopicsAsEvenAShareAsTheyAllow() {
        AssignmentSpec spec = spec(List.of(member("a", "orders", "payments"), member("b", "orders")),
                topic("orders", 4), topic("payments", 2));

        assertThat(assignor.assign(spec)).isEqualTo(Map.of(
                "a", Map.of(ORDERS, Set.of(2), PAYMENTS, Set.of(0, 1)),
                "b", Map.of(ORDERS, Set.of(0, 1, 3))));
    }

    @Test
    void movesToAJoiningMemberOnlyItsShare() {
        AssignmentSpec spec = spec(List.of(
                        new AssignmentMember("a", null, Set.of("orders"), Map.of(ORDERS, Set.of(0, 1, 2))),
                        new AssignmentMember("b", null, Set.of("orders"), Map.of(ORDERS, Set.of(3, 4, 5))),
                        member("c", "orders")),
                topic("orders", 6));

        assertThat(assignor.assign(spec)).isEqualTo(Map.of(
                "a", Map.of(ORDERS, Set.of(0, 1)),
                "b", Map.of(ORDERS, Set.of(3, 4)),
                "c", Map.of(ORDERS, Set.of(2, 5))));
    }

    @Test
    void dropsPartitionsOfTopicsNoLongerSubscribedOrRecreated() {
        Uuid deletedOrders = idOf("orders before it was deleted");
        AssignmentSpec spec = spec(List.of(
                        new AssignmentMember("a", null, Set.of("orders"), Map.of(deletedOrders, Set.of(0, 1), PAYMENTS, Set.of(0))),
                        new AssignmentMember("b", null, Set.of("payments"), Map.of(ORDERS, Set.of(0, 1)))),
                topic("orders", 2), topic("payments", 2));

        assertThat(assignor.assign(spec)).isEqualTo(Map.of(
                "a", Map.of(ORDERS, Set.of(0, 1)),
                "b", Map.of(PAYMENTS, Set.of(0, 1))));
    }

    @Test
    void givesAContestedPartitionToTheFirstMemberById() {
        AssignmentSpec spec = spec(List.of(
                        new AssignmentMember("b", null, Set.of("orders"), Map.of(ORDERS, Set.of(0))),
                        new AssignmentMember("a", null, Set.of("orders"), Map.of(ORDERS, Set.of(0, 7)))),
                topic("orders", 2));

        assertThat(assignor.assign(spec)).isEqualTo(Map.of(
                "a", Map.of(ORDERS, Set.of(0)),
                "b", Map.of(ORDERS, Set.of(1))));
    }

    @Test
    void balancesAThousandMembersAndMovesOnlyTheShareOfOneThatJoins() {
        AssignmentSpec spec = Groups.thousandMembersOfTwentyTopics();
        Map<String, Map<Uuid, Set<Integer>>> fresh = assignor.assign(spec);
        Set<String> topics = spec.members().getFirst().subscribedTopicNames();
        AssignmentSpec joined = Groups.withMember(withCurrentAssignment(spec, fresh),
                new AssignmentMember("member-new", null, topics, Map.of()));

        long start = System.nanoTime();
        Map<String, Map<Uuid, Set<Integer>>> afterJoin = assignor.assign(joined);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertValid(joined, afterJoin);
        IntSummaryStatistics loads = loads(afterJoin).values().stream().mapToInt(Integer::intValue).summaryStatistics();
        assertThat(loads.getMax() - loads.getMin()).isLessThanOrEqualTo(1);
        assertThat(loads(afterJoin).get("member-new")).isEqualTo(9);
        fresh.forEach((memberId, owned) -> afterJoin.get(memberId).forEach((topicId, partitions) ->
                assertThat(owned.get(topicId)).as("what %s had", memberId).containsAll(partitions)));
        assertThat(millis).as("milliseconds for the assignment after the join").isLessThan(5_000);
    }

    @Test
    void assignsAThousandMembersOfDifferentTopicsQuickly() {
        Random random = new Random(42);
        List<AssignmentTopic> topics = IntStream.range(0, 100).mapToObj(i -> topic("topic-" + i, 100)).toList();
        List<AssignmentMember> members = IntStream.range(0, 1000)
                .mapToObj(i -> member("member-" + i, topics.stream()
                        .filter(topic -> random.nextInt(4) == 0)
                        .map(AssignmentTopic::name)
                        .toArray(String[]::new)))
                .toList();
        AssignmentSpec spec = spec(members, topics.toArray(AssignmentTopic[]::new));

        long start = System.nanoTime();
        Map<String, Map<Uuid, Set<Integer>>> assignment = assignor.assign(spec);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertValid(spec, assignment);
        assertThat(millis).as("milliseconds for one assignment").isLessThan(5_000);
    }
}
