package io.vltava.cli.quota;

import io.vltava.cli.CommandFailure;
import io.vltava.cli.ExitCodes;
import io.vltava.cli.client.ClientOptions;
import io.vltava.cli.output.OutputOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.quota.ClientQuotaFilterComponent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code vltava quota delete}: removes quotas of a user, a client id, or both. */
@Command(name = "delete", mixinStandardHelpOptions = true,
        description = "Remove client quotas of a user, a client id, or a user and client id: the keys given, or all of them.")
final class QuotaDelete implements Callable<Integer> {

    @Mixin
    private ClientOptions client;

    @Mixin
    private OutputOption output;

    @Mixin
    private QuotaEntityOptions entity;

    @Parameters(paramLabel = "KEY", arity = "0..*", description = "Quotas to remove (default: all of the entity's).")
    private List<String> keys = List.of();

    @Override
    public Integer call() {
        ClientQuotaEntity quotaEntity = entity.entity();
        try (Admin admin = client.admin()) {
            List<String> removed = keys;
            if (removed.isEmpty()) {
                List<ClientQuotaFilterComponent> exact = entity.filter();
                Map<ClientQuotaEntity, Map<String, Double>> current = client.await(
                        admin.describeClientQuotas(ClientQuotaFilter.containsOnly(exact)).entities(), QuotaEntityOptions.subject(quotaEntity));
                removed = List.copyOf(current.getOrDefault(quotaEntity, Map.of()).keySet());
                if (removed.isEmpty()) {
                    throw new CommandFailure(ExitCodes.NOT_FOUND, QuotaEntityOptions.subject(quotaEntity) + ": none are set");
                }
            }
            List<ClientQuotaAlteration.Op> ops = new ArrayList<>();
            List<Change> changes = new ArrayList<>();
            for (String key : removed) {
                ops.add(new ClientQuotaAlteration.Op(key, null));
                changes.add(new Change(key, null, "deleted"));
            }
            alter(client, admin, quotaEntity, ops);
            output.printer().print(changes);
        }
        return ExitCodes.OK;
    }

    /** Applies {@code ops} to {@code entity}; a key or value the broker refuses is a usage failure. */
    static void alter(ClientOptions client, Admin admin, ClientQuotaEntity entity, List<ClientQuotaAlteration.Op> ops) {
        String subject = QuotaEntityOptions.subject(entity);
        try {
            client.await(admin.alterClientQuotas(List.of(new ClientQuotaAlteration(entity, ops))).all(), subject);
        } catch (CommandFailure e) {
            if (e.getCause() instanceof InvalidRequestException invalid) {
                throw new CommandFailure(ExitCodes.USAGE, subject + ": " + invalid.getMessage(), invalid);
            }
            throw e;
        }
    }

    /** One changed quota. */
    record Change(String key, Number value, String status) {
    }
}
