package io.vltava.cli.config;

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
import org.apache.kafka.common.config.ConfigResource;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vltava config set}: sets or removes configuration keys of a topic or broker. */
@Command(name = "set", mixinStandardHelpOptions = true,
        description = "Set or remove configuration keys of a topic or broker (removed keys fall back to their defaults).")
final class ConfigSet implements Callable<Integer> {

    @Mixin
    private ClientOptions client;

    @Mixin
    private OutputOption output;

    @ArgGroup(multiplicity = "1")
    private ConfigTarget target;

    @Parameters(paramLabel = "KEY=VALUE", arity = "0..*", description = "Keys to set.")
    private Map<String, String> set = new LinkedHashMap<>();

    @Option(names = {"-d", "--delete"}, paramLabel = "KEY", description = "A key to remove; repeatable.")
    private List<String> delete = new ArrayList<>();

    @Override
    public Integer call() {
        if (set.isEmpty() && delete.isEmpty()) {
            throw new CommandFailure(ExitCodes.USAGE, "nothing to change: give KEY=VALUE or --delete KEY");
        }
        try (Admin admin = client.admin()) {
            ConfigResource resource = ConfigTarget.resource(target, client, admin);
            output.printer().print(ConfigAlteration.alter(client, admin, resource, set, delete));
        }
        return ExitCodes.OK;
    }
}
