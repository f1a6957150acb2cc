package io.vltava.cli.quota;

import io.vltava.cli.ExitCodes;
import io.vltava.cli.client.ClientOptions;
import io.vltava.cli.output.OutputOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vltava quota list}: the quotas set, one row per entity and key. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List client quotas: all of them, or those of entities with the user and client id given (any other parts too, "
                + "unless --strict).")
final class QuotaList implements Callable<Integer> {

    @Mixin
    private ClientOptions client;

    @Mixin
    private OutputOption output;

    @Mixin
    private QuotaEntityOptions entity;

    @Option(names = "--strict", description = "Only entities with exactly the parts given (e.g. --client-id X leaves out user and client id pairs).")
    private boolean strict;

    @Override
    public Integer call() {
        ClientQuotaFilter filter = strict ? ClientQuotaFilter.containsOnly(entity.filter()) : ClientQuotaFilter.contains(entity.filter());
        try (Admin admin = client.admin()) {
            Map<ClientQuotaEntity, Map<String, Double>> quotas = client.await(admin.describeClientQuotas(filter).entities(), "client quotas");
            List<Row> rows = new ArrayList<>();
            quotas.forEach((quotaEntity, values) -> values.forEach((key, value) -> rows.add(new Row(
                    part(quotaEntity, ClientQuotaEntity.USER), part(quotaEntity, ClientQuotaEntity.CLIENT_ID), key, number(value)))));
            rows.sort(Comparator.comparing(Row::user, Comparator.nullsFirst(Comparator.naturalOrder()))
                    .thenComparing(Row::clientId, Comparator.nullsFirst(Comparator.naturalOrder()))
                    .thenComparing(Row::key));
            output.printer().print(rows);
        }
        return ExitCodes.OK;
    }

    private static String part(ClientQuotaEntity entity, String type) {
        if (!entity.entries().containsKey(type)) {
            return null;
        }
        String name = entity.entries().get(type);
        return name == null ? QuotaEntityOptions.DEFAULT : name;
    }

    /** A whole number as a long (1048576 rather than 1048576.0). */
    static Number number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? (Number) (long) value : (Number) value;
    }

    /** One quota; a part the entity does not have is null. */
    record Row(String user, String clientId, String key, Number value) {
    }
}
