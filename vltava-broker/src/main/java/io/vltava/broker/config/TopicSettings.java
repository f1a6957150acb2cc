package io.vltava.broker.config;

import io.vltava.protocol.records.TopicWriteRules;
import io.vltava.storage.log.LogConfig;

/**
 * A topic's effective configuration in the forms the broker uses: the log's settings, the rules a
 * produced batch is checked against, and {@code min.insync.replicas}.
 *
 * <p>Threading: immutable; safe from any thread.
 */
public record TopicSettings(LogConfig logConfig, TopicWriteRules writeRules, int minInsyncReplicas) {
}
