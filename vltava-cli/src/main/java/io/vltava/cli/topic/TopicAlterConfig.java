package io.vltava.cli.topic;

import io.vltava.cli.CommandFailure;
import io.vltava.cli.ExitCodes;
import io.vltava.cli.client.ClientOptions;
import io.vltava.cli.config.ConfigAlteration;
import io.vltava.cli.output.OutputOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigResource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vltava topic alter-config}: sets or removes a topic's configuration overrides. */
@Command(name = "alter-config", mixinStandardHelpOptions = true,
        description = "Set or remove configuration overrides of a topic (removed keys fall back to the broker's value).")
final class TopicAlterConfig implements Callable<Integer> {

    @Mixin
    private ClientOptions client;

    @Mixin
    private OutputOption output;

    @Parameters(paramLabel = "TOPIC", description = "Name of the topic.")
    private String topic;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "A configuration to set; repeatable.")
    private Map<String, String> set = new LinkedHashMap<>();

    @Option(names = {"-d", "--delete"}, paramLabel = "KEY", description = "An override to remove; repeatable.")
    private List<String> delete = new ArrayList<>();

    @Override
    public Integer call() {
        if (set.isEmpty() && delete.isEmpty()) {
            throw new CommandFailure(ExitCodes.USAGE, "nothing to change: give --set KEY=VALUE or --delete KEY");
        }
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try (Admin admin = client.admin()) {
            output.printer().print(ConfigAlteration.alter(client, admin, resource, set, delete));
        }
        return ExitCodes.OK;
    }
}
