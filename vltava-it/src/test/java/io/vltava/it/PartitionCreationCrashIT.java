package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vltava.testing.BrokerProcess;
import io.vltava.testing.KafkaClients;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

/**
 * Kills a broker with SIGKILL while CreateTopics requests create many partitions, restarts it, and
 * checks that every topic whose creation was answered has all its partitions, each taking records,
 * and that no partition directory the crash left half-made survives the start.
 */
class PartitionCreationCrashIT {

    private static final int TOPICS_PER_REQUEST = 2;
    private static final int PARTITIONS = 50;

    @Test
    void partitionsWhoseCreationWasAnsweredSurviveAKill() throws Exception {
        Set<String> answered = ConcurrentHashMap.newKeySet();
        AtomicBoolean running = new AtomicBoolean(true);
        try (BrokerProcess broker = BrokerProcess.start(BrokerProcess.repositoryRoot(), List.of())) {
            Thread creator = new Thread(() -> createUntilStopped(broker.bootstrapServers(), running, answered), "topic-creator");
            creator.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> answered.size() >= 3 * TOPICS_PER_REQUEST);
            broker.kill();
            running.set(false);
            creator.join(60_000);

            broker.restart();

            try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
                Map<String, TopicDescription> topics = admin.describeTopics(answered).allTopicNames().get();
                assertThat(topics.values()).allSatisfy(topic -> assertThat(topic.partitions()).hasSize(PARTITIONS));
            }
            try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers())) {
                List<Future<RecordMetadata>> sends = new ArrayList<>();
                for (String topic : answered) {
                    for (int p = 0; p < PARTITIONS; p++) {
                        sends.add(producer.send(new ProducerRecord<>(topic, p, "k", "after the crash")));
                    }
                }
                for (Future<RecordMetadata> send : sends) {
                    assertThat(send.get().offset()).isZero();
                }
            }
            assertThat(partitionDirectories(broker.dataDir())).as("every partition directory left has its topic id")
                    .allSatisfy(dir -> assertThat(dir.resolve("partition.metadata")).isNotEmptyFile());
        }
    }

    /** Creates topics of {@value #PARTITIONS} partitions, {@value #TOPICS_PER_REQUEST} per request, until the broker dies. */
    private static void createUntilStopped(String bootstrap, AtomicBoolean running, Set<String> answered) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        try (Admin admin = Admin.create(props)) {
            for (int request = 0; running.get(); request++) {
                List<NewTopic> topics = new ArrayList<>();
                for (int t = 0; t < TOPICS_PER_REQUEST; t++) {
                    topics.add(new NewTopic("created-" + request + "-" + t, PARTITIONS, (short) 1));
                }
                admin.createTopics(topics).all().get();
                topics.forEach(topic -> answered.add(topic.name()));
            }
        } catch (Exception e) {
            // The broker was killed: requests not answered by then may or may not have created their topics.
        }
    }

    private static List<Path> partitionDirectories(Path dataDir) throws IOException {
        try (Stream<Path> entries = Files.list(dataDir)) {
            return entries.filter(Files::isDirectory).filter(dir -> dir.getFileName().toString().startsWith("created-")).toList();
        }
    }
}
