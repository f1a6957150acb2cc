package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vltava.testing.EmbeddedBroker;
import io.vltava.testing.KafkaClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The consumer group protocol (KIP-848) with Kafka's own consumer, group.protocol=consumer. */
class ConsumerGroupIT {

    private static final int SESSION_TIMEOUT_MS = 5_000;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static EmbeddedBroker broker;
    private static Admin admin;
    private final List<KafkaConsumer<String, String>> consumers = new ArrayList<>();

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.start(Map.of(
                "group.consumer.heartbeat.interval.ms", "500",
                "group.consumer.session.timeout.ms", Integer.toString(SESSION_TIMEOUT_MS),
                "offsets.topic.num.partitions", "4"));
        admin = KafkaClients.admin(broker.bootstrapServers());
    }

    @AfterAll
    static void stopBroker() {
        admin.close();
        broker.close();
    }

    @AfterEach
    void closeConsumers() {
        consumers.forEach(consumer -> consumer.close(CloseOptions.timeout(Duration.ofSeconds(5))));
        consumers.clear();
    }

    @Test
    void threeConsumersShareSixPartitionsAndReadEveryRecordOnce() throws Exception {
        createTopic("shared", 6);
        List<KafkaConsumer<String, String>> members = List.of(consumer("shared-group", Map.of()), consumer("shared-group", Map.of()),
                consumer("shared-group", Map.of()));
        members.forEach(consumer -> consumer.subscribe(List.of("shared")));
        Map<KafkaConsumer<String, String>, List<ConsumerRecord<String, String>>> received = new ConcurrentHashMap<>();
        pollUntil(members, received, () -> members.stream().allMatch(consumer -> consumer.assignment().size() == 2));
        assertDisjointAndComplete(members, 6);

        produce("shared", 6, 600);
        pollUntil(members, received, () -> received.values().stream().mapToInt(List::size).sum() >= 600);

        Set<String> seen = new HashSet<>();
        for (KafkaConsumer<String, String> consumer : members) {
            Set<Integer> partitions = partitions(consumer.assignment());
            for (ConsumerRecord<String, String> record : received.getOrDefault(consumer, List.of())) {
                assertThat(partitions).contains(record.partition());
                assertThat(seen.add(record.partition() + "@" + record.offset())).as("read once").isTrue();
            }
        }
        assertThat(seen).hasSize(600);

        ConsumerGroupDescription described = admin.describeConsumerGroups(List.of("shared-group")).describedGroups().get("shared-group").get();
        assertThat(described.type()).isEqualTo(GroupType.CONSUMER);
        assertThat(described.groupState()).isEqualTo(GroupState.STABLE);
        assertThat(described.partitionAssignor()).isEqualTo("uniform");
        assertThat(described.members()).hasSize(3);
        Set<TopicPartition> describedPartitions = new HashSet<>();
        for (MemberDescription member : described.members()) {
            assertThat(member.assignment().topicPartitions()).hasSize(2);
            assertThat(member.targetAssignment()).hasValueSatisfying(target -> assertThat(target).isEqualTo(member.assignment()));
            describedPartitions.addAll(member.assignment().topicPartitions());
        }
        assertThat(describedPartitions).hasSize(6);
        assertThat(members.stream().flatMap(consumer -> consumer.assignment().stream()).collect(Collectors.toSet())).isEqualTo(describedPartitions);
    }

    /**
     * A member that stops heartbeating keeps its partitions until its session times out. The member is
     * static and closes with REMAIN_IN_GROUP (epoch -2, no leave): a dynamic member closed that way
     * still sends a leave heartbeat with kafka-clients 4.4, whose heartbeat manager sends one whenever
     * the member is in the LEAVING state.
     */
    @Test
    void theSilentMembersPartitionsMoveAfterItsSessionTimesOut() throws Exception {
        createTopic("failover", 6);
        KafkaConsumer<String, String> survivor = consumer("failover-group", Map.of());
        KafkaConsumer<String, String> silent = consumer("failover-group", Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "failover-1"));
        List<KafkaConsumer<String, String>> members = List.of(survivor, silent);
        members.forEach(consumer -> consumer.subscribe(List.of("failover")));
        pollUntil(members, null, () -> survivor.assignment().size() == 3 && silent.assignment().size() == 3);

        consumers.remove(silent);
        silent.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));
        long closedAt = System.nanoTime();
        pollUntil(List.of(survivor), null, () -> survivor.assignment().size() == 6);

        assertThat(Duration.ofNanos(System.nanoTime() - closedAt)).as("moved by the session timeout")
                .isGreaterThanOrEqualTo(Duration.ofMillis(SESSION_TIMEOUT_MS - 1_000));
        assertThat(admin.describeConsumerGroups(List.of("failover-group")).describedGroups().get("failover-group").get().members())
                .hasSize(1);
    }

    @Test
    void aNewMemberTakesPartitionsOnlyFromTheOthersAndTheRestStayPut() throws Exception {
        createTopic("growing", 6);
        RecordingListener firstListener = new RecordingListener();
        RecordingListener secondListener = new RecordingListener();
        KafkaConsumer<String, String> first = consumer("growing-group", Map.of());
        KafkaConsumer<String, String> second = consumer("growing-group", Map.of());
        first.subscribe(List.of("growing"), firstListener);
        second.subscribe(List.of("growing"), secondListener);
        pollUntil(List.of(first, second), null, () -> first.assignment().size() == 3 && second.assignment().size() == 3);
        Set<TopicPartition> firstBefore = Set.copyOf(first.assignment());
        Set<TopicPartition> secondBefore = Set.copyOf(second.assignment());
        firstListener.revoked.clear();
        secondListener.revoked.clear();

        KafkaConsumer<String, String> third = consumer("growing-group", Map.of());
        third.subscribe(List.of("growing"));
        List<KafkaConsumer<String, String>> members = List.of(first, second, third);
        pollUntil(members, null, () -> members.stream().allMatch(consumer -> consumer.assignment().size() == 2));

        assertDisjointAndComplete(members, 6);
        assertThat(firstBefore).containsAll(first.assignment());
        assertThat(secondBefore).containsAll(second.assignment());
        assertThat(firstListener.revoked).as("only what the new member takes is revoked").hasSize(1).doesNotContainAnyElementsOf(first.assignment());
        assertThat(secondListener.revoked).hasSize(1).doesNotContainAnyElementsOf(second.assignment());
    }

    @Test
    void theRangeAssignorGivesContiguousPartitions() throws Exception {
        createTopic("ranged", 6);
        Map<String, String> range = Map.of(ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG, "range");
        List<KafkaConsumer<String, String>> members = List.of(consumer("ranged-group", range), consumer("ranged-group", range));
        members.forEach(consumer -> consumer.subscribe(List.of("ranged")));
        pollUntil(members, null, () -> members.stream().allMatch(consumer -> consumer.assignment().size() == 3));

        assertDisjointAndComplete(members, 6);
        for (KafkaConsumer<String, String> consumer : members) {
            Set<Integer> partitions = partitions(consumer.assignment());
            assertThat(partitions).isIn(Set.of(0, 1, 2), Set.of(3, 4, 5));
        }
        assertThat(admin.describeConsumerGroups(List.of("ranged-group")).describedGroups().get("ranged-group").get().partitionAssignor())
                .isEqualTo("range");
    }

    @Test
    void aStaticMemberRejoiningUnderItsInstanceIdGetsItsPartitionsBack() throws Exception {
        createTopic("static", 4);
        Map<String, String> instance = Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "instance-1");
        KafkaConsumer<String, String> staticMember = consumer("static-group", instance);
        RecordingListener otherListener = new RecordingListener();
        KafkaConsumer<String, String> other = consumer("static-group", Map.of());
        staticMember.subscribe(List.of("static"));
        other.subscribe(List.of("static"), otherListener);
        pollUntil(List.of(staticMember, other), null, () -> staticMember.assignment().size() == 2 && other.assignment().size() == 2);
        Set<TopicPartition> owned = Set.copyOf(staticMember.assignment());
        Set<TopicPartition> othersOwned = Set.copyOf(other.assignment());
        otherListener.revoked.clear();

        consumers.remove(staticMember);
        staticMember.close();
        KafkaConsumer<String, String> rejoined = consumer("static-group", instance);
        rejoined.subscribe(List.of("static"));
        pollUntil(List.of(rejoined, other), null, () -> rejoined.assignment().size() == 2);

        assertThat(rejoined.assignment()).isEqualTo(owned);
        assertThat(other.assignment()).isEqualTo(othersOwned);
        assertThat(otherListener.revoked).as("the other member never lost a partition").isEmpty();
        ConsumerGroupDescription described = admin.describeConsumerGroups(List.of("static-group")).describedGroups().get("static-group").get();
        assertThat(described.members()).hasSize(2).anySatisfy(member -> assertThat(member.groupInstanceId()).hasValue("instance-1"));
    }

    @Test
    void committedOffsetsSurviveABrokerRestart() throws Exception {
        createTopic("durable", 2);
        produce("durable", 2, 100);
        KafkaConsumer<String, String> reader = consumer("durable-group", Map.of());
        reader.subscribe(List.of("durable"));
        Map<KafkaConsumer<String, String>, List<ConsumerRecord<String, String>>> received = new ConcurrentHashMap<>();
        pollUntil(List.of(reader), received, () -> received.getOrDefault(reader, List.of()).size() >= 100);
        reader.commitSync();
        consumers.remove(reader);
        reader.close();

        admin.close();
        broker.restart();
        admin = KafkaClients.admin(broker.bootstrapServers());

        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("durable-group").partitionsToOffsetAndMetadata().get();
        assertThat(committed).containsOnlyKeys(new TopicPartition("durable", 0), new TopicPartition("durable", 1));
        assertThat(committed.values()).allSatisfy(offset -> assertThat(offset.offset()).isEqualTo(50));
        ConsumerGroupDescription described = admin.describeConsumerGroups(List.of("durable-group")).describedGroups().get("durable-group").get();
        assertThat(described.type()).isEqualTo(GroupType.CONSUMER);
        assertThat(described.groupState()).isEqualTo(GroupState.EMPTY);

        produce("durable", 2, 10);
        KafkaConsumer<String, String> resumed = consumer("durable-group", Map.of());
        resumed.subscribe(List.of("durable"));
        received.clear();
        pollUntil(List.of(resumed), received, () -> received.getOrDefault(resumed, List.of()).size() >= 10);
        assertThat(received.get(resumed)).hasSize(10).allSatisfy(record -> assertThat(record.offset()).isGreaterThanOrEqualTo(50));
    }

    // ---- helpers

    private KafkaConsumer<String, String> consumer(String groupId, Map<String, String> extra) {
        Properties props = new Properties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.putAll(extra);
        KafkaConsumer<String, String> consumer = KafkaClients.consumer(broker.bootstrapServers(), props);
        consumers.add(consumer);
        return consumer;
    }

    private static void createTopic(String name, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
    }

    private static void produce(String topic, int partitions, int count) throws Exception {
        try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, i % partitions, "k" + i, "v" + i));
            }
            producer.flush();
        }
    }

    /** Polls every consumer, from this thread, until {@code done} holds; records go to {@code received} if given. */
    private static void pollUntil(Collection<KafkaConsumer<String, String>> members,
                                  Map<KafkaConsumer<String, String>, List<ConsumerRecord<String, String>>> received, Callable<Boolean> done) {
        await().atMost(WAIT).pollInSameThread().pollInterval(Duration.ofMillis(10)).until(() -> {
            for (KafkaConsumer<String, String> consumer : members) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(50))) {
                    if (received != null) {
                        received.computeIfAbsent(consumer, c -> new ArrayList<>()).add(record);
                    }
                }
            }
            return done.call();
        });
    }

    private static void assertDisjointAndComplete(List<KafkaConsumer<String, String>> members, int partitions) {
        Set<TopicPartition> all = new HashSet<>();
        int total = 0;
        for (KafkaConsumer<String, String> consumer : members) {
            all.addAll(consumer.assignment());
            total += consumer.assignment().size();
        }
        assertThat(total).as("no partition twice").isEqualTo(partitions);
        assertThat(all).hasSize(partitions);
    }

    private static Set<Integer> partitions(Set<TopicPartition> assignment) {
        return assignment.stream().map(TopicPartition::partition).collect(Collectors.toSet());
    }

    /** Remembers the partitions a consumer was asked to give up. */
    private static final class RecordingListener implements ConsumerRebalanceListener {

        final Set<TopicPartition> revoked = ConcurrentHashMap.newKeySet();

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            revoked.addAll(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        }
    }
}
