package io.vltava.coordinator.group.assignor;

import static io.vltava.coordinator.group.assignor.Groups.member;
import static io.vltava.coordinator.group.assignor.Groups.topic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class AssignmentSpecTest {

    @Test
    void rejectsAMemberListedTwice() {
        assertThatThrownBy(() -> new AssignmentSpec(List.of(member("a"), member("a")), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a");
    }

    @Test
    void rejectsATopicUnderAnotherName() {
        assertThatThrownBy(() -> new AssignmentSpec(List.of(), Map.of("orders", topic("payments", 1))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsTwoTopicsWithOneId() {
        Uuid id = Uuid.randomUuid();
        Map<String, AssignmentTopic> topics = Map.of(
                "orders", new AssignmentTopic(id, "orders", 1),
                "payments", new AssignmentTopic(id, "payments", 1));

        assertThatThrownBy(() -> new AssignmentSpec(List.of(), topics)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsANegativePartitionCount() {
        assertThatThrownBy(() -> topic("orders", -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void copiesWhatItIsGiven() {
        Set<String> subscriptions = new HashSet<>(Set.of("orders"));
        Set<Integer> owned = new HashSet<>(Set.of(0));
        Map<Uuid, Set<Integer>> current = new HashMap<>(Map.of(Groups.idOf("orders"), owned));
        AssignmentMember member = new AssignmentMember("a", "rack-1", subscriptions, current);

        subscriptions.add("payments");
        owned.add(1);
        current.clear();

        assertThat(member.subscribedTopicNames()).containsExactly("orders");
        assertThat(member.currentAssignment()).isEqualTo(Map.of(Groups.idOf("orders"), Set.of(0)));
    }
}
