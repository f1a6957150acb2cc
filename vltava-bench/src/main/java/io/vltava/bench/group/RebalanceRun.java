package io.vltava.bench.group;

import io.vltava.testing.KafkaClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * How long a consumer group takes to settle when a member joins or leaves: a group of Java consumers
 * (one thread each, polling every few milliseconds) subscribed to one topic; a member counts as
 * settled when every partition is owned by exactly one live member and every live member owns some.
 * Each join is timed from the new consumer's creation, each leave from its close.
 *
 * <p>Threading: {@link #run} from one thread; it starts and stops one thread per member.
 */
final class RebalanceRun {

    private static final Duration POLL = Duration.ofMillis(5);
    private static final long SETTLE_TIMEOUT_NANOS = TimeUnit.MINUTES.toNanos(2);

    private final String bootstrap;
    private final String topic;
    private final int partitions;
    private final Properties consumerProperties;
    private final Map<Integer, Set<TopicPartition>> owned = new ConcurrentHashMap<>();
    private final List<Member> members = new ArrayList<>();
    private int nextMemberId;

    /**
     * @param protocol "classic" or "consumer"
     */
    RebalanceRun(String bootstrap, String topic, int partitions, String groupId, String protocol) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.partitions = partitions;
        this.consumerProperties = new Properties();
        consumerProperties.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        consumerProperties.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
        consumerProperties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    }

    /** The seconds each join and each leave took, after the group first settled with {@code size} members. */
    record Result(List<Double> joinSeconds, List<Double> leaveSeconds) {
    }

    Result run(int size, int joins) {
        try {
            for (int i = 0; i < size; i++) {
                members.add(start());
            }
            awaitSettled();
            List<Double> joinSeconds = new ArrayList<>();
            List<Double> leaveSeconds = new ArrayList<>();
            for (int i = 0; i < joins; i++) {
                long started = System.nanoTime();
                Member joined = start();
                members.add(joined);
                awaitSettled();
                joinSeconds.add((System.nanoTime() - started) / 1e9);

                started = System.nanoTime();
                members.remove(joined);
                joined.stop();
                awaitSettled();
                leaveSeconds.add((System.nanoTime() - started) / 1e9);
            }
            return new Result(joinSeconds, leaveSeconds);
        } finally {
            members.forEach(Member::stop);
            members.clear();
        }
    }

    private Member start() {
        Member member = new Member(nextMemberId++);
        member.thread.start();
        return member;
    }

    private void awaitSettled() {
        long deadline = System.nanoTime() + SETTLE_TIMEOUT_NANOS;
        while (!settled()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The group did not settle within 2 minutes: " + owned);
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the group to settle", e);
            }
        }
    }

    private boolean settled() {
        Set<TopicPartition> all = new HashSet<>();
        int total = 0;
        for (Member member : members) {
            Set<TopicPartition> mine = owned.getOrDefault(member.id, Set.of());
            if (mine.isEmpty()) {
                return false;
            }
            all.addAll(mine);
            total += mine.size();
        }
        for (Integer id : owned.keySet()) {
            if (members.stream().noneMatch(member -> member.id == id) && !owned.get(id).isEmpty()) {
                return false;
            }
        }
        return all.size() == partitions && total == partitions;
    }

    /** One consumer on its own thread, publishing what it owns after every poll. */
    private final class Member {

        private final int id;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;
        private volatile KafkaConsumer<String, String> consumer;

        Member(int id) {
            this.id = id;
            this.thread = new Thread(this::poll, "group-member-" + id);
        }

        private void poll() {
            try (KafkaConsumer<String, String> member = KafkaClients.consumer(bootstrap, consumerProperties)) {
                consumer = member;
                member.subscribe(List.of(topic));
                while (running.get()) {
                    member.poll(POLL);
                    owned.put(id, Collections.unmodifiableSet(new HashSet<>(member.assignment())));
                }
            } catch (WakeupException stopping) {
                // stop() woke the poll; closing leaves the group.
            } finally {
                owned.remove(id);
            }
        }

        void stop() {
            running.set(false);
            KafkaConsumer<String, String> current = consumer;
            if (current != null) {
                current.wakeup();
            }
            try {
                thread.join(TimeUnit.MINUTES.toMillis(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
