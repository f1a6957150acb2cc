package io.vltava.server.metrics;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vltava.broker.partition.Partition;
import io.vltava.broker.partition.ReplicaManager;
import io.vltava.storage.log.PartitionLog;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * Gauges of the partitions this broker holds, read when Prometheus scrapes: the counts of
 * {@code kafka_server_replicamanager_*} and each partition's log ({@code kafka_log_log_*{topic,partition}}).
 * A deleted partition's series disappear with it.
 *
 * <p>Threading: the callbacks run on the scraping thread and only read the partitions, which are safe
 * to read from any thread.
 */
public final class ReplicaMetrics {

    private ReplicaMetrics() {
    }

    /** Registers the gauges of {@code replicaManager}'s partitions in {@code registry}. */
    public static void register(ReplicaManager replicaManager, PrometheusRegistry registry) {
        GaugeWithCallback.builder().name("kafka_server_replicamanager_partitioncount").help("Partitions this broker holds a replica of")
                .callback(callback -> callback.call(replicaManager.partitions().size())).register(registry);
        GaugeWithCallback.builder().name("kafka_server_replicamanager_leadercount").help("Partitions this broker leads")
                .callback(callback -> callback.call(count(replicaManager, Partition::isLeader))).register(registry);
        GaugeWithCallback.builder().name("kafka_server_replicamanager_underreplicatedpartitions")
                .help("Partitions this broker leads with fewer in-sync replicas than replicas")
                .callback(callback -> callback.call(count(replicaManager, partition -> partition.isLeader() && partition.isUnderReplicated())))
                .register(registry);
        logGauge(replicaManager, registry, "kafka_log_log_size", "Bytes of the partition's log segments", PartitionLog::sizeInBytes);
        logGauge(replicaManager, registry, "kafka_log_log_logendoffset", "Offset the partition's next record gets", PartitionLog::logEndOffset);
        logGauge(replicaManager, registry, "kafka_log_log_logstartoffset", "First offset the partition's log keeps", PartitionLog::logStartOffset);
        logGauge(replicaManager, registry, "kafka_log_log_numlogsegments", "Segments of the partition's log", PartitionLog::segmentCount);
    }

    private static long count(ReplicaManager replicaManager, Predicate<Partition> condition) {
        return replicaManager.partitions().stream().filter(condition).count();
    }

    private static void logGauge(ReplicaManager replicaManager, PrometheusRegistry registry, String name, String help,
                                 ToDoubleFunction<PartitionLog> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("topic", "partition").callback(callback -> {
            for (Partition partition : replicaManager.partitions()) {
                callback.call(value.applyAsDouble(partition.log()), partition.topicPartition().topic(),
                        Integer.toString(partition.topicPartition().partition()));
            }
        }).register(registry);
    }
}
