package io.vltava.bench.compare;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Vltava started the way its README says ({@code bin/vltava server start}), with the launcher's own JVM
 * options and the given heap, and its default settings otherwise.
 *
 * <p>Threading: immutable.
 */
public final class VltavaLauncher implements BrokerLauncher {

    private final Path root;
    private final String heapOptions;

    /**
     * @param root        the Vltava checkout holding {@code bin/vltava} and {@code config/server.properties}
     * @param heapOptions for example {@code -Xms2g -Xmx2g}
     */
    public VltavaLauncher(Path root, String heapOptions) {
        this.root = root;
        this.heapOptions = heapOptions;
    }

    @Override
    public String name() {
        return "vltava";
    }

    @Override
    public double prepare(BrokerSite site) {
        return 0;
    }

    @Override
    public List<String> command(BrokerSite site) {
        return List.of(root.resolve("bin/vltava").toString(), "server", "start",
                "--config", root.resolve("config/server.properties").toString(),
                "--override", "listeners=PLAINTEXT://127.0.0.1:" + site.port() + ",CONTROLLER://127.0.0.1:" + site.controllerPort(),
                "--override", "advertised.listeners=PLAINTEXT://127.0.0.1:" + site.port(),
                "--override", "log.dirs=" + logDir(site),
                "--override", "metrics.listener=http://127.0.0.1:0");
    }

    @Override
    public Map<String, String> environment(BrokerSite site) {
        return Map.of("VLTAVA_HEAP_OPTS", heapOptions);
    }
}
