package io.vltava.testing;

import io.vltava.common.config.BrokerConfig;
import io.vltava.common.time.Time;
import io.vltava.server.ServerProperties;
import io.vltava.server.VltavaServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Vltava broker running inside the test's JVM, on ephemeral loopback ports (the metrics endpoint's
 * included, so that several can run at once), with its data in a
 * directory of its own. It can be stopped and started again on the same data.
 *
 * <p>Threading: drive it from the test thread.
 */
public final class EmbeddedBroker implements AutoCloseable {

    private final Path dataDir;
    private final Map<String, String> overrides;
    private VltavaServer server;
    private int port;

    private EmbeddedBroker(Path dataDir, Map<String, String> overrides) {
        this.dataDir = dataDir;
        this.overrides = overrides;
    }

    /** Starts a broker with default settings plus {@code overrides} (Kafka key names). */
    public static EmbeddedBroker start(Map<String, String> overrides) {
        try {
            EmbeddedBroker broker = new EmbeddedBroker(Files.createTempDirectory("vltava-broker-"), new LinkedHashMap<>(overrides));
            broker.startServer();
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static EmbeddedBroker start() {
        return start(Map.of());
    }

    private void startServer() {
        Map<String, String> raw = new LinkedHashMap<>();
        raw.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:0");
        raw.put("log.dirs", dataDir.resolve("data").toString());
        raw.put("metrics.listener", "http://127.0.0.1:0");
        raw.putAll(overrides);
        BrokerConfig config = ServerProperties.parse(raw);
        server = new VltavaServer(config, Time.SYSTEM);
        server.start();
        port = server.port();
    }

    /** {@code host:port} for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The port of the metrics endpoint (a fresh one at each start), or -1 when it is turned off or the broker is stopped. */
    public int metricsPort() {
        return server == null ? -1 : server.metricsPort();
    }

    public Path dataDir() {
        return dataDir.resolve("data");
    }

    /** The running server, for tests that reach past the wire; null while stopped. */
    public VltavaServer server() {
        return server;
    }

    /** Stops the broker cleanly; its data stays. */
    public void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** Starts the broker again on the same data and port. */
    public void restart() {
        stop();
        startServer();
    }

    /** Stops the broker and deletes its data. */
    @Override
    public void close() {
        stop();
        TestDirectories.deleteQuietly(dataDir);
    }
}
