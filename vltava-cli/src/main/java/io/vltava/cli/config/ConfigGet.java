package io.vltava.cli.config;

import io.vltava.cli.CommandFailure;
import io.vltava.cli.ExitCodes;
import io.vltava.cli.client.ClientOptions;
import io.vltava.cli.output.OutputOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code vltava config get}: a topic's or broker's configuration, each key with its value and where it comes from. */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = "Show the configuration of a topic or broker (default: the broker with the lowest id), or only the keys given.")
final class ConfigGet implements Callable<Integer> {

    @Mixin
    private ClientOptions client;

    @Mixin
    private OutputOption output;

    @ArgGroup(multiplicity = "0..1")
    private ConfigTarget target;

    @Parameters(paramLabel = "KEY", arity = "0..*", description = "Keys to show (default: all).")
    private List<String> keys = List.of();

    @Override
    public Integer call() {
        try (Admin admin = client.admin()) {
            ConfigResource resource = ConfigTarget.resource(target, client, admin);
            String subject = ConfigTarget.subject(resource);
            Config config = client.await(admin.describeConfigs(List.of(resource)).all(), subject).get(resource);
            Map<String, ConfigEntry> entries = config.entries().stream().collect(Collectors.toMap(ConfigEntry::name, Function.identity()));
            for (String key : keys) {
                if (!entries.containsKey(key)) {
                    throw new CommandFailure(ExitCodes.NOT_FOUND, subject + " has no config '" + key + "'");
                }
            }
            List<Row> rows = entries.values().stream()
                    .filter(e -> keys.isEmpty() || keys.contains(e.name()))
                    .sorted(Comparator.comparing(ConfigEntry::name))
                    .map(e -> new Row(e.name(), e.isSensitive() ? "(sensitive)" : e.value(), ConfigSources.label(e.source()), e.isReadOnly(),
                            e.isSensitive()))
                    .toList();
            output.printer().print(rows);
        }
        return ExitCodes.OK;
    }

    /** One configuration key. */
    record Row(String key, String value, String source, boolean readOnly, boolean sensitive) {
    }
}
