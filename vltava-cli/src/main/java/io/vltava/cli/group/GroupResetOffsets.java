package io.vltava.cli.group;

import io.vltava.cli.CommandFailure;
import io.vltava.cli.ExitCodes;
import io.vltava.cli.client.ClientOptions;
import io.vltava.cli.client.TopicPartitions;
import io.vltava.cli.output.OutputOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vltava group reset-offsets}: moves a group's committed offsets, for a group without active
 * members; new offsets are kept between each partition's log start and log end.
 */
@Command(name = "reset-offsets", mixinStandardHelpOptions = true,
        description = "Move a group's committed offsets (the group must have no active members). Prints old and new offsets.")
final class GroupResetOffsets implements Callable<Integer> {

    @Mixin
    private ClientOptions client;

    @Mixin
    private OutputOption output;

    @Parameters(paramLabel = "GROUP", description = "The group id.")
    private String group;

    @ArgGroup(multiplicity = "1")
    private Scope scope;

    @ArgGroup(multiplicity = "1")
    private Target target;

    @Option(names = "--dry-run", description = "Print the new offsets without committing them.")
    private boolean dryRun;

    /** Which partitions to reset. */
    static final class Scope {
        @Option(names = {"-t", "--topic"}, paramLabel = "TOPIC[:P,...]", required = true,
                description = "A topic, or some of its partitions (orders:0,2); repeatable.")
        private List<String> topics;

        @Option(names = "--all-topics", required = true, description = "Every partition the group has committed offsets for.")
        private boolean allTopics;
    }

    /** Where to move the offsets to; exactly one. */
    static final class Target {
        @Option(names = "--to-earliest", required = true, description = "To the log start offset.")
        private boolean earliest;

        @Option(names = "--to-latest", required = true, description = "To the log end offset.")
        private boolean latest;

        @Option(names = "--to-offset", paramLabel = "N", required = true, description = "To offset N.")
        private Long offset;

        @Option(names = "--to-datetime", paramLabel = "ISO-8601", required = true, converter = DateTimeConverter.class,
                description = "To the first record at or after this time, e.g. 2024-05-01T12:00:00Z.")
        private Instant datetime;

        @Option(names = "--to-timestamp", paramLabel = "MS", required = true,
                description = "To the first record at or after this time, in milliseconds since the epoch.")
        private Long timestamp;

        @Option(names = "--shift-by", paramLabel = "N", required = true, description = "By N from the committed offset (negative moves back).")
        private Long shiftBy;
    }

    @Override
    public Integer call() {
        String subject = GroupCommand.subject(group);
        try (Admin admin = client.admin()) {
            ConsumerGroupDescription description = describeIfExists(admin);
            if (description != null && description.groupState() != GroupState.EMPTY) {
                throw new CommandFailure(ExitCodes.FAILURE, subject + " still has active members (state " + description.groupState()
                        + "); stop them first");
            }
            Map<TopicPartition, Long> committed = Groups.committed(client, admin, group);
            List<TopicPartition> partitions = partitions(admin, committed);
            if (partitions.isEmpty()) {
                throw new CommandFailure(ExitCodes.FAILURE, subject + " has no committed offsets to reset");
            }
            Map<TopicPartition, Long> starts = Groups.offsets(client, admin, partitions, OffsetSpec.earliest());
            Map<TopicPartition, Long> ends = Groups.offsets(client, admin, partitions, OffsetSpec.latest());
            Map<TopicPartition, Long> atTime = timestamp() == null ? Map.of()
                    : Groups.offsets(client, admin, partitions, OffsetSpec.forTimestamp(timestamp()));

            List<Reset> plan = new ArrayList<>();
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (TopicPartition tp : partitions) {
                long start = starts.get(tp);
                long end = ends.get(tp);
                long wanted = wanted(tp, committed.get(tp), start, end, atTime.get(tp));
                long offset = Math.max(start, Math.min(end, wanted));
                plan.add(new Reset(tp.topic(), tp.partition(), committed.get(tp), offset));
                offsets.put(tp, new OffsetAndMetadata(offset));
            }
            if (!dryRun) {
                client.await(admin.alterConsumerGroupOffsets(group, offsets).all(), subject);
            }
            output.printer().print(plan);
        }
        return ExitCodes.OK;
    }

    /** The group, or null if it does not exist yet (offsets may be set for a group before it first runs). */
    private ConsumerGroupDescription describeIfExists(Admin admin) {
        try {
            return Groups.describe(client, admin, group);
        } catch (CommandFailure e) {
            if (e.exitCode() == ExitCodes.NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }

    private List<TopicPartition> partitions(Admin admin, Map<TopicPartition, Long> committed) {
        if (scope.allTopics) {
            return committed.keySet().stream()
                    .sorted(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition)).toList();
        }
        Set<TopicPartition> partitions = new LinkedHashSet<>();
        for (String spec : scope.topics) {
            int colon = spec.lastIndexOf(':');
            String topic = colon < 0 ? spec : spec.substring(0, colon);
            TopicDescription description = client.await(admin.describeTopics(List.of(topic)).allTopicNames(), TopicPartitions.subject(topic)).get(topic);
            if (colon < 0) {
                description.partitions().forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
                continue;
            }
            for (String partition : spec.substring(colon + 1).split(",")) {
                int index = partitionIndex(spec, partition);
                if (index >= description.partitions().size()) {
                    throw new CommandFailure(ExitCodes.NOT_FOUND, "partition " + index + " of topic '" + topic + "' does not exist");
                }
                partitions.add(new TopicPartition(topic, index));
            }
        }
        return List.copyOf(partitions);
    }

    private static int partitionIndex(String spec, String partition) {
        try {
            int index = Integer.parseInt(partition.strip());
            if (index >= 0) {
                return index;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CommandFailure(ExitCodes.USAGE, "'" + spec + "' is not TOPIC or TOPIC:PARTITION,...");
    }

    private Long timestamp() {
        return target.datetime != null ? Long.valueOf(target.datetime.toEpochMilli()) : target.timestamp;
    }

    /** The offset asked for, before it is kept within the log. */
    private long wanted(TopicPartition tp, Long current, long start, long end, Long atTime) {
        if (target.earliest) {
            return start;
        }
        if (target.latest) {
            return end;
        }
        if (target.offset != null) {
            return target.offset;
        }
        if (target.shiftBy != null) {
            if (current == null) {
                throw new CommandFailure(ExitCodes.FAILURE, "cannot shift partition " + tp + ": " + GroupCommand.subject(group)
                        + " has no committed offset there");
            }
            return current + target.shiftBy;
        }
        return atTime == null || atTime < 0 ? end : atTime;
    }

    /** One partition's committed offset before and after. */
    record Reset(String topic, int partition, Long oldOffset, long newOffset) {
    }
}
