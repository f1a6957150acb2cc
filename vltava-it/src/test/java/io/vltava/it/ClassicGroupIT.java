package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vltava.testing.EmbeddedBroker;
import io.vltava.testing.KafkaClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Consumer groups of the classic protocol, driven by the real Java consumer (group.protocol=classic):
 * partitions shared, taken over from a member that died, rebalanced for a newcomer, kept through a
 * cooperative rebalance and a static member's restart; offsets kept across a broker restart; the
 * admin APIs that show and delete groups.
 */
class ClassicGroupIT {

    private static final int SESSION_TIMEOUT_MS = 3_000;
    private static EmbeddedBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedBroker.start(Map.of("group.initial.rebalance.delay.ms", "50", "group.min.session.timeout.ms", "1000",
                "offsets.topic.num.partitions", "4"));
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        }
    }

    private static Set<TopicPartition> partitions(String topic, int count) {
        Set<TopicPartition> all = new HashSet<>();
        for (int i = 0; i < count; i++) {
            all.add(new TopicPartition(topic, i));
        }
        return all;
    }

    /** Whether the members' assignments are disjoint, cover {@code expected}, and each holds {@code each} partitions. */
    private static boolean sharedExactly(Collection<Member> members, Set<TopicPartition> expected, int each) {
        Set<TopicPartition> union = new HashSet<>();
        int total = 0;
        for (Member member : members) {
            Set<TopicPartition> owned = member.assignment();
            if (owned.size() != each) {
                return false;
            }
            union.addAll(owned);
            total += owned.size();
        }
        return total == expected.size() && union.equals(expected);
    }

    private static void awaitShared(Collection<Member> members, Set<TopicPartition> expected, int each) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> sharedExactly(members, expected, each));
    }

    @Test
    void membersSharePartitionsTakeOverFromADeadMemberAndMakeRoomForANewOne() throws Exception {
        String topic = "shared";
        String group = "sharing-group";
        createTopic(topic, 6);
        Set<TopicPartition> all = partitions(topic, 6);
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            members.add(Member.start(group, topic, "member-" + i, null, Map.of()));
        }
        awaitShared(members, all, 2);

        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get();
            assertThat(description.groupState()).isEqualTo(GroupState.STABLE);
            assertThat(description.type()).isEqualTo(GroupType.CLASSIC);
            assertThat(description.partitionAssignor()).isEqualTo("range");
            assertThat(description.members()).extracting(MemberDescription::clientId)
                    .containsExactlyInAnyOrder("member-0", "member-1", "member-2");
            Set<TopicPartition> described = new HashSet<>();
            description.members().forEach(member -> described.addAll(member.assignment().topicPartitions()));
            assertThat(described).isEqualTo(all);
            Collection<GroupListing> listed = admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get();
            assertThat(listed).anySatisfy(listing -> {
                assertThat(listing.groupId()).isEqualTo(group);
                assertThat(listing.type()).contains(GroupType.CLASSIC);
                assertThat(listing.groupState()).contains(GroupState.STABLE);
            });
        }

        Member dead = members.remove(2);
        long died = System.nanoTime();
        dead.close(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP);
        awaitShared(members, all, 3);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - died)).isGreaterThanOrEqualTo(SESSION_TIMEOUT_MS - 500);

        members.add(Member.start(group, topic, "member-3", null, Map.of()));
        awaitShared(members, all, 2);
        members.forEach(Member::close);
    }

    @Test
    void committedOffsetsSurviveABrokerRestartAndAnEmptyGroupCanBeDeleted() throws Exception {
        String topic = "restarted";
        String group = "restart-group";
        createTopic(topic, 2);
        produce(topic, 10);
        Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
        try (Member member = Member.start(group, topic, "committer", null, Map.of())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> member.records.size() == 10);
            member.records.forEach(record -> committed.merge(new TopicPartition(record.topic(), record.partition()),
                    new OffsetAndMetadata(record.offset() + 1), (a, b) -> a.offset() >= b.offset() ? a : b));
            member.call(consumer -> {
                consumer.commitSync(committed);
                return null;
            });
        }
        assertThat(listOffsets(group)).isEqualTo(committed);

        broker.restart();
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> listOffsets(group).equals(committed));

        produce(topic, 4);
        try (Member member = Member.start(group, topic, "resumer", null, Map.of())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> member.records.size() == 4);
            assertThat(member.records).allSatisfy(record -> assertThat(record.offset())
                    .isGreaterThanOrEqualTo(committed.get(new TopicPartition(record.topic(), record.partition())).offset()));
        }

        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get()
                    .groupState() == GroupState.EMPTY);
            admin.deleteConsumerGroups(List.of(group)).all().get();
            assertThat(admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get()).extracting(GroupListing::groupId)
                    .doesNotContain(group);
            assertThat(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()).isEmpty();
        }
    }

    @Test
    void cooperativeStickyMembersKeepThePartitionsThatDoNotMove() throws Exception {
        String topic = "cooperative";
        String group = "cooperative-group";
        createTopic(topic, 6);
        Set<TopicPartition> all = partitions(topic, 6);
        Map<String, Object> cooperative = Map.of(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        List<Member> members = new ArrayList<>();
        members.add(Member.start(group, topic, "coop-0", null, cooperative));
        members.add(Member.start(group, topic, "coop-1", null, cooperative));
        awaitShared(members, all, 3);
        Map<Member, Set<TopicPartition>> before = new HashMap<>();
        members.forEach(member -> {
            before.put(member, member.assignment());
            member.revoked.clear();
        });

        members.add(Member.start(group, topic, "coop-2", null, cooperative));
        awaitShared(members, all, 2);
        for (Member member : before.keySet()) {
            Set<TopicPartition> kept = new HashSet<>(member.assignment());
            assertThat(before.get(member)).containsAll(kept);
            Set<TopicPartition> moved = new HashSet<>(before.get(member));
            moved.removeAll(kept);
            assertThat(moved).hasSize(1);
            assertThat(member.revoked).containsExactlyInAnyOrderElementsOf(moved);
        }
        members.forEach(Member::close);
    }

    @Test
    void aStaticMemberRestartsWithinItsSessionWithoutARebalance() throws Exception {
        String topic = "static";
        String group = "static-group";
        createTopic(topic, 4);
        Set<TopicPartition> all = partitions(topic, 4);
        Member first = Member.start(group, topic, "static-0", "instance-0", Map.of());
        Member second = Member.start(group, topic, "static-1", "instance-1", Map.of());
        awaitShared(List.of(first, second), all, 2);
        int generation = first.call(consumer -> consumer.groupMetadata().generationId());
        Set<TopicPartition> secondsPartitions = second.assignment();
        int firstsEvents = first.rebalanceEvents.size();

        second.close(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP);
        Member restarted = Member.start(group, topic, "static-1", "instance-1", Map.of());
        await().atMost(Duration.ofSeconds(20)).until(() -> restarted.assignment().equals(secondsPartitions));
        int restartedGeneration = restarted.call(consumer -> consumer.groupMetadata().generationId());
        int firstsGeneration = first.call(consumer -> consumer.groupMetadata().generationId());
        assertThat(restartedGeneration).isEqualTo(generation);
        assertThat(firstsGeneration).isEqualTo(generation);
        assertThat(first.rebalanceEvents).hasSize(firstsEvents);

        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get();
            assertThat(description.groupState()).isEqualTo(GroupState.STABLE);
            assertThat(description.members()).extracting(member -> member.groupInstanceId().orElse(null))
                    .containsExactlyInAnyOrder("instance-0", "instance-1");
        }
        first.close();
        restarted.close();
    }

    private static void produce(String topic, int count) {
        try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
            }
            producer.flush();
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> listOffsets(String group) throws Exception {
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get());
            offsets.replaceAll((tp, offset) -> new OffsetAndMetadata(offset.offset()));
            return offsets;
        }
    }

    /**
     * A classic-protocol consumer polling on a thread of its own, recording what its rebalance
     * listener is told. Other threads act on the consumer through {@link #call}.
     */
    private static final class Member implements AutoCloseable {

        private final KafkaConsumer<String, String> consumer;
        private final Thread thread;
        private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
        private final Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();
        private final List<TopicPartition> revoked = new CopyOnWriteArrayList<>();
        private final List<String> rebalanceEvents = new CopyOnWriteArrayList<>();
        private final List<ConsumerRecord<String, String>> records = new CopyOnWriteArrayList<>();
        private volatile boolean running = true;
        private volatile CloseOptions.GroupMembershipOperation closeOperation = CloseOptions.GroupMembershipOperation.DEFAULT;

        private Member(KafkaConsumer<String, String> consumer, String topic, String clientId) {
            this.consumer = consumer;
            this.thread = new Thread(() -> run(topic), "consumer-" + clientId);
        }

        static Member start(String group, String topic, String clientId, String instanceId, Map<String, Object> extra) {
            Properties props = new Properties();
            props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
            props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
            props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, String.valueOf(SESSION_TIMEOUT_MS));
            props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "300");
            props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "20000");
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            if (instanceId != null) {
                props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
            }
            props.putAll(extra);
            Member member = new Member(KafkaClients.consumer(broker.bootstrapServers(), props), topic, clientId);
            member.thread.start();
            return member;
        }

        private void run(String topic) {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    owned.removeAll(partitions);
                    revoked.addAll(partitions);
                    rebalanceEvents.add("revoked " + partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    owned.addAll(partitions);
                    rebalanceEvents.add("assigned " + partitions);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    owned.removeAll(partitions);
                    rebalanceEvents.add("lost " + partitions);
                }
            });
            try {
                while (running) {
                    consumer.poll(Duration.ofMillis(50)).forEach(records::add);
                    Runnable task;
                    while ((task = tasks.poll()) != null) {
                        task.run();
                    }
                }
            } finally {
                consumer.close(CloseOptions.groupMembershipOperation(closeOperation));
            }
        }

        Set<TopicPartition> assignment() {
            return Set.copyOf(owned);
        }

        /** Runs {@code action} on the consumer's thread and waits for its result. */
        <T> T call(Function<KafkaConsumer<String, String>, T> action) throws Exception {
            CompletableFuture<T> result = new CompletableFuture<>();
            tasks.add(() -> {
                try {
                    result.complete(action.apply(consumer));
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
            return result.get(20, TimeUnit.SECONDS);
        }

        /** Stops polling and closes the consumer, leaving the group or not as {@code operation} says. */
        void close(CloseOptions.GroupMembershipOperation operation) {
            closeOperation = operation;
            running = false;
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            close(CloseOptions.GroupMembershipOperation.DEFAULT);
        }
    }
}
