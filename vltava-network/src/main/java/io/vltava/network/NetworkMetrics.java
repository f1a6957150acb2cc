package io.vltava.network;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * The metrics of the network layer, named as Kafka's JMX exporter names them: requests, errors and
 * request times by API ({@code kafka_network_requestmetrics_*}, the API as Kafka spells it, e.g.
 * {@code Produce}) and connections by listener ({@code kafka_server_socketservermetrics_*}).
 *
 * <p>Threading: any thread. An API's data points are looked up on its first request and kept by the
 * API's ordinal, so recording a request allocates nothing and looks up no label; two threads racing on
 * an API's first request get the same data points.
 */
public final class NetworkMetrics {

    /** Bucket bounds of the request times, in seconds: from 100 µs to a long-polling fetch. */
    private static final double[] SECONDS_BUCKETS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
        10, 30};

    private final Counter requests;
    private final Counter errors;
    private final Histogram totalTime;
    private final Histogram requestQueueTime;
    private final Histogram responseQueueTime;
    private final Gauge connectionCount;
    private final Counter connectionCreation;
    private final Counter connectionClose;
    private final Counter connectionRejected;
    private final RequestMetrics[] byApi = new RequestMetrics[ApiKeys.values().length];

    /** Registers the network metrics in {@code registry}. */
    public NetworkMetrics(PrometheusRegistry registry) {
        requests = Counter.builder().name("kafka_network_requestmetrics_requests_total").help("Requests received, by API")
                .labelNames("request").withoutExemplars().register(registry);
        errors = Counter.builder().name("kafka_network_requestmetrics_errors_total").help("Requests whose handling failed, by API and error")
                .labelNames("request", "error").withoutExemplars().register(registry);
        totalTime = histogram("kafka_network_requestmetrics_totaltime_seconds", "Time from reading a request to sending its response", registry);
        requestQueueTime = histogram("kafka_network_requestmetrics_requestqueuetime_seconds",
                "Time a request waited behind earlier requests of its connection before being handled", registry);
        responseQueueTime = histogram("kafka_network_requestmetrics_responsequeuetime_seconds",
                "Time a response waited behind earlier responses of its connection before being sent", registry);
        connectionCount = Gauge.builder().name("kafka_server_socketservermetrics_connection_count").help("Open client connections, by listener")
                .labelNames("listener").withoutExemplars().register(registry);
        connectionCreation = Counter.builder().name("kafka_server_socketservermetrics_connection_creation_total")
                .help("Client connections accepted, by listener").labelNames("listener").withoutExemplars().register(registry);
        connectionClose = Counter.builder().name("kafka_server_socketservermetrics_connection_close_total")
                .help("Client connections closed, by listener").labelNames("listener").withoutExemplars().register(registry);
        connectionRejected = Counter.builder().name("kafka_server_socketservermetrics_connection_rejected_total")
                .help("Client connections closed as they were accepted, by listener and the limit they broke (max.connections or max.connections.per.ip)")
                .labelNames("listener", "reason").withoutExemplars().register(registry);
    }

    private static Histogram histogram(String name, String help, PrometheusRegistry registry) {
        return Histogram.builder().name(name).help(help).unit(Unit.SECONDS).labelNames("request").classicOnly().classicUpperBounds(SECONDS_BUCKETS)
                .withoutExemplars().register(registry);
    }

    /** A request about to be handled, after {@code queuedNanos} behind earlier requests of its connection. */
    void requestDispatched(ApiKeys api, long queuedNanos) {
        RequestMetrics metrics = of(api);
        metrics.requests.inc();
        metrics.requestQueueTime.observe(Unit.nanosToSeconds(queuedNanos));
    }

    /** A response handed to the socket, {@code totalNanos} after its request was read. */
    void responseSent(ApiKeys api, long totalNanos, long responseQueuedNanos) {
        RequestMetrics metrics = of(api);
        metrics.totalTime.observe(Unit.nanosToSeconds(totalNanos));
        metrics.responseQueueTime.observe(Unit.nanosToSeconds(responseQueuedNanos));
    }

    /** A request whose handler failed with {@code error}; rare enough to look its label up. */
    void requestFailed(ApiKeys api, Errors error) {
        errors.labelValues(api.name, error.name()).inc();
    }

    void connectionOpened(String listenerName) {
        connectionCount.labelValues(listenerName).inc();
        connectionCreation.labelValues(listenerName).inc();
    }

    void connectionClosed(String listenerName) {
        connectionCount.labelValues(listenerName).dec();
        connectionClose.labelValues(listenerName).inc();
    }

    /** A connection refused at accept time because it would break the limit named {@code reason}. */
    void connectionRejected(String listenerName, String reason) {
        connectionRejected.labelValues(listenerName, reason).inc();
    }

    private RequestMetrics of(ApiKeys api) {
        RequestMetrics metrics = byApi[api.ordinal()];
        if (metrics == null) {
            metrics = new RequestMetrics(requests.labelValues(api.name), totalTime.labelValues(api.name), requestQueueTime.labelValues(api.name),
                    responseQueueTime.labelValues(api.name));
            byApi[api.ordinal()] = metrics;
        }
        return metrics;
    }

    /** The data points of one API; immutable, so it may be published without synchronisation. */
    private record RequestMetrics(CounterDataPoint requests, DistributionDataPoint totalTime, DistributionDataPoint requestQueueTime,
                                  DistributionDataPoint responseQueueTime) {
    }
}
