package io.vltava.cli.topic;

import io.vltava.cli.ExitCodes;
import io.vltava.cli.client.ClientOptions;
import io.vltava.cli.client.TopicPartitions;
import io.vltava.cli.output.OutputOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vltava topic add-partitions}: grows a topic's partition count (it never shrinks). */
@Command(name = "add-partitions", mixinStandardHelpOptions = true,
        description = "Add partitions to a topic. Records keep their partitions; new keys may hash to the new ones.")
final class TopicAddPartitions implements Callable<Integer> {

    @Mixin
    private ClientOptions client;

    @Mixin
    private OutputOption output;

    @Parameters(paramLabel = "TOPIC", description = "Name of the topic.")
    private String topic;

    @ArgGroup(multiplicity = "1")
    private Count count;

    /** Either how many to add or the new total. */
    static final class Count {
        @Option(names = {"-n", "--add"}, paramLabel = "N", required = true, description = "Number of partitions to add.")
        private Integer add;

        @Option(names = "--total", paramLabel = "N", required = true, description = "The new total number of partitions.")
        private Integer total;
    }

    @Override
    public Integer call() {
        String subject = TopicPartitions.subject(topic);
        try (Admin admin = client.admin()) {
            int current = client.await(admin.describeTopics(List.of(topic)).allTopicNames(), subject).get(topic).partitions().size();
            int total = count.total != null ? count.total : current + count.add;
            client.await(admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(total))).all(), subject);
            output.printer().print(new Grown(topic, current, total));
        }
        return ExitCodes.OK;
    }

    /** The partition count before and after. */
    record Grown(String topic, int partitionsBefore, int partitions) {
    }
}
