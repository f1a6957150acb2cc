package io.vltava.cli.topic;

import io.vltava.cli.ExitCodes;
import io.vltava.cli.client.ClientOptions;
import io.vltava.cli.client.TopicPartitions;
import io.vltava.cli.output.OutputOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vltava topic create}: creates a topic. */
@Command(name = "create", mixinStandardHelpOptions = true, description = "Create a topic.")
final class TopicCreate implements Callable<Integer> {

    @Mixin
    private ClientOptions client;

    @Mixin
    private OutputOption output;

    @Parameters(paramLabel = "TOPIC", description = "Name of the topic.")
    private String topic;

    @Option(names = {"-p", "--partitions"}, paramLabel = "N", description = "Number of partitions (default: the broker's num.partitions).")
    private Integer partitions;

    @Option(names = {"-r", "--replication-factor"}, paramLabel = "N",
            description = "Copies of each partition (default: the broker's default.replication.factor).")
    private Short replicationFactor;

    @Option(names = {"-c", "--config"}, paramLabel = "KEY=VALUE", description = "A topic configuration, e.g. retention.ms=60000; repeatable.")
    private Map<String, String> configs = new LinkedHashMap<>();

    @Option(names = "--if-not-exists", description = "Succeed without changing anything if the topic exists.")
    private boolean ifNotExists;

    @Override
    public Integer call() {
        NewTopic newTopic = new NewTopic(topic, Optional.ofNullable(partitions), Optional.ofNullable(replicationFactor)).configs(configs);
        try (Admin admin = client.admin()) {
            CreateTopicsResult result = admin.createTopics(List.of(newTopic));
            try {
                client.await(result.all(), TopicPartitions.subject(topic));
            } catch (RuntimeException e) {
                if (ifNotExists && e.getCause() instanceof TopicExistsException) {
                    output.printer().print(new Created(topic, null, null, null, "exists"));
                    return ExitCodes.OK;
                }
                throw e;
            }
            output.printer().print(new Created(topic, client.await(result.topicId(topic), TopicPartitions.subject(topic)).toString(),
                    client.await(result.numPartitions(topic), TopicPartitions.subject(topic)),
                    client.await(result.replicationFactor(topic), TopicPartitions.subject(topic)), "created"));
        }
        return ExitCodes.OK;
    }

    /** What was created. */
    record Created(String topic, String topicId, Integer partitions, Integer replicationFactor, String status) {
    }
}
