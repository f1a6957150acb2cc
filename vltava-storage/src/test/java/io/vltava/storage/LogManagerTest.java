package io.vltava.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vltava.common.time.ManualTime;
import io.vltava.common.topic.TopicPartition;
import io.vltava.storage.checkpoint.OffsetCheckpointFile;
import io.vltava.storage.cleaner.LogCleanerConfig;
import io.vltava.storage.log.AppendError;
import io.vltava.storage.log.FetchIsolation;
import io.vltava.storage.log.LogAppendException;
import io.vltava.storage.log.LogConfig;
import io.vltava.storage.log.PartitionLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogManagerTest {

    private static final LogConfig LOG_CONFIG = LogConfig.builder().segmentBytes(1024 * 1024).segmentIndexBytes(64 * 1024)
            .indexIntervalBytes(256).fileDeleteDelayMs(0L).build();
    private static final long HOUR = 3_600_000L;

    @TempDir
    Path root;

    private final ManualTime time = new ManualTime();
    private final List<LogManager> managers = new ArrayList<>();

    @AfterEach
    void closeManagers() {
        for (LogManager manager : managers) {
            manager.close();
        }
    }

    private LogManagerConfig config(Path... dirs) {
        return new LogManagerConfig(List.of(dirs), HOUR, Long.MAX_VALUE, HOUR, HOUR, HOUR, LogCleanerConfig.DEFAULT, 0L, HOUR);
    }

    private LogManager open(Path... dirs) {
        return open(config(dirs));
    }

    private LogManager open(LogManagerConfig config) {
        LogManager manager = LogManager.open(config, topic -> LOG_CONFIG, time);
        managers.add(manager);
        return manager;
    }

    private static void append(PartitionLog log, int batches) {
        for (int i = 0; i < batches; i++) {
            log.appendAsLeader(TestBatches.batch().records(2).seed(log.logEndOffset()).build(), 0);
        }
    }

    /** Creates the log of orders-0 under a new topic id and appends {@code batches} batches to it. */
    private static PartitionLog ordersWithBatches(LogManager manager, int batches) {
        PartitionLog orders = manager.getOrCreateLog(new TopicPartition("orders", 0), UUID.randomUUID(), LOG_CONFIG);
        append(orders, batches);
        return orders;
    }

    /** Requests for partitions 0 to {@code count - 1} of {@code topic}. */
    private static List<LogCreateRequest> requests(String topic, UUID id, int count, LogConfig config) {
        List<LogCreateRequest> requests = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            requests.add(new LogCreateRequest(new TopicPartition(topic, p), id, config));
        }
        return requests;
    }

    private static byte[] readAll(PartitionLog log) {
        return TestBatches.bytes(log.read(0, Integer.MAX_VALUE, FetchIsolation.LOG_END, false).slice());
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void createsEachLogInTheDirectoryWithTheFewestLogs() throws IOException {
        Path a = root.resolve("a");
        Path b = root.resolve("b");
        LogManager manager = open(a, b);

        for (int p = 0; p < 4; p++) {
            manager.getOrCreateLog(new TopicPartition("orders", p), UUID.randomUUID(), LOG_CONFIG);
        }

        assertThat(names(a).stream().filter(n -> n.startsWith("orders-"))).hasSize(2);
        assertThat(names(b).stream().filter(n -> n.startsWith("orders-"))).hasSize(2);
        assertThat(manager.logs()).hasSize(4);
    }

    @Test
    void logsLoadedAtStartCountTowardsTheirDirectory() throws IOException {
        Path a = root.resolve("a");
        Path b = root.resolve("b");
        LogManager first = open(a);
        first.getOrCreateLog(new TopicPartition("t", 0), UUID.randomUUID(), LOG_CONFIG);
        first.getOrCreateLog(new TopicPartition("t", 1), UUID.randomUUID(), LOG_CONFIG);
        first.close();

        LogManager manager = open(a, b);
        manager.getOrCreateLog(new TopicPartition("u", 0), UUID.randomUUID(), LOG_CONFIG);
        manager.getOrCreateLog(new TopicPartition("u", 1), UUID.randomUUID(), LOG_CONFIG);

        assertThat(names(b)).contains("u-0", "u-1");
        assertThat(manager.log(new TopicPartition("u", 0)).orElseThrow().dir().getParent()).isEqualTo(b);
    }

    @Test
    void getOrCreateLogReturnsTheExistingLogOfTheSameTopicId() {
        LogManager manager = open(root.resolve("a"));
        TopicPartition tp = new TopicPartition("orders", 0);
        UUID id = UUID.randomUUID();

        PartitionLog created = manager.getOrCreateLog(tp, id, LOG_CONFIG);

        assertThat(manager.getOrCreateLog(tp, id, LOG_CONFIG)).isSameAs(created);
        assertThat(manager.log(tp)).containsSame(created);
        assertThat(manager.log(new TopicPartition("orders", 1))).isEmpty();
        assertThat(created.dir()).isEqualTo(root.resolve("a").resolve("orders-0"));
        assertThat(created.topicId()).isEqualTo(id);
    }

    @Test
    void aLogOfAnotherTopicIdIsReplacedByANewEmptyLog() throws IOException {
        Path a = root.resolve("a");
        LogManager manager = open(a);
        TopicPartition tp = new TopicPartition("orders", 0);
        PartitionLog old = manager.getOrCreateLog(tp, UUID.randomUUID(), LOG_CONFIG);
        append(old, 3);
        UUID newId = UUID.randomUUID();

        PartitionLog fresh = manager.getOrCreateLog(tp, newId, LOG_CONFIG);

        assertThat(fresh).isNotSameAs(old);
        assertThat(fresh.topicId()).isEqualTo(newId);
        assertThat(fresh.logEndOffset()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> names(a).stream().noneMatch(n -> n.endsWith(LogManager.DELETE_SUFFIX)));
        assertThat(names(a)).contains("orders-0");
    }

    @Test
    void aSecondManagerOnTheSameDirectoryFailsClearly() {
        Path a = root.resolve("a");
        LogManager first = open(a);
        first.getOrCreateLog(new TopicPartition("orders", 0), UUID.randomUUID(), LOG_CONFIG);

        assertThatThrownBy(() -> open(a)).isInstanceOf(IllegalStateException.class).hasMessageContaining("in use")
                .hasMessageContaining(a.toAbsolutePath().toString());

        // The first manager is unaffected, and once it is closed the directory can be opened again.
        assertThat(first.log(new TopicPartition("orders", 0))).isPresent();
        first.close();
        assertThat(open(a).logs()).hasSize(1);
    }

    @Test
    void closeWritesTheCheckpointsAndTheCleanShutdownMarker() throws IOException {
        Path a = root.resolve("a");
        LogManager manager = open(a);
        append(manager.getOrCreateLog(new TopicPartition("orders", 0), UUID.randomUUID(), LOG_CONFIG), 3);
        append(manager.getOrCreateLog(new TopicPartition("my-topic", 7), UUID.randomUUID(), LOG_CONFIG), 1);
        assertThat(a.resolve(LogManager.CLEAN_SHUTDOWN_FILE)).doesNotExist();

        manager.close();

        assertThat(a.resolve(LogManager.CLEAN_SHUTDOWN_FILE)).exists();
        Map<TopicPartition, Long> recoveryPoints = new OffsetCheckpointFile(a.resolve(OffsetCheckpointFile.RECOVERY_POINT)).read();
        assertThat(recoveryPoints).containsOnly(Map.entry(new TopicPartition("orders", 0), 6L), Map.entry(new TopicPartition("my-topic", 7), 2L));
        Map<TopicPartition, Long> logStarts = new OffsetCheckpointFile(a.resolve(OffsetCheckpointFile.LOG_START_OFFSET)).read();
        assertThat(logStarts).containsOnly(Map.entry(new TopicPartition("orders", 0), 0L), Map.entry(new TopicPartition("my-topic", 7), 0L));
        assertThat(manager.logs()).allMatch(PartitionLog::isClosed);
        manager.close();
        assertThatThrownBy(() -> manager.getOrCreateLog(new TopicPartition("x", 0), UUID.randomUUID(), LOG_CONFIG))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aReopenedManagerLoadsEveryLogWithItsData() {
        Path a = root.resolve("a");
        Path b = root.resolve("b");
        LogManager manager = open(a, b);
        UUID ordersId = UUID.randomUUID();
        PartitionLog orders = manager.getOrCreateLog(new TopicPartition("orders", 0), ordersId, LOG_CONFIG);
        PartitionLog dashes = manager.getOrCreateLog(new TopicPartition("topic-with-dashes", 12), UUID.randomUUID(), LOG_CONFIG);
        append(orders, 4);
        append(dashes, 2);
        byte[] ordersBytes = readAll(orders);
        byte[] dashesBytes = readAll(dashes);
        manager.close();

        LogManager reopened = open(a, b);

        assertThat(reopened.logs()).hasSize(2);
        PartitionLog loadedOrders = reopened.log(new TopicPartition("orders", 0)).orElseThrow();
        PartitionLog loadedDashes = reopened.log(new TopicPartition("topic-with-dashes", 12)).orElseThrow();
        assertThat(loadedOrders.topicId()).isEqualTo(ordersId);
        assertThat(loadedOrders.logEndOffset()).isEqualTo(8);
        assertThat(loadedOrders.recoveryPoint()).isEqualTo(8);
        assertThat(readAll(loadedOrders)).isEqualTo(ordersBytes);
        assertThat(loadedDashes.logEndOffset()).isEqualTo(4);
        assertThat(readAll(loadedDashes)).isEqualTo(dashesBytes);
        assertThat(a.resolve(LogManager.CLEAN_SHUTDOWN_FILE)).as("removed once the logs are loaded").doesNotExist();
        assertThat(b.resolve(LogManager.CLEAN_SHUTDOWN_FILE)).doesNotExist();
        append(loadedOrders, 1);
        assertThat(loadedOrders.logEndOffset()).isEqualTo(10);
    }

    @Test
    void withoutTheCleanShutdownMarkerTheLogsAreRecovered() throws IOException {
        Path a = root.resolve("a");
        LogManager manager = open(a);
        PartitionLog orders = ordersWithBatches(manager, 3);
        byte[] bytes = readAll(orders);
        manager.close();
        Files.delete(a.resolve(LogManager.CLEAN_SHUTDOWN_FILE));
        Path logFile = a.resolve("orders-0").resolve("00000000000000000000.log");
        try (FileChannel channel = FileChannel.open(logFile, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            channel.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}));
        }

        LogManager reopened = open(a);

        PartitionLog recovered = reopened.log(new TopicPartition("orders", 0)).orElseThrow();
        assertThat(recovered.logEndOffset()).isEqualTo(6);
        assertThat(Files.size(logFile)).isEqualTo(bytes.length);
        assertThat(readAll(recovered)).isEqualTo(bytes);
    }

    @Test
    void deleteLogRenamesTheDirectoryAtOnceAndRemovesItLater() throws IOException {
        Path a = root.resolve("a");
        LogManager manager = open(a);
        TopicPartition tp = new TopicPartition("orders", 0);
        append(manager.getOrCreateLog(tp, UUID.randomUUID(), LOG_CONFIG), 2);

        manager.deleteLog(tp);

        assertThat(manager.log(tp)).isEmpty();
        assertThat(a.resolve("orders-0")).doesNotExist();
        await().atMost(Duration.ofSeconds(10)).until(() -> names(a).stream().noneMatch(n -> n.startsWith("orders-0")));
        manager.deleteLog(tp);
        manager.close();
        assertThat(new OffsetCheckpointFile(a.resolve(OffsetCheckpointFile.RECOVERY_POINT)).read()).isEmpty();
    }

    @Test
    void deleteLogsRenamesEveryDirectoryAndKeepsTheCountsRight() throws IOException {
        UUID id = UUID.randomUUID();
        List<LogCreateRequest> requests = requests("orders", id, 10, LOG_CONFIG.toBuilder().fileDeleteDelayMs(HOUR).build());
        Path a = root.resolve("a");
        Path b = root.resolve("b");
        LogManager manager = open(a, b);
        manager.getOrCreateLogs(requests);
        List<TopicPartition> deleted = requests.stream().map(LogCreateRequest::topicPartition).filter(tp -> tp.partition() < 6).toList();

        manager.deleteLogs(deleted);

        assertThat(manager.logs()).extracting(PartitionLog::topicPartition).containsExactlyInAnyOrderElementsOf(
                requests.stream().map(LogCreateRequest::topicPartition).filter(tp -> tp.partition() >= 6).toList());
        List<String> names = new ArrayList<>(names(a));
        names.addAll(names(b));
        for (TopicPartition tp : deleted) {
            assertThat(names).doesNotContain(tp.toString()).anyMatch(n -> n.startsWith(tp + ".") && n.endsWith(LogManager.DELETE_SUFFIX));
        }
        manager.deleteLogs(deleted);
        Path first = manager.getOrCreateLog(new TopicPartition("more", 0), id, LOG_CONFIG).dir().getParent();
        Path second = manager.getOrCreateLog(new TopicPartition("more", 1), id, LOG_CONFIG).dir().getParent();
        assertThat(List.of(first, second)).as("the directories hold 2 and 2 logs again after the deletions, so one each")
                .containsExactlyInAnyOrder(a, b);
    }

    @Test
    void aDeletedLogIsRenamedToADeleteDirectory() throws IOException {
        Path a = root.resolve("a");
        LogManager manager = open(a);
        TopicPartition tp = new TopicPartition("orders", 0);
        LogConfig lingering = LOG_CONFIG.toBuilder().fileDeleteDelayMs(HOUR).build();
        manager.getOrCreateLog(tp, UUID.randomUUID(), lingering);

        manager.deleteLog(tp);

        assertThat(names(a)).anyMatch(n -> n.matches("orders-0\\.[0-9a-f]{32}-delete"));
        manager.close();
        LogManager reopened = open(a);
        assertThat(reopened.logs()).as("a -delete directory is not a log").isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> names(a).stream().noneMatch(n -> n.endsWith(LogManager.DELETE_SUFFIX)));
    }

    @Test
    void directoriesThatAreNotPartitionsAreIgnored() throws IOException {
        Path a = root.resolve("a");
        Files.createDirectories(a.resolve("not a partition"));
        Files.createDirectories(a.resolve("orders-0"));
        Files.writeString(a.resolve("orders-0").resolve("00000000000000000000.log"), "records of an unknown topic id");
        Files.createDirectories(a.resolve(LogManager.METADATA_DIR));
        Files.writeString(a.resolve("some-file-1"), "x");

        LogManager manager = open(a);

        assertThat(manager.logs()).isEmpty();
        assertThat(a.resolve("not a partition")).exists();
        assertThat(a.resolve("orders-0")).as("it holds records: kept").exists();
        assertThat(a.resolve(LogManager.METADATA_DIR)).exists();
    }

    @Test
    void getOrCreateLogsCreatesEveryMissingLogAndSpreadsThemOverTheDirectories() throws IOException {
        Path a = root.resolve("a");
        Path b = root.resolve("b");
        LogManager manager = open(a, b);
        UUID id = UUID.randomUUID();
        PartitionLog existing = manager.getOrCreateLog(new TopicPartition("orders", 0), id, LOG_CONFIG);

        Map<TopicPartition, PartitionLog> logs = manager.getOrCreateLogs(requests("orders", id, 40, LOG_CONFIG));

        assertThat(logs).hasSize(40);
        assertThat(logs.get(new TopicPartition("orders", 0))).isSameAs(existing);
        assertThat(manager.logs()).hasSize(40).allMatch(log -> log.topicId().equals(id));
        assertThat(names(a).stream().filter(n -> n.startsWith("orders-"))).hasSize(20);
        assertThat(names(b).stream().filter(n -> n.startsWith("orders-"))).hasSize(20);
        for (PartitionLog log : logs.values()) {
            assertThat(log.dir()).isEqualTo(log.dir().getParent().resolve(log.topicPartition().toString()));
            assertThat(log.logEndOffset()).isZero();
        }
        logs.values().stream().filter(log -> log.dir().getParent().equals(b)).limit(2).map(PartitionLog::topicPartition).toList()
                .forEach(manager::deleteLog);
        assertThat(manager.getOrCreateLog(new TopicPartition("more", 0), id, LOG_CONFIG).dir().getParent())
                .as("deleted logs no longer count").isEqualTo(b);
    }

    @Test
    void aLogThatCannotBeCreatedIsLeftOutAndTheOthersAreCreated() throws IOException {
        Path a = root.resolve("a");
        LogManager manager = open(a);
        Files.writeString(a.resolve("orders-1"), "a file where the log's directory would go");
        UUID id = UUID.randomUUID();

        Map<TopicPartition, PartitionLog> logs = manager.getOrCreateLogs(List.of(new LogCreateRequest(new TopicPartition("orders", 0), id, LOG_CONFIG),
                new LogCreateRequest(new TopicPartition("orders", 1), id, LOG_CONFIG),
                new LogCreateRequest(new TopicPartition("orders", 2), id, LOG_CONFIG)));

        assertThat(logs).containsOnlyKeys(new TopicPartition("orders", 0), new TopicPartition("orders", 2));
        assertThat(manager.logs()).hasSize(2);
        assertThatThrownBy(() -> manager.getOrCreateLog(new TopicPartition("orders", 1), id, LOG_CONFIG)).hasMessageContaining("orders-1");
    }

    @Test
    void whatACrashLeavesOfNewLogsLoadsAndIsCreatedAgain() throws IOException {
        Path a = root.resolve("a");
        LogManager manager = open(a);
        UUID id = UUID.randomUUID();
        List<LogCreateRequest> requests = requests("orders", id, 6, LOG_CONFIG);
        Map<TopicPartition, PartitionLog> created = manager.getOrCreateLogs(requests);
        created.values().forEach(log -> log.assignEpochStartOffset(0));
        append(created.get(new TopicPartition("orders", 5)), 2);
        // A crash: the files as they are now, with what a power loss may do to those never fsynced.
        Path crashed = root.resolve("crashed");
        copyTree(a, crashed);
        Files.delete(crashed.resolve(LogManager.LOCK_FILE));
        Files.delete(crashed.resolve("orders-0").resolve("partition.metadata"));
        Files.write(crashed.resolve("orders-1").resolve("partition.metadata"), new byte[0]);
        Files.writeString(crashed.resolve("orders-2").resolve("partition.metadata"), "version: 0\ntopic_i");
        deleteTree(crashed.resolve("orders-3"));
        try (Stream<Path> files = Files.list(crashed.resolve("orders-4"))) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }

        LogManager restarted = open(crashed);

        assertThat(restarted.logs()).extracting(PartitionLog::topicPartition).containsExactly(new TopicPartition("orders", 5));
        assertThat(restarted.log(new TopicPartition("orders", 5)).orElseThrow().logEndOffset()).isEqualTo(4);
        assertThat(names(crashed)).doesNotContain("orders-0", "orders-1", "orders-2", "orders-3", "orders-4");
        Map<TopicPartition, PartitionLog> again = restarted.getOrCreateLogs(requests);
        assertThat(again).hasSize(6);
        assertThat(again.values()).allMatch(log -> log.topicId().equals(id));
        restarted.close();
        assertThat(open(crashed).logs()).hasSize(6);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    @Test
    void theSamePartitionInTwoDirectoriesFailsTheStart() throws IOException {
        Path a = root.resolve("a");
        Path b = root.resolve("b");
        TopicPartition tp = new TopicPartition("orders", 0);
        LogManager first = open(a);
        first.getOrCreateLog(tp, UUID.randomUUID(), LOG_CONFIG);
        first.close();
        LogManager second = open(b);
        second.getOrCreateLog(tp, UUID.randomUUID(), LOG_CONFIG);
        second.close();

        assertThatThrownBy(() -> open(a, b)).isInstanceOf(IllegalStateException.class).hasMessageContaining("orders-0");

        assertThat(open(a).logs()).as("the directories were released").hasSize(1);
    }

    @Test
    void checkpointsAreWrittenPeriodically() {
        Path a = root.resolve("a");
        LogManager manager = open(new LogManagerConfig(List.of(a), 20, Long.MAX_VALUE, HOUR, HOUR, HOUR, LogCleanerConfig.DEFAULT, 0L, HOUR));
        append(manager.getOrCreateLog(new TopicPartition("orders", 0), UUID.randomUUID(), LOG_CONFIG), 2);

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try {
                return new OffsetCheckpointFile(a.resolve(OffsetCheckpointFile.LOG_START_OFFSET)).read()
                        .containsKey(new TopicPartition("orders", 0));
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Test
    void aCheckpointThatWouldChangeNothingWritesNothing() throws IOException {
        Path a = root.resolve("a");
        LogManager manager = open(a);
        PartitionLog orders = ordersWithBatches(manager, 2);
        manager.checkpoint();
        Path recoveryPoints = a.resolve(OffsetCheckpointFile.RECOVERY_POINT);
        Path logStarts = a.resolve(OffsetCheckpointFile.LOG_START_OFFSET);
        Files.delete(recoveryPoints);
        Files.delete(logStarts);

        manager.checkpoint();
        assertThat(recoveryPoints).as("nothing changed: not written").doesNotExist();
        assertThat(logStarts).doesNotExist();

        orders.maybeIncrementHighWatermark(orders.logEndOffset());
        orders.deleteRecordsBefore(2);
        manager.checkpoint();
        assertThat(new OffsetCheckpointFile(logStarts).read()).containsOnly(Map.entry(new TopicPartition("orders", 0), 2L));
        assertThat(recoveryPoints).as("unchanged: still not written").doesNotExist();
    }

    @Test
    void retentionRunsPeriodicallyAndTheNewLogStartOffsetIsCheckpointed() throws IOException {
        Path a = root.resolve("a");
        TopicPartition tp = new TopicPartition("orders", 0);
        LogConfig smallSegments = LOG_CONFIG.toBuilder().segmentBytes(TestBatches.batch().records(2).build().remaining()).retentionBytes(0L).build();
        LogManager manager = open(new LogManagerConfig(List.of(a), HOUR, Long.MAX_VALUE, HOUR, HOUR, 20, LogCleanerConfig.DEFAULT, 0L, HOUR));
        PartitionLog log = manager.getOrCreateLog(tp, UUID.randomUUID(), smallSegments);
        append(log, 3);
        log.maybeIncrementHighWatermark(log.logEndOffset());

        await().atMost(Duration.ofSeconds(10)).until(() -> log.logStartOffset() == 6);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try {
                return new OffsetCheckpointFile(a.resolve(OffsetCheckpointFile.LOG_START_OFFSET)).read().get(tp) == 6L;
            } catch (IOException | RuntimeException e) {
                return false;
            }
        });
    }

    @Test
    void checkpointSoonWritesTheLogStartOffsetsAtOnce() throws Exception {
        Path a = root.resolve("a");
        TopicPartition tp = new TopicPartition("orders", 0);
        LogManager manager = open(a);
        PartitionLog log = manager.getOrCreateLog(tp, UUID.randomUUID(), LOG_CONFIG);
        append(log, 3);
        log.maybeIncrementHighWatermark(log.logEndOffset());
        log.deleteRecordsBefore(3);

        manager.checkpointSoon().get();

        assertThat(new OffsetCheckpointFile(a.resolve(OffsetCheckpointFile.LOG_START_OFFSET)).read()).containsEntry(tp, 3L);
    }

    @Test
    void logsOfADirectoryShortOfFreeSpaceRefuseAppendsButServeReads() {
        Path a = root.resolve("a");
        TopicPartition tp = new TopicPartition("orders", 0);
        LogManager roomy = open(a);
        append(roomy.getOrCreateLog(tp, UUID.randomUUID(), LOG_CONFIG), 2);
        roomy.close();

        LogManager cramped = open(new LogManagerConfig(List.of(a), HOUR, Long.MAX_VALUE, HOUR, HOUR, HOUR, LogCleanerConfig.DEFAULT,
                Long.MAX_VALUE, HOUR));
        PartitionLog log = cramped.log(tp).orElseThrow();

        assertThatThrownBy(() -> append(log, 1)).isInstanceOf(LogAppendException.class)
                .hasMessageContaining("log.dir.min.free.bytes")
                .satisfies(e -> assertThat(((LogAppendException) e).error()).isEqualTo(AppendError.STORAGE_ERROR));
        assertThat(readAll(log)).hasSizeGreaterThan(0);
        PartitionLog created = cramped.getOrCreateLog(new TopicPartition("orders", 1), UUID.randomUUID(), LOG_CONFIG);
        assertThatThrownBy(() -> append(created, 1)).isInstanceOf(LogAppendException.class);
    }

    @Test
    void parsesPartitionDirectoryNames() {
        assertThat(LogManager.parsePartitionDir("orders-0")).isEqualTo(new TopicPartition("orders", 0));
        assertThat(LogManager.parsePartitionDir("topic-with-dashes-12")).isEqualTo(new TopicPartition("topic-with-dashes", 12));
        assertThat(LogManager.parsePartitionDir("ends-with-dash--3")).isEqualTo(new TopicPartition("ends-with-dash-", 3));
        assertThat(LogManager.parsePartitionDir("dotted.name_x-2147483647")).isEqualTo(new TopicPartition("dotted.name_x", Integer.MAX_VALUE));
        assertThat(LogManager.parsePartitionDir("__consumer_offsets-49")).isEqualTo(new TopicPartition("__consumer_offsets", 49));
        assertThat(LogManager.parsePartitionDir("9-9")).isEqualTo(new TopicPartition("9", 9));

        assertThat(LogManager.parsePartitionDir("orders")).isNull();
        assertThat(LogManager.parsePartitionDir("orders-")).isNull();
        assertThat(LogManager.parsePartitionDir("-3")).isNull();
        assertThat(LogManager.parsePartitionDir("orders-x")).isNull();
        assertThat(LogManager.parsePartitionDir("orders-2147483648")).isNull();
        assertThat(LogManager.parsePartitionDir("orders--1")).isEqualTo(new TopicPartition("orders-", 1));
        assertThat(LogManager.parsePartitionDir("bad topic-1")).isNull();
        assertThat(LogManager.parsePartitionDir("..-1")).isNull();
        assertThat(LogManager.parsePartitionDir("__cluster_metadata-0")).isNull();
        assertThat(LogManager.parsePartitionDir("orders-0.0123456789abcdef0123456789abcdef-delete")).isNull();
    }
}
