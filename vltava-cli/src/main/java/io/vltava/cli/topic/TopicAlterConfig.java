package io.vltava.cli.topic;

import io.vltava.cli.CommandFailure;
import io.vltava.cli.ExitCodes;
import io.vltava.cli.client.ClientOptions;
import io.vltava.cli.output.OutputOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
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
        List<AlterConfigOp> ops = new ArrayList<>();
        List<Change> changes = new ArrayList<>();
        set.forEach((key, value) -> {
            ops.add(new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET));
            changes.add(new Change(key, value, "set"));
        });
        for (String key : delete) {
            ops.add(new AlterConfigOp(new ConfigEntry(key, null), AlterConfigOp.OpType.DELETE));
            changes.add(new Change(key, null, "deleted"));
        }
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try (Admin admin = client.admin()) {
            client.await(admin.incrementalAlterConfigs(Map.of(resource, ops)).all(), TopicCommand.subject(topic));
        }
        output.printer().print(changes);
        return ExitCodes.OK;
    }

    /** One changed key. */
    record Change(String key, String value, String status) {
    }
}
