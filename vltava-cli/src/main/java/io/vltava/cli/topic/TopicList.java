package io.vltava.cli.topic;

import io.vltava.cli.ExitCodes;
import io.vltava.cli.client.ClientOptions;
import io.vltava.cli.output.OutputOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vltava topic list}: lists the topics with their partition and replica counts. */
@Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List topics.")
final class TopicList implements Callable<Integer> {

    @Mixin
    private ClientOptions client;

    @Mixin
    private OutputOption output;

    @Option(names = {"-i", "--internal"}, description = "Include internal topics such as __consumer_offsets.")
    private boolean internal;

    @Override
    public Integer call() {
        try (Admin admin = client.admin()) {
            var names = client.await(admin.listTopics(new ListTopicsOptions().listInternal(internal)).names(), "the topic list");
            var descriptions = client.await(admin.describeTopics(names).allTopicNames(), "the topic list");
            List<Row> rows = descriptions.values().stream()
                    .sorted(Comparator.comparing(TopicDescription::name))
                    .map(d -> new Row(d.name(), d.partitions().size(), d.partitions().isEmpty() ? 0 : d.partitions().get(0).replicas().size(),
                            d.isInternal()))
                    .toList();
            output.printer().print(rows);
        }
        return ExitCodes.OK;
    }

    /** One topic in the list. */
    record Row(String name, int partitions, int replicas, boolean internal) {
    }
}
