package io.vltava.cli.quota;

import io.vltava.cli.CommandFailure;
import io.vltava.cli.ExitCodes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilterComponent;
import picocli.CommandLine.Option;

/**
 * The {@code --user}/{@code --user-default} and {@code --client-id}/{@code --client-id-default} flags
 * that name a quota entity. Used as a picocli mixin.
 *
 * <p>Threading: filled in by picocli, then read by the command's thread.
 */
final class QuotaEntityOptions {

    /** How a default entity name is shown. */
    static final String DEFAULT = "<default>";

    @Option(names = "--user", paramLabel = "USER", description = "A user principal's name (ANONYMOUS without authentication).")
    private String user;

    @Option(names = "--user-default", description = "The default user: each user without a quota of its own.")
    private boolean userDefault;

    @Option(names = "--client-id", paramLabel = "ID", description = "A client id.")
    private String clientId;

    @Option(names = "--client-id-default", description = "The default client id: each client id without a quota of its own.")
    private boolean clientIdDefault;

    /** Whether any part was given. */
    boolean isEmpty() {
        return user == null && !userDefault && clientId == null && !clientIdDefault;
    }

    /** The entity the flags name; a usage failure if they name none or contradict each other. */
    ClientQuotaEntity entity() {
        check();
        if (isEmpty()) {
            throw new CommandFailure(ExitCodes.USAGE, "name the quota's entity: --user, --user-default, --client-id or --client-id-default");
        }
        Map<String, String> parts = new HashMap<>();
        if (user != null || userDefault) {
            parts.put(ClientQuotaEntity.USER, user);
        }
        if (clientId != null || clientIdDefault) {
            parts.put(ClientQuotaEntity.CLIENT_ID, clientId);
        }
        return new ClientQuotaEntity(parts);
    }

    /** A filter component per part given: the exact name, or the default. */
    List<ClientQuotaFilterComponent> filter() {
        check();
        List<ClientQuotaFilterComponent> components = new ArrayList<>();
        if (user != null) {
            components.add(ClientQuotaFilterComponent.ofEntity(ClientQuotaEntity.USER, user));
        } else if (userDefault) {
            components.add(ClientQuotaFilterComponent.ofDefaultEntity(ClientQuotaEntity.USER));
        }
        if (clientId != null) {
            components.add(ClientQuotaFilterComponent.ofEntity(ClientQuotaEntity.CLIENT_ID, clientId));
        } else if (clientIdDefault) {
            components.add(ClientQuotaFilterComponent.ofDefaultEntity(ClientQuotaEntity.CLIENT_ID));
        }
        return components;
    }

    private void check() {
        if (user != null && userDefault) {
            throw new CommandFailure(ExitCodes.USAGE, "give --user or --user-default, not both");
        }
        if (clientId != null && clientIdDefault) {
            throw new CommandFailure(ExitCodes.USAGE, "give --client-id or --client-id-default, not both");
        }
    }

    /** How failures name {@code entity}, e.g. {@code quotas of user 'alice', client-id <default>}. */
    static String subject(ClientQuotaEntity entity) {
        List<String> parts = new ArrayList<>();
        if (entity.entries().containsKey(ClientQuotaEntity.USER)) {
            parts.add("user " + name(entity.entries().get(ClientQuotaEntity.USER)));
        }
        if (entity.entries().containsKey(ClientQuotaEntity.CLIENT_ID)) {
            parts.add("client-id " + name(entity.entries().get(ClientQuotaEntity.CLIENT_ID)));
        }
        return "quotas of " + String.join(", ", parts);
    }

    private static String name(String name) {
        return name == null ? DEFAULT : "'" + name + "'";
    }
}
