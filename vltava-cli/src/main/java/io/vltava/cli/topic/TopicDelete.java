package io.vltava.cli.topic;

import io.vltava.cli.ExitCodes;
import io.vltava.cli.client.ClientOptions;
import io.vltava.cli.client.TopicPartitions;
import io.vltava.cli.output.OutputOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DeleteTopicsResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code vltava topic delete}: deletes topics and their data. */
@Command(name = "delete", aliases = "rm", mixinStandardHelpOptions = true, description = "Delete topics and all their records.")
final class TopicDelete implements Callable<Integer> {

    @Mixin
    private ClientOptions client;

    @Mixin
    private OutputOption output;

    @Parameters(paramLabel = "TOPIC", arity = "1..*", description = "Topics to delete.")
    private List<String> topics;

    @Override
    public Integer call() {
        try (Admin admin = client.admin()) {
            DeleteTopicsResult result = admin.deleteTopics(topics);
            List<Deleted> deleted = new ArrayList<>();
            for (String topic : topics) {
                client.await(result.topicNameValues().get(topic), TopicPartitions.subject(topic));
                deleted.add(new Deleted(topic, "deleted"));
            }
            output.printer().print(deleted);
        }
        return ExitCodes.OK;
    }

    /** A deleted topic. */
    record Deleted(String topic, String status) {
    }
}
