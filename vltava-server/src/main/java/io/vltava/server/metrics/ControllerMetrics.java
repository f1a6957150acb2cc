package io.vltava.server.metrics;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.image.TopicImage;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Gauges of the cluster as the metadata describes it, read when Prometheus scrapes
 * ({@code kafka_controller_kafkacontroller_*}): whether this node is the active controller, and the
 * topics and partitions of the cluster.
 *
 * <p>Threading: the callbacks run on the scraping thread and read an immutable image.
 */
public final class ControllerMetrics {

    private ControllerMetrics() {
    }

    /**
     * Registers the gauges in {@code registry}.
     *
     * @param image  the current metadata image
     * @param active whether this node leads the metadata quorum
     */
    public static void register(Supplier<MetadataImage> image, BooleanSupplier active, PrometheusRegistry registry) {
        GaugeWithCallback.builder().name("kafka_controller_kafkacontroller_activecontrollercount").help("1 on the active controller, else 0")
                .callback(callback -> callback.call(active.getAsBoolean() ? 1 : 0)).register(registry);
        GaugeWithCallback.builder().name("kafka_controller_kafkacontroller_globaltopiccount").help("Topics in the cluster")
                .callback(callback -> callback.call(image.get().topics().byName().size())).register(registry);
        GaugeWithCallback.builder().name("kafka_controller_kafkacontroller_globalpartitioncount").help("Partitions in the cluster")
                .callback(callback -> callback.call(image.get().topics().byName().values().stream().mapToInt(TopicImage::partitionCount).sum()))
                .register(registry);
    }
}
