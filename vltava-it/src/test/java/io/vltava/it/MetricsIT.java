package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vltava.testing.BrokerProcess;
import io.vltava.testing.EmbeddedBroker;
import io.vltava.testing.KafkaClients;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus endpoint of a running broker, scraped over HTTP while real clients produce, consume
 * and commit: topic, request, connection, log and consumer group metrics move as the traffic says, the
 * Grafana dashboard queries only metrics the broker has, and metrics.listener turns the endpoint off or
 * stops a broker it cannot serve.
 */
class MetricsIT {

    private static final String TOPIC = "metered";
    private static final String GROUP = "metered-readers";
    private static final int RECORDS = 1000;
    /** The metric names in a PromQL expression: every name the broker exposes starts with one of these. */
    private static final Pattern METRIC_NAME = Pattern.compile("\\b(?:kafka|jvm|process)_[a-zA-Z0-9_]+");

    private static EmbeddedBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.start(Map.of("offsets.topic.num.partitions", "3"));
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void trafficShowsInTheTopicRequestConnectionLogAndGroupMetrics() throws Exception {
        long payloadBytes = 0;
        try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers())) {
            for (int i = 0; i < RECORDS; i++) {
                String key = "key-" + i;
                String value = "value-" + i + "-" + "x".repeat(100);
                payloadBytes += key.getBytes(StandardCharsets.UTF_8).length + value.getBytes(StandardCharsets.UTF_8).length;
                producer.send(new ProducerRecord<>(TOPIC, key, value));
            }
            producer.flush();

            PrometheusScrape produced = PrometheusScrape.of(broker.metricsPort());
            assertThat(produced.sum("kafka_server_brokertopicmetrics_messagesin_total", "topic", TOPIC)).isEqualTo(RECORDS);
            assertThat(produced.sum("kafka_server_brokertopicmetrics_bytesin_total", "topic", TOPIC)).isGreaterThanOrEqualTo(payloadBytes);
            assertThat(produced.sum("kafka_server_brokertopicmetrics_totalproducerequests_total", "topic", TOPIC)).isGreaterThanOrEqualTo(1);
            assertThat(produced.sum("kafka_server_brokertopicmetrics_failedproducerequests_total", "topic", TOPIC)).isZero();
            assertThat(produced.sum("kafka_network_requestmetrics_requests_total", "request", "Produce")).isGreaterThanOrEqualTo(1);
            assertThat(produced.sum("kafka_network_requestmetrics_totaltime_seconds_count", "request", "Produce")).isGreaterThanOrEqualTo(1);
            assertThat(produced.sum("kafka_network_requestmetrics_requestqueuetime_seconds_count", "request", "Produce")).isGreaterThanOrEqualTo(1);
            assertThat(produced.sum("kafka_server_socketservermetrics_connection_count", "listener", "PLAINTEXT"))
                    .as("the producer is still connected").isGreaterThanOrEqualTo(1);
            assertThat(produced.sum("kafka_log_log_logendoffset", "topic", TOPIC)).isEqualTo(RECORDS);
            assertThat(produced.find("kafka_log_log_size", "topic", TOPIC)).hasSize(2);
            assertThat(produced.sum("kafka_log_log_size", "topic", TOPIC)).isGreaterThanOrEqualTo(payloadBytes);
            assertThat(produced.sum("kafka_server_replicamanager_partitioncount")).isGreaterThanOrEqualTo(2);
            assertThat(produced.sum("kafka_controller_kafkacontroller_activecontrollercount")).isEqualTo(1);
            assertThat(produced.names()).contains("jvm_memory_used_bytes", "kafka_server_replicamanager_underreplicatedpartitions");
            double bytesOutBefore = produced.sum("kafka_server_brokertopicmetrics_bytesout_total", "topic", TOPIC);

            consumeAndCommitEverything();

            PrometheusScrape consumed = PrometheusScrape.of(broker.metricsPort());
            assertThat(consumed.sum("kafka_server_brokertopicmetrics_bytesout_total", "topic", TOPIC)).isGreaterThan(bytesOutBefore);
            assertThat(consumed.sum("kafka_network_requestmetrics_requests_total", "request", "Fetch")).isGreaterThanOrEqualTo(1);
            assertThat(consumed.sum("kafka_consumergroup_current_offset", "consumergroup", GROUP, "topic", TOPIC)).isEqualTo(RECORDS);
            assertThat(consumed.find("kafka_consumergroup_lag", "consumergroup", GROUP, "topic", TOPIC)).hasSize(2)
                    .allSatisfy(sample -> assertThat(sample.value()).isZero());

            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(TOPIC, "late-" + i, "unread"));
            }
            producer.flush();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                PrometheusScrape.of(broker.metricsPort()).sum("kafka_consumergroup_lag", "consumergroup", GROUP, "topic", TOPIC)).isEqualTo(10));
    }

    private static void consumeAndCommitEverything() {
        Properties props = new Properties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(broker.bootstrapServers(), props)) {
            consumer.subscribe(List.of(TOPIC));
            int[] seen = {0};
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                seen[0] += consumer.poll(Duration.ofMillis(200)).count();
                return seen[0] >= RECORDS;
            });
            consumer.commitSync();
        }
    }

    @Test
    void theGrafanaDashboardQueriesOnlyMetricsTheBrokerExposes() throws Exception {
        TopicPartition partition = new TopicPartition(TOPIC, 0);
        try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(broker.bootstrapServers(),
                properties(ConsumerConfig.GROUP_ID_CONFIG, "dashboard-check"))) {
            consumer.assign(List.of(partition));
            consumer.commitSync(Map.of(partition, new OffsetAndMetadata(0)));
        }
        JsonNode dashboard = new ObjectMapper().readTree(BrokerProcess.repositoryRoot().resolve("docs/grafana/vltava-dashboard.json").toFile());
        List<JsonNode> queries = new ArrayList<>(dashboard.findValues("expr"));
        queries.addAll(dashboard.findValues("definition"));
        Set<String> queried = new TreeSet<>();
        for (JsonNode query : queries) {
            Matcher name = METRIC_NAME.matcher(query.asText());
            while (name.find()) {
                queried.add(name.group());
            }
        }

        assertThat(queried).hasSizeGreaterThan(10).isSubsetOf(PrometheusScrape.of(broker.metricsPort()).names());
    }

    private static Properties properties(String key, String value) {
        Properties props = new Properties();
        props.put(key, value);
        return props;
    }

    @Test
    void anEmptyMetricsListenerTurnsTheEndpointOff() {
        try (EmbeddedBroker quiet = EmbeddedBroker.start(Map.of("metrics.listener", ""))) {
            assertThat(quiet.metricsPort()).isEqualTo(-1);
        }
    }

    @Test
    void aMetricsListenerThatIsNotAnHttpAddressStopsStartUp() {
        assertThatThrownBy(() -> EmbeddedBroker.start(Map.of("metrics.listener", "127.0.0.1:9644")))
                .hasMessage("Invalid value '127.0.0.1:9644' for configuration 'metrics.listener': expected http://host:port");
    }

    @Test
    void aTakenMetricsPortStopsStartUpNamingTheKey() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String listener = "http://127.0.0.1:" + taken.getLocalPort();
            assertThatThrownBy(() -> EmbeddedBroker.start(Map.of("metrics.listener", listener)))
                    .hasMessageStartingWith("Cannot serve metrics on " + listener + " (metrics.listener): ");
        }
    }
}
