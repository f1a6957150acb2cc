package io.vltava.coordinator.group.assignor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.apache.kafka.common.Uuid;

/**
 * Random groups for the property tests: up to 6 topics named {@code topic-0}, {@code topic-1}, ... of up to 24
 * partitions, and up to 15 members whose ids do not sort in the order they are listed. Members may subscribe to a
 * topic that does not exist and may claim, in their current assignment, partitions that do not exist or belong to a
 * deleted topic.
 */
final class RandomGroups {

    private static final int MAX_TOPICS = 6;
    private static final int MAX_PARTITIONS = 24;
    private static final int MAX_MEMBERS = 15;
    private static final int MAX_CLAIMS = 40;
    /** Claims are encoded as {@code topic * CLAIM_STRIDE + partition + 2}, which reaches partitions -2 to 29. */
    private static final int CLAIM_STRIDE = 32;

    /** One member before it becomes an {@link AssignmentMember}: topic numbers it subscribes to and encoded claims. */
    private record MemberShape(Set<Integer> topics, List<Integer> claims) {
    }

    private RandomGroups() {
    }

    /** Members subscribe to any topics; nobody owns anything yet. */
    static Arbitrary<AssignmentSpec> groups() {
        return groups(false, false);
    }

    /** Members subscribe to any topics and claim any partitions. */
    static Arbitrary<AssignmentSpec> groupsWithClaims() {
        return groups(false, true);
    }

    /** All members subscribe to the same topics; nobody owns anything yet. */
    static Arbitrary<AssignmentSpec> homogeneousGroups() {
        return groups(true, false);
    }

    /** All members subscribe to the same topics and claim any partitions. */
    static Arbitrary<AssignmentSpec> homogeneousGroupsWithClaims() {
        return groups(true, true);
    }

    /** All members subscribe to all topics, which have as many partitions each. */
    static Arbitrary<AssignmentSpec> coPartitionedGroups() {
        return Combinators.combine(
                        Arbitraries.integers().between(1, MAX_TOPICS),
                        Arbitraries.integers().between(0, MAX_PARTITIONS),
                        Arbitraries.integers().between(1, MAX_MEMBERS))
                .as((topicCount, partitions, memberCount) -> {
                    Set<Integer> allTopics = IntStream.range(0, topicCount).boxed().collect(Collectors.toSet());
                    return build(IntStream.range(0, topicCount).mapToObj(topic -> partitions).toList(),
                            IntStream.range(0, memberCount).mapToObj(member -> new MemberShape(allTopics, List.of())).toList());
                });
    }

    /** A member id that no generated group uses and that sorts between theirs, depending on {@code position}. */
    static String newMemberId(int position) {
        return "m" + position + "-new";
    }

    private static Arbitrary<AssignmentSpec> groups(boolean homogeneous, boolean withClaims) {
        Arbitrary<List<Integer>> topicSizes = Arbitraries.integers().between(0, MAX_PARTITIONS).list().ofMinSize(1).ofMaxSize(MAX_TOPICS);
        return topicSizes.flatMap(sizes -> {
            int topicCount = sizes.size();
            Arbitrary<Set<Integer>> subscription = Arbitraries.integers().between(0, topicCount).set().ofMaxSize(topicCount + 1);
            Arbitrary<List<Integer>> claims = withClaims
                    ? Arbitraries.integers().between(0, (topicCount + 1) * CLAIM_STRIDE - 1).list().ofMaxSize(MAX_CLAIMS)
                    : Arbitraries.just(List.of());
            if (homogeneous) {
                return Combinators.combine(subscription, claims.list().ofMinSize(1).ofMaxSize(MAX_MEMBERS))
                        .as((topics, claimLists) ->
                                build(sizes, claimLists.stream().map(memberClaims -> new MemberShape(topics, memberClaims)).toList()));
            }
            return Combinators.combine(subscription, claims).as(MemberShape::new)
                    .list().ofMinSize(1).ofMaxSize(MAX_MEMBERS)
                    .map(shapes -> build(sizes, shapes));
        });
    }

    /**
     * Topic number {@code sizes.size()} stands for a topic that does not exist: subscribing to it means subscribing
     * to the name {@code missing}, claiming it means claiming a partition of a deleted topic's id.
     */
    private static AssignmentSpec build(List<Integer> sizes, List<MemberShape> shapes) {
        List<AssignmentTopic> topics = IntStream.range(0, sizes.size()).mapToObj(topic -> Groups.topic(name(topic), sizes.get(topic))).toList();
        List<AssignmentMember> members = new ArrayList<>();
        for (int i = 0; i < shapes.size(); i++) {
            MemberShape shape = shapes.get(i);
            Set<String> subscribed = shape.topics().stream()
                    .map(topic -> topic < sizes.size() ? name(topic) : "missing")
                    .collect(Collectors.toSet());
            Map<Uuid, Set<Integer>> claimed = new HashMap<>();
            for (int claim : shape.claims()) {
                int topic = claim / CLAIM_STRIDE;
                Uuid topicId = Groups.idOf(topic < sizes.size() ? name(topic) : "deleted");
                claimed.computeIfAbsent(topicId, any -> new HashSet<>()).add(claim % CLAIM_STRIDE - 2);
            }
            members.add(new AssignmentMember("m" + (i * 37 % 101), i % 2 == 0 ? "rack-a" : null, subscribed, claimed));
        }
        return Groups.spec(members, topics.toArray(AssignmentTopic[]::new));
    }

    private static String name(int topic) {
        return "topic-" + topic;
    }
}
