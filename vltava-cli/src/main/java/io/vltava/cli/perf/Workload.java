package io.vltava.cli.perf;

import io.vltava.cli.CommandFailure;
import io.vltava.cli.ExitCodes;
import io.vltava.cli.client.ClientOptions;
import io.vltava.cli.client.DurationConverter;
import io.vltava.cli.client.TopicPartitions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine.Option;

/**
 * The flags every perf tool shares: the topic, how long or how many records, their size and rate.
 * Used as a picocli mixin.
 *
 * <p>Threading: filled in by picocli, then read by the command's threads.
 */
final class Workload {

    private static final Duration DEFAULT_DURATION = Duration.ofSeconds(30);

    @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "Topic to use.")
    private String topic;

    @Option(names = "--create", description = "Create the topic if it does not exist (otherwise a missing topic is an error).")
    private boolean create;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "1",
            description = "Partitions of the topic --create makes (default: ${DEFAULT-VALUE}).")
    private int partitions;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to run (default: 30s unless --num-records is given).")
    private Duration duration;

    @Option(names = "--num-records", paramLabel = "N", description = "How many records, at most.")
    private Long numRecords;

    @Option(names = "--record-size", paramLabel = "BYTES", defaultValue = "1024", description = "Value size (default: ${DEFAULT-VALUE}).")
    private int recordSize;

    @Option(names = "--throughput", paramLabel = "N", description = "Records per second at most, -1 for no limit.")
    private Long throughput;

    String topic() {
        return topic;
    }

    int recordSize() {
        return recordSize;
    }

    long limit() {
        return numRecords == null ? Long.MAX_VALUE : numRecords;
    }

    /** When the run ends at the latest, as a {@link System#nanoTime()} deadline counted from {@code startNanos}. */
    long deadline(long startNanos) {
        Duration bound = duration != null ? duration : numRecords == null ? DEFAULT_DURATION : null;
        return bound == null ? Long.MAX_VALUE : startNanos + bound.toNanos();
    }

    /** The records-per-second limit, or -1 for none, with {@code defaultLimit} when not given. */
    long throughput(long defaultLimit) {
        return throughput == null ? defaultLimit : throughput;
    }

    /**
     * Checks the flags, with {@code threads} client threads of the tool's {@code threadsFlag} and records
     * of at least {@code minimumRecordSize} bytes, and makes sure the topic exists.
     */
    void prepare(ClientOptions client, int minimumRecordSize, int threads, String threadsFlag) {
        if (threads < 1) {
            throw new CommandFailure(ExitCodes.USAGE, threadsFlag + " must be 1 or more");
        }
        validate(minimumRecordSize);
        prepareTopic(client);
    }

    private void validate(int minimumRecordSize) {
        if (numRecords != null && numRecords <= 0 || duration != null && duration.isZero()) {
            throw new CommandFailure(ExitCodes.USAGE, "--num-records and --duration must be more than 0");
        }
        if (recordSize < minimumRecordSize) {
            throw new CommandFailure(ExitCodes.USAGE, "--record-size must be at least " + minimumRecordSize);
        }
        if (throughput != null && (throughput == 0 || throughput < -1)) {
            throw new CommandFailure(ExitCodes.USAGE, "--throughput must be more than 0, or -1 for no limit");
        }
    }

    /** Makes sure the topic exists: creates it with --create, fails with exit code 3 otherwise. */
    private void prepareTopic(ClientOptions client) {
        String subject = TopicPartitions.subject(topic);
        try (Admin admin = client.admin()) {
            try {
                client.await(admin.describeTopics(List.of(topic)).allTopicNames(), subject);
            } catch (CommandFailure e) {
                if (!create || e.exitCode() != ExitCodes.NOT_FOUND) {
                    throw e;
                }
                NewTopic newTopic = new NewTopic(topic, Optional.of(partitions), Optional.empty());
                client.await(admin.createTopics(List.of(newTopic)).all(), subject);
                System.err.println("created " + subject + " with " + partitions + " partition" + (partitions == 1 ? "" : "s"));
            }
        }
    }
}
