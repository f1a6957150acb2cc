package io.vltava.server.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vltava.common.config.BrokerConfigs;
import io.vltava.common.config.ConfigException;
import io.vltava.common.config.Endpoint;
import java.io.IOException;
import java.nio.channels.UnresolvedAddressException;

/**
 * The HTTP endpoint Prometheus scrapes: {@code GET /metrics} answers with the registry's metrics in
 * the Prometheus text format, or in OpenMetrics when the scraper asks for it.
 *
 * <p>Threading: {@link #start} and {@link #close} from one controlling thread; scrapes run on the
 * endpoint's own threads.
 */
public final class MetricsEndpoint implements AutoCloseable {

    private final HTTPServer server;
    private final String url;

    private MetricsEndpoint(HTTPServer server, String url) {
        this.server = server;
        this.url = url;
    }

    /**
     * Listens on {@code address} (an empty host listens on every interface, port 0 on a free port).
     *
     * @throws ConfigException naming {@code metrics.listener} when the address cannot be bound
     */
    public static MetricsEndpoint start(Endpoint address, PrometheusRegistry registry) {
        HTTPServer.Builder builder = HTTPServer.builder().port(address.port()).registry(registry);
        if (!address.host().isEmpty()) {
            builder.hostname(address.host());
        }
        String configured = "http://" + urlHost(address.host()) + ":" + address.port();
        try {
            HTTPServer server = builder.buildAndStart();
            String host = address.host().isEmpty() ? "0.0.0.0" : urlHost(address.host());
            return new MetricsEndpoint(server, "http://" + host + ":" + server.getPort() + "/metrics");
        } catch (IOException e) {
            throw cannotServe(configured, e.getMessage());
        } catch (UnresolvedAddressException e) {
            throw cannotServe(configured, "unknown host " + address.host());
        }
    }

    /** A host as a URL writes it: an IPv6 address in brackets. */
    private static String urlHost(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    private static ConfigException cannotServe(String address, String reason) {
        return new ConfigException("Cannot serve metrics on " + address + " (" + BrokerConfigs.METRICS_LISTENER + "): " + reason);
    }

    /** The bound port. */
    public int port() {
        return server.getPort();
    }

    /** Where to scrape, e.g. {@code http://127.0.0.1:9644/metrics}. */
    public String url() {
        return url;
    }

    @Override
    public void close() {
        server.close();
    }
}
