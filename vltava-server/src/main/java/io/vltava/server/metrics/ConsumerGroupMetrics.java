package io.vltava.server.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.vltava.broker.partition.Partition;
import io.vltava.broker.partition.ReplicaManager;
import io.vltava.common.topic.TopicPartition;
import io.vltava.coordinator.group.GroupCoordinator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The committed offsets and lag of the consumer groups this broker coordinates, named as
 * kafka_exporter names them: {@code kafka_consumergroup_current_offset} and {@code kafka_consumergroup_lag}
 * (high watermark minus committed offset, never below 0, for partitions this broker leads), by
 * {@code consumergroup}, {@code topic} and {@code partition}.
 *
 * <p>Threading: {@link #collect} runs on the scraping thread; it asks each coordinator shard for its
 * offsets on the shard's thread and waits for the answers at most {@code timeout}, leaving out the
 * shards that have not answered (or are still loading).
 */
public final class ConsumerGroupMetrics implements MultiCollector {

    private final GroupCoordinator coordinator;
    private final ReplicaManager replicaManager;
    private final Duration timeout;

    public ConsumerGroupMetrics(GroupCoordinator coordinator, ReplicaManager replicaManager, Duration timeout) {
        this.coordinator = coordinator;
        this.replicaManager = replicaManager;
        this.timeout = timeout;
    }

    @Override
    public MetricSnapshots collect() {
        GaugeSnapshot.Builder current = GaugeSnapshot.builder().name("kafka_consumergroup_current_offset")
                .help("Committed offset of a consumer group in a partition");
        GaugeSnapshot.Builder lag = GaugeSnapshot.builder().name("kafka_consumergroup_lag")
                .help("Records a consumer group can read after its committed offset: high watermark minus committed offset");
        for (Map<String, Map<TopicPartition, Long>> shard : answered(coordinator.committedOffsets())) {
            shard.forEach((group, offsets) -> offsets.forEach((tp, offset) -> {
                Labels labels = Labels.of("consumergroup", group, "topic", tp.topic(), "partition", Integer.toString(tp.partition()));
                current.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(offset).build());
                Partition partition = replicaManager.partition(tp);
                if (partition != null && partition.isLeader()) {
                    long behind = Math.max(0, partition.log().highWatermark() - offset);
                    lag.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(behind).build());
                }
            }));
        }
        return MetricSnapshots.of(current.build(), lag.build());
    }

    private <T> List<T> answered(List<CompletableFuture<T>> shards) {
        try {
            CompletableFuture.allOf(shards.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // some shards failed or are slow; the others are still reported
        }
        return shards.stream().filter(shard -> shard.isDone() && !shard.isCompletedExceptionally()).map(CompletableFuture::join).toList();
    }
}
