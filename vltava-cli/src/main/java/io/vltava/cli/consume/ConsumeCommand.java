package io.vltava.cli.consume;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vltava.cli.CommandFailure;
import io.vltava.cli.ExitCodes;
import io.vltava.cli.client.ClientOptions;
import io.vltava.cli.client.DurationConverter;
import io.vltava.cli.client.TopicPartitions;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vltava consume}: prints a topic's records, one per line, formatted by a template or as JSON.
 *
 * <p>Threading: the command's thread owns the consumer; a shutdown hook (Ctrl-C, SIGTERM) only wakes
 * it up, waits for it to commit and close, and ends the JVM with exit code 0.
 */
@Command(name = "consume", mixinStandardHelpOptions = true,
        description = "Print a topic's records: new ones by default, or from the beginning, an offset or a time.")
public final class ConsumeCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration MAX_POLL = Duration.ofMillis(500);

    /** How records are printed. */
    enum RecordOutput {
        /** Through the {@code --format} template. */
        TEXT,
        /** One JSON object per record and line. */
        JSON
    }

    @Mixin
    private ClientOptions client;

    @Parameters(paramLabel = "TOPIC", description = "Topic to read.")
    private String topic;

    @Option(names = "--from-beginning", description = "Start at the first record (with --group: where the group has no committed offset).")
    private boolean fromBeginning;

    @Option(names = "--offset", paramLabel = "N", description = "Start at offset N of every partition (or of --partition).")
    private Long offset;

    @Option(names = "--timestamp", paramLabel = "TIME",
            description = "Start at the first record at or after TIME: epoch milliseconds or ISO-8601 (2026-11-26T06:00:00Z).")
    private String timestamp;

    @Option(names = {"-p", "--partition"}, paramLabel = "P", description = "Read only partition P (not with --group).")
    private Integer partition;

    @Option(names = {"-g", "--group"}, paramLabel = "GROUP", description = "Consume as a member of GROUP and commit its offsets (default: no group).")
    private String group;

    @Option(names = {"-n", "--num"}, paramLabel = "N", description = "Exit after N records.")
    private Long num;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Exit once no record has arrived for this long (default: run until Ctrl-C or --num).")
    private Duration idleTimeout;

    @Option(names = {"-f", "--format"}, paramLabel = "TEMPLATE", defaultValue = "%v\\n",
            description = "How to print a record: %%k key, %%v value, %%h headers, %%p partition, %%o offset, %%t timestamp, "
                    + "%%T topic, \\n, \\t (default: %%v\\n).")
    private String format;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text (through --format) or json (one object per record and line) (default: ${DEFAULT-VALUE}).")
    private RecordOutput output;

    private final Map<TopicPartition, OffsetAndMetadata> consumed = new HashMap<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);
    private long count;

    @Override
    public Integer call() {
        Function<ConsumerRecord<byte[], byte[]>, String> printer = printer();
        Long startTimestamp = timestamp == null ? null : parseTimestamp(timestamp);
        validate();
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), false,
                StandardCharsets.UTF_8);
        Consumer<byte[], byte[]> consumer = client.consumer(consumerProperties());
        Thread hook = new Thread(() -> stop(consumer, out), "vltava-consume-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            List<TopicPartition> partitions = TopicPartitions.of(consumer, topic, client);
            if (group == null) {
                List<TopicPartition> assigned = partition == null ? partitions : List.of(new TopicPartition(topic, partition));
                if (partition != null) {
                    TopicPartitions.require(partitions, topic, partition);
                }
                consumer.assign(assigned);
                seek(consumer, assigned, startTimestamp);
                ready(assigned.size());
            } else {
                consumer.subscribe(List.of(topic), new Positioner(consumer, startTimestamp));
            }
            poll(consumer, printer, out);
            commit(consumer);
            System.err.println("consumed " + count + " record" + (count == 1 ? "" : "s") + " from " + topic);
            return ExitCodes.OK;
        } catch (KafkaException e) {
            throw client.failure(e, TopicPartitions.subject(topic));
        } finally {
            out.flush();
            consumer.close(client.timeout());
            closed.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it ends the JVM once it sees the consumer closed
            }
        }
    }

    private void validate() {
        int starts = (fromBeginning ? 1 : 0) + (offset != null ? 1 : 0) + (timestamp != null ? 1 : 0);
        if (starts > 1) {
            throw new CommandFailure(ExitCodes.USAGE, "give at most one of --from-beginning, --offset and --timestamp");
        }
        if (group != null && partition != null) {
            throw new CommandFailure(ExitCodes.USAGE, "--partition reads without a group; a group's partitions are assigned by the broker");
        }
        if (offset != null && offset < 0) {
            throw new CommandFailure(ExitCodes.USAGE, "--offset must be 0 or more");
        }
    }

    private Map<String, Object> consumerProperties() {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
        properties.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, client.timeout().toMillis()));
        if (group != null) {
            properties.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return properties;
    }

    private Function<ConsumerRecord<byte[], byte[]>, String> printer() {
        if (output == RecordOutput.JSON) {
            return ConsumeCommand::json;
        }
        RecordFormat template = RecordFormat.parse(format);
        return template::format;
    }

    private void poll(Consumer<byte[], byte[]> consumer, Function<ConsumerRecord<byte[], byte[]>, String> printer, PrintStream out) {
        long lastRecord = System.nanoTime();
        try {
            while (!stopping.get() && (num == null || count < num)) {
                Duration wait = MAX_POLL;
                if (idleTimeout != null) {
                    long idleNanos = System.nanoTime() - lastRecord;
                    if (idleNanos >= idleTimeout.toNanos()) {
                        return;
                    }
                    wait = Duration.ofNanos(Math.min(MAX_POLL.toNanos(), idleTimeout.toNanos() - idleNanos));
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(wait);
                if (!records.isEmpty()) {
                    lastRecord = System.nanoTime();
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    out.print(printer.apply(record));
                    consumed.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
                    count++;
                    if (num != null && count == num) {
                        break;
                    }
                }
                out.flush();
                if (group != null && !consumed.isEmpty()) {
                    consumer.commitAsync(Map.copyOf(consumed), null);
                }
            }
        } catch (WakeupException e) {
            if (!stopping.get()) {
                throw e;
            }
        }
    }

    private void commit(Consumer<byte[], byte[]> consumer) {
        if (group != null && !consumed.isEmpty()) {
            consumer.commitSync(consumed, client.timeout());
        }
    }

    /** Runs in the shutdown hook: wakes the consumer up, waits for the command to finish, and exits 0. */
    private void stop(Consumer<byte[], byte[]> consumer, PrintStream out) {
        stopping.set(true);
        consumer.wakeup();
        try {
            closed.await(client.timeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(ExitCodes.OK);
    }

    private void seek(Consumer<byte[], byte[]> consumer, Collection<TopicPartition> partitions, Long startTimestamp) {
        if (offset != null) {
            partitions.forEach(tp -> consumer.seek(tp, offset));
        } else if (startTimestamp != null) {
            Map<TopicPartition, Long> query = partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> startTimestamp));
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, client.timeout());
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, client.timeout());
            for (TopicPartition tp : partitions) {
                OffsetAndTimestamp at = found.get(tp);
                consumer.seek(tp, at == null ? ends.get(tp) : at.offset());
            }
        } else if (group == null && fromBeginning) {
            consumer.seekToBeginning(partitions);
        } else if (group == null) {
            consumer.seekToEnd(partitions);
        }
        partitions.forEach(tp -> consumer.position(tp, client.timeout()));
    }

    private void ready(int partitions) {
        String from = fromBeginning ? "the beginning" : offset != null ? "offset " + offset : timestamp != null ? timestamp
                : group != null ? "the group's offsets" : "the end";
        System.err.println("consuming " + TopicPartitions.subject(topic) + " (" + partitions + " partition" + (partitions == 1 ? "" : "s")
                + ", from " + from + "); stop with Ctrl-C");
    }

    static long parseTimestamp(String text) {
        if (text.chars().allMatch(Character::isDigit) && !text.isEmpty()) {
            return Long.parseLong(text);
        }
        try {
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(text).toEpochMilli();
            } catch (DateTimeParseException again) {
                throw new CommandFailure(ExitCodes.USAGE, "--timestamp: '" + text + "' is neither epoch milliseconds nor ISO-8601");
            }
        }
    }

    private static String json(ConsumerRecord<byte[], byte[]> record) {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("topic", record.topic());
        object.put("partition", record.partition());
        object.put("offset", record.offset());
        object.put("timestamp", record.timestamp());
        object.put("key", record.key() == null ? null : RecordFormat.text(record.key()));
        object.put("value", record.value() == null ? null : RecordFormat.text(record.value()));
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value() == null ? null : RecordFormat.text(header.value()));
        }
        object.put("headers", headers);
        try {
            return JSON.writeValueAsString(object) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Positions a group member's newly assigned partitions at the start asked for, once each. */
    private final class Positioner implements ConsumerRebalanceListener {

        private final Consumer<byte[], byte[]> consumer;
        private final Long startTimestamp;
        private final Set<TopicPartition> positioned = new HashSet<>();
        private boolean announced;

        Positioner(Consumer<byte[], byte[]> consumer, Long startTimestamp) {
            this.consumer = consumer;
            this.startTimestamp = startTimestamp;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            List<TopicPartition> fresh = partitions.stream().filter(positioned::add).toList();
            seek(consumer, fresh, startTimestamp);
            if (!announced) {
                announced = true;
                ready(partitions.size());
            }
        }

        /** Commits what was printed from the partitions leaving, and forgets them: their new owner commits from now on. */
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            Map<TopicPartition, OffsetAndMetadata> leaving = new HashMap<>();
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata offset = consumed.remove(partition);
                if (offset != null) {
                    leaving.put(partition, offset);
                }
            }
            if (!leaving.isEmpty()) {
                consumer.commitSync(leaving, client.timeout());
            }
        }

        /** Partitions taken away without a revocation belong to another member already: nothing may be committed for them. */
        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            partitions.forEach(consumed::remove);
        }
    }
}
