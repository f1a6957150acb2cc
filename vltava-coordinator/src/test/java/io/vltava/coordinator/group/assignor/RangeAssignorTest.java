package io.vltava.coordinator.group.assignor;

import static io.vltava.coordinator.group.assignor.Groups.idOf;
import static io.vltava.coordinator.group.assignor.Groups.member;
import static io.vltava.coordinator.group.assignor.Groups.spec;
import static io.vltava.coordinator.group.assignor.Groups.topic;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class RangeAssignorTest {

    private static final Uuid ORDERS = idOf("orders");
    private static final Uuid PAYMENTS = idOf("payments");

    private final RangeAssignor assignor = new RangeAssignor();

    @Test
    void givesEachMemberTheSameRangeOfCoPartitionedTopics() {
        AssignmentSpec spec = spec(List.of(member("m1", "orders", "payments"), member("m0", "orders", "payments")),
                topic("orders", 3), topic("payments", 3));

        assertThat(assignor.assign(spec)).isEqualTo(Map.of(
                "m0", Map.of(ORDERS, Set.of(0, 1), PAYMENTS, Set.of(0, 1)),
                "m1", Map.of(ORDERS, Set.of(2), PAYMENTS, Set.of(2))));
    }

    @Test
    void rangesEachTopicOverItsOwnSubscribers() {
        AssignmentSpec spec = spec(List.of(member("a", "orders", "payments"), member("b", "orders"), member("c", "payments")),
                topic("orders", 3), topic("payments", 2));

        assertThat(assignor.assign(spec)).isEqualTo(Map.of(
                "a", Map.of(ORDERS, Set.of(0, 1), PAYMENTS, Set.of(0)),
                "b", Map.of(ORDERS, Set.of(2)),
                "c", Map.of(PAYMENTS, Set.of(1))));
    }

    @Test
    void leavesMembersBeyondThePartitionCountWithNothing() {
        AssignmentSpec spec = spec(List.of(member("a", "orders"), member("b", "orders"), member("c", "orders")),
                topic("orders", 2));

        assertThat(assignor.assign(spec)).isEqualTo(Map.of(
                "a", Map.of(ORDERS, Set.of(0)),
                "b", Map.of(ORDERS, Set.of(1)),
                "c", Map.of()));
    }

    @Test
    void doesNotLookAtTheCurrentAssignment() {
        AssignmentSpec spec = spec(List.of(
                        new AssignmentMember("a", null, Set.of("orders"), Map.of(ORDERS, Set.of(2, 3))),
                        new AssignmentMember("b", null, Set.of("orders"), Map.of(ORDERS, Set.of(0, 1)))),
                topic("orders", 4));

        assertThat(assignor.assign(spec)).isEqualTo(Map.of(
                "a", Map.of(ORDERS, Set.of(0, 1)),
                "b", Map.of(ORDERS, Set.of(2, 3))));
    }
}
