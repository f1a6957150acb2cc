package io.vltava.cli.client;

import io.vltava.cli.CommandFailure;
import io.vltava.cli.ExitCodes;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Option;

/**
 * The flags every command that talks to a cluster shares: where the cluster is, client properties,
 * and how long to wait for it. Used as a picocli mixin.
 *
 * <p>Client properties apply in this order, later ones winning: Vltava's defaults for a command-line
 * tool, the {@code --command-config} file, then each {@code -X key=value}.
 *
 * <p>Threading: filled in by picocli, then read by the command's thread.
 */
public final class ClientOptions {

    @Option(names = {"-b", "--bootstrap-server"}, paramLabel = "HOST:PORT",
            defaultValue = "${env:VLTAVA_BOOTSTRAP_SERVER:-127.0.0.1:9092}",
            description = "Broker(s) to connect to, comma-separated (default: $VLTAVA_BOOTSTRAP_SERVER, else 127.0.0.1:9092).")
    private String bootstrapServer;

    @Option(names = "--command-config", paramLabel = "FILE",
            description = "Kafka client properties (security settings and the like), as Kafka's tools take them.")
    private Path commandConfig;

    @Option(names = {"-X", "--client-property"}, paramLabel = "KEY=VALUE", description = "A Kafka client property; repeatable.")
    private Map<String, String> clientProperties = new LinkedHashMap<>();

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
            description = "How long to wait for the cluster before giving up (default: ${DEFAULT-VALUE}).")
    private Duration timeout;

    public String bootstrapServer() {
        return bootstrapServer;
    }

    public Duration timeout() {
        return timeout;
    }

    /** The client properties for a producer, consumer or admin client, with {@code defaults} under the user's. */
    Properties properties(Map<String, Object> defaults) {
        Properties properties = new Properties();
        properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServer);
        properties.put(CommonClientConfigs.CLIENT_ID_CONFIG, "vltava-cli");
        properties.putAll(defaults);
        if (commandConfig != null) {
            try (Reader reader = Files.newBufferedReader(commandConfig)) {
                properties.load(reader);
            } catch (NoSuchFileException e) {
                throw new CommandFailure(ExitCodes.USAGE, "client properties file '" + commandConfig + "' does not exist");
            } catch (IOException e) {
                throw new CommandFailure(ExitCodes.USAGE, "cannot read client properties file '" + commandConfig + "': " + e.getMessage());
            }
        }
        properties.putAll(clientProperties);
        return properties;
    }

    /** An admin client whose every call gives up after {@code --timeout}. */
    public Admin admin() {
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        return create(Map.of(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs),
                Admin::create);
    }

    /** A producer with {@code defaults} (serializers included) under the user's client properties. */
    public Producer<byte[], byte[]> producer(Map<String, Object> defaults) {
        return create(defaults, KafkaProducer<byte[], byte[]>::new);
    }

    /** A consumer with {@code defaults} (deserializers included) under the user's client properties. */
    public Consumer<byte[], byte[]> consumer(Map<String, Object> defaults) {
        return create(defaults, KafkaConsumer<byte[], byte[]>::new);
    }

    /**
     * Builds a Kafka client. The clients check their settings and resolve the bootstrap addresses as
     * they are built, and report a bad one inside a general "failed to construct" error: that becomes
     * a usage error with the reason.
     */
    private <T> T create(Map<String, Object> defaults, Function<Properties, T> factory) {
        Properties properties = properties(defaults);
        try {
            return factory.apply(properties);
        } catch (KafkaException e) {
            Throwable reason = e instanceof ConfigException ? e : e.getCause();
            if (reason instanceof ConfigException) {
                String message = reason.getMessage().contains(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)
                        ? reason.getMessage() + " (--bootstrap-server " + bootstrapServer + ")" : reason.getMessage();
                throw new CommandFailure(ExitCodes.USAGE, "bad client setting: " + message, e);
            }
            throw failure(e, "the Kafka client");
        }
    }

    /**
     * Waits for {@code future}; a failure becomes a {@link CommandFailure} that names {@code subject}
     * (for example {@code "topic 'orders'"}).
     */
    public <T> T await(KafkaFuture<T> future, String subject) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw failure(e.getCause(), subject);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailure(ExitCodes.FAILURE, "interrupted");
        }
    }

    /** The one-line failure for {@code error}, which happened to {@code subject}. */
    public CommandFailure failure(Throwable error, String subject) {
        return ClientErrors.describe(error, subject, bootstrapServer, timeout);
    }
}
