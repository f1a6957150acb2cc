package io.vltava.cli.quota;

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
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code vltava quota set}: sets quotas of a user, a client id, or both. */
@Command(name = "set", mixinStandardHelpOptions = true,
        description = "Set client quotas of a user, a client id, or a user and client id (byte rates in bytes per second).")
final class QuotaSet implements Callable<Integer> {

    @Mixin
    private ClientOptions client;

    @Mixin
    private OutputOption output;

    @Mixin
    private QuotaEntityOptions entity;

    @Parameters(paramLabel = "KEY=VALUE", arity = "1..*", description = "Quotas to set, e.g. producer_byte_rate=1048576.")
    private Map<String, String> set = new LinkedHashMap<>();

    @Override
    public Integer call() {
        ClientQuotaEntity quotaEntity = entity.entity();
        List<ClientQuotaAlteration.Op> ops = new ArrayList<>();
        List<QuotaDelete.Change> changes = new ArrayList<>();
        set.forEach((key, text) -> {
            double value;
            try {
                value = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw new CommandFailure(ExitCodes.USAGE, "the value of " + key + " is not a number: " + text);
            }
            ops.add(new ClientQuotaAlteration.Op(key, value));
            changes.add(new QuotaDelete.Change(key, QuotaList.number(value), "set"));
        });
        try (Admin admin = client.admin()) {
            QuotaDelete.alter(client, admin, quotaEntity, ops);
        }
        output.printer().print(changes);
        return ExitCodes.OK;
    }
}
