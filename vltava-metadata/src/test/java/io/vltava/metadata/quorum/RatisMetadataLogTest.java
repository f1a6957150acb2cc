package io.vltava.metadata.quorum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vltava.metadata.image.ConfigResource;
import io.vltava.metadata.image.MetadataApplier;
import io.vltava.metadata.image.MetadataDelta;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.record.ConfigRecord;
import io.vltava.metadata.record.ConfigResourceType;
import io.vltava.metadata.record.MetadataRecord;
import io.vltava.metadata.record.MetadataRecordSerde;
import io.vltava.metadata.record.PartitionRecord;
import io.vltava.metadata.record.ProducerIdsRecord;
import io.vltava.metadata.record.RegisterBrokerRecord;
import io.vltava.metadata.record.RemoveTopicRecord;
import io.vltava.metadata.record.TopicRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Ratis metadata log as one voter on 127.0.0.1 with its storage in a temporary directory. Every
 * test closes what it started, and checks that no non-daemon thread outlives the log.
 */
class RatisMetadataLogTest {

    private static final List<QuorumVoter> VOTERS = List.of(new QuorumVoter(1, "127.0.0.1", 0));
    private static final UUID ORDERS = new UUID(0, 1);
    private static final UUID PAYMENTS = new UUID(0, 2);
    private static final Pattern SNAPSHOT = Pattern.compile("snapshot\\.(\\d+)_(\\d+)");

    @TempDir
    Path dir;

    private final List<RatisMetadataLog> opened = new ArrayList<>();
    private Set<Thread> threadsBefore;

    @BeforeEach
    void rememberThreads() {
        threadsBefore = nonDaemonThreads();
    }

    @AfterEach
    void closeEverythingAndLeaveNoThreads() {
        opened.forEach(RatisMetadataLog::close);
        Awaitility.await("non-daemon threads of the metadata log to end")
                .pollInSameThread()
                .atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(newNonDaemonThreads()).isEmpty());
    }

    private static Set<Thread> nonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && !t.isDaemon()).collect(Collectors.toSet());
    }

    private List<String> newNonDaemonThreads() {
        return nonDaemonThreads().stream().filter(t -> !threadsBefore.contains(t)).map(Thread::getName).sorted().toList();
    }

    private RatisMetadataLog start(MetadataApplier applier) {
        RatisMetadataLog log = RatisMetadataLog.start(1, VOTERS, dir, applier, Duration.ofSeconds(30));
        opened.add(log);
        return log;
    }

    private static long append(MetadataLog log, MetadataRecord... records) {
        try {
            return log.append(List.of(records)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("append failed", e);
        }
    }

    private static RegisterBrokerRecord broker() {
        return new RegisterBrokerRecord(1, new UUID(1, 1), List.of(new RegisterBrokerRecord.BrokerEndpoint("PLAINTEXT", "localhost", 9092,
                "PLAINTEXT")), null);
    }

    private static PartitionRecord partition(UUID topic, int index) {
        return new PartitionRecord(topic, index, List.of(1), List.of(1), 1, 0, 0);
    }

    /** Ratis' state machine directory: where the snapshots are. */
    private Path stateMachineDir() {
        return dir.resolve(RatisMetadataLog.GROUP_ID.getUuid().toString()).resolve("sm");
    }

    /** Snapshot files (not their .md5), newest last. */
    private List<Path> snapshots() throws IOException {
        if (!Files.isDirectory(stateMachineDir())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(stateMachineDir())) {
            return files.filter(p -> SNAPSHOT.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparingLong(RatisMetadataLogTest::snapshotIndex))
                    .toList();
        }
    }

    private static long snapshotIndex(Path snapshot) {
        Matcher matcher = SNAPSHOT.matcher(snapshot.getFileName().toString());
        if (!matcher.matches()) {
            throw new IllegalArgumentException(snapshot.toString());
        }
        return Long.parseLong(matcher.group(2));
    }

    /** The image a snapshot file holds. */
    private static MetadataImage readSnapshot(Path snapshot) throws IOException {
        MetadataDelta delta = new MetadataDelta(MetadataImage.EMPTY);
        MetadataRecordSerde.decode(Files.readAllBytes(snapshot)).forEach(delta::replay);
        return delta.apply(snapshotIndex(snapshot));
    }

    private static void assertSameContent(MetadataImage actual, MetadataImage expected) {
        assertThat(actual.topics()).isEqualTo(expected.topics());
        assertThat(actual.configs()).isEqualTo(expected.configs());
        assertThat(actual.brokers()).isEqualTo(expected.brokers());
        assertThat(actual.nextProducerId()).isEqualTo(expected.nextProducerId());
    }

    @Test
    void appliesCommittedRecordsToTheImage() {
        MetadataApplier applier = new MetadataApplier();
        List<Long> published = Collections.synchronizedList(new ArrayList<>());
        applier.addPublisher((delta, image) -> published.add(image.offset()));
        RatisMetadataLog log = start(applier);
        assertThat(log.image()).isEqualTo(MetadataImage.EMPTY);

        long offset = append(log, new TopicRecord("orders", ORDERS), partition(ORDERS, 0), partition(ORDERS, 1));

        MetadataImage image = log.image();
        assertThat(image).isSameAs(applier.image());
        assertThat(image.offset()).isEqualTo(offset);
        assertThat(image.topics().get("orders").id()).isEqualTo(ORDERS);
        assertThat(image.topics().get("orders").partitionCount()).isEqualTo(2);
        assertThat(published).containsExactly(-1L, offset);

        log.close();
        log.close();
    }

    @Test
    void givesEachEntryAHigherOffset() throws Exception {
        MetadataApplier applier = new MetadataApplier();
        List<Long> published = Collections.synchronizedList(new ArrayList<>());
        applier.addPublisher((delta, image) -> published.add(image.offset()));
        RatisMetadataLog log = start(applier);

        List<CompletableFuture<Long>> futures = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            futures.add(log.append(List.of(new ProducerIdsRecord(1, i * 1000L))));
        }
        List<Long> offsets = new ArrayList<>();
        for (CompletableFuture<Long> future : futures) {
            offsets.add(future.get(30, TimeUnit.SECONDS));
        }

        assertThat(offsets).doesNotHaveDuplicates();
        assertThat(log.image().nextProducerId()).isEqualTo(50_000);
        assertThat(log.image().offset()).isEqualTo(Collections.max(offsets));
        assertThat(published.subList(1, published.size())).hasSize(50).isSorted().doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(offsets);
    }

    @Test
    void rebuildsTheImageOnRestart() throws IOException {
        RatisMetadataLog log = start(new MetadataApplier());
        append(log, broker());
        append(log, new TopicRecord("orders", ORDERS), partition(ORDERS, 0));
        append(log, new TopicRecord("payments", PAYMENTS), partition(PAYMENTS, 0));
        append(log, new ConfigRecord(ConfigResourceType.TOPIC, "payments", "retention.ms", "1000"));
        append(log, new ConfigRecord(ConfigResourceType.TOPIC, "orders", "retention.ms", "5"));
        append(log, new RemoveTopicRecord(ORDERS));
        long last = append(log, new ProducerIdsRecord(1, 2000));
        MetadataImage before = log.image();
        log.close();

        // Ratis snapshots on close; that snapshot holds the image.
        List<Path> snapshots = snapshots();
        assertThat(snapshots).isNotEmpty();
        assertSameContent(readSnapshot(snapshots.get(snapshots.size() - 1)), before);
        Path unfinished = Files.writeString(stateMachineDir().resolve("snapshot.1_3.tmp"), "half");

        MetadataApplier applier = new MetadataApplier();
        List<Long> published = Collections.synchronizedList(new ArrayList<>());
        applier.addPublisher((delta, image) -> published.add(image.offset()));
        RatisMetadataLog restarted = start(applier);

        assertSameContent(restarted.image(), before);
        assertThat(restarted.image().offset()).isGreaterThanOrEqualTo(last);
        assertThat(restarted.image().topics().byName()).containsOnlyKeys("payments");
        assertThat(restarted.image().configs(new ConfigResource(ConfigResourceType.TOPIC, "payments"))).containsEntry("retention.ms", "1000");
        assertThat(restarted.image().configs(new ConfigResource(ConfigResourceType.TOPIC, "orders"))).isEmpty();
        assertThat(published).isSorted();
        assertThat(unfinished).doesNotExist();

        long next = append(restarted, new ProducerIdsRecord(1, 3000));
        assertThat(next).isGreaterThan(last).isEqualTo(restarted.image().offset());
        assertThat(restarted.image().nextProducerId()).isEqualTo(3000);
    }

    @Test
    void replaysTheWholeLogWhenThereIsNoSnapshot() throws IOException {
        RatisMetadataLog log = start(new MetadataApplier());
        List<Long> offsets = new ArrayList<>();
        offsets.add(append(log, broker()));
        offsets.add(append(log, new TopicRecord("orders", ORDERS), partition(ORDERS, 0)));
        offsets.add(append(log, partition(ORDERS, 1)));
        offsets.add(append(log, new ConfigRecord(ConfigResourceType.TOPIC, "orders", "cleanup.policy", "compact")));
        MetadataImage before = log.image();
        log.close();
        for (Path snapshot : snapshots()) {
            Files.delete(snapshot);
            Files.deleteIfExists(snapshot.resolveSibling(snapshot.getFileName() + ".md5"));
        }

        MetadataApplier applier = new MetadataApplier();
        List<Long> published = Collections.synchronizedList(new ArrayList<>());
        applier.addPublisher((delta, image) -> published.add(image.offset()));
        RatisMetadataLog restarted = start(applier);

        assertThat(restarted.image()).isEqualTo(before);
        assertThat(published.subList(1, published.size())).isEqualTo(offsets);
    }

    @Test
    void takesASnapshotAfterManyEntriesAndRestartsFromIt() throws Exception {
        RatisMetadataLog log = start(new MetadataApplier());
        append(log, broker());
        for (int t = 0; t < 20; t++) {
            UUID id = new UUID(5, t);
            append(log, new TopicRecord("topic-" + t, id), partition(id, 0), partition(id, 1),
                    new ConfigRecord(ConfigResourceType.TOPIC, "topic-" + t, "retention.ms", Integer.toString(t)));
        }
        append(log, new RemoveTopicRecord(new UUID(5, 7)));
        List<CompletableFuture<Long>> pending = new ArrayList<>();
        for (int i = 1; i <= 10_000 && snapshots().isEmpty(); i++) {
            pending.add(log.append(List.of(new ProducerIdsRecord(1, i))));
            if (pending.size() == 500) {
                CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                pending.clear();
            }
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        Awaitility.await("an automatic snapshot").atMost(Duration.ofSeconds(30)).until(() -> !snapshots().isEmpty());
        Path snapshot = snapshots().get(0);
        MetadataImage snapshotImage = readSnapshot(snapshot);
        assertThat(snapshotImage.topics().byName()).hasSize(19).doesNotContainKey("topic-7");
        assertThat(snapshotImage.configs(new ConfigResource(ConfigResourceType.TOPIC, "topic-3"))).containsEntry("retention.ms", "3");
        assertThat(snapshotImage.brokers()).containsOnlyKeys(1);
        assertThat(snapshotImage.nextProducerId()).isPositive();
        assertThat(snapshot.resolveSibling(snapshot.getFileName() + ".md5")).exists();

        append(log, new ConfigRecord(ConfigResourceType.TOPIC, "topic-3", "retention.ms", null));
        MetadataImage before = log.image();
        log.close();

        MetadataApplier applier = new MetadataApplier();
        List<Long> published = Collections.synchronizedList(new ArrayList<>());
        applier.addPublisher((delta, image) -> published.add(image.offset()));
        RatisMetadataLog restarted = start(applier);

        assertSameContent(restarted.image(), before);
        assertThat(restarted.image().configs(new ConfigResource(ConfigResourceType.TOPIC, "topic-3"))).isEmpty();
        assertThat(published).as("a restart loads the snapshot rather than replaying every entry").hasSizeLessThan(10);
    }

    @Test
    void refusesANodeThatIsNotAVoter() {
        assertThatThrownBy(() -> RatisMetadataLog.start(2, VOTERS, dir, new MetadataApplier(), Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not among the quorum voters");
    }
}
