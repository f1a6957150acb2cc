package io.vltava.cli.config;

import io.vltava.cli.client.ClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Sets and removes configuration keys of one resource in one incremental change, for
 * {@code config set} and {@code topic alter-config}.
 *
 * <p>Threading: stateless.
 */
public final class ConfigAlteration {

    private ConfigAlteration() {
    }

    /**
     * Sets {@code set} and removes {@code delete} (they fall back to their defaults) on {@code resource}.
     *
     * @return one change per key, as the command prints it
     */
    public static List<Change> alter(ClientOptions client, Admin admin, ConfigResource resource, Map<String, String> set, List<String> delete) {
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
        client.await(admin.incrementalAlterConfigs(Map.of(resource, ops)).all(), ConfigTarget.subject(resource));
        return changes;
    }

    /** One changed key. */
    public record Change(String key, String value, String status) {
    }
}
