package io.vltava.broker;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vltava.broker.api.BrokerTopicMetrics;
import io.vltava.broker.config.TopicConfigResolver;
import io.vltava.broker.partition.Partition;
import io.vltava.broker.partition.ReplicaManager;
import io.vltava.common.config.BrokerConfig;
import io.vltava.common.time.ManualTime;
import io.vltava.common.topic.TopicPartition;
import io.vltava.metadata.image.MetadataDelta;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.record.MetadataRecord;
import io.vltava.metadata.record.PartitionRecord;
import io.vltava.metadata.record.RegisterBrokerRecord;
import io.vltava.metadata.record.TopicRecord;
import io.vltava.storage.LogManager;
import io.vltava.storage.LogManagerConfig;
import io.vltava.storage.cleaner.LogCleanerConfig;
import io.vltava.storage.log.LogAppendInfo;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * One broker's partition layer for tests, without network or metadata quorum: a real {@link LogManager}
 * in a test directory, a {@link ReplicaManager} fed with metadata deltas built from records, and the
 * current {@link MetadataImage} as handlers see it.
 *
 * <p>The local broker is node 1 unless a test says otherwise.
 *
 * <p>Threading: metadata is applied under a lock and the image is volatile, so handlers on other threads see each applied image; the rest is for the test's thread.
 */
public final class LocalBroker implements AutoCloseable {

    public static final int LOCAL_ID = 1;
    private static final long HOUR = 3_600_000L;

    private final ManualTime time;
    private final TopicConfigResolver configs;
    private final LogManager logManager;
    private final ReplicaManager replicaManager;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final BrokerTopicMetrics topicMetrics = new BrokerTopicMetrics(registry);
    private volatile MetadataImage image = MetadataImage.EMPTY;
    private long metadataOffset;

    private LocalBroker(Path logDir, Map<String, String> brokerProps, ManualTime time) {
        this.time = time;
        this.configs = new TopicConfigResolver(BrokerConfig.parse(brokerProps));
        this.logManager = LogManager.open(new LogManagerConfig(List.of(logDir), HOUR, Long.MAX_VALUE, HOUR, HOUR, HOUR, LogCleanerConfig.DEFAULT, 0L, HOUR),
                topic -> configs.settings(image, topic).logConfig(), time);
        this.replicaManager = new ReplicaManager(LOCAL_ID, logManager, configs);
    }

    /** A broker with default configuration and no metadata applied yet. */
    public static LocalBroker open(Path logDir) {
        return open(logDir, Map.of());
    }

    public static LocalBroker open(Path logDir, Map<String, String> brokerProps) {
        return new LocalBroker(logDir, brokerProps, new ManualTime(System.currentTimeMillis()));
    }

    public ManualTime time() {
        return time;
    }

    public MetadataImage image() {
        return image;
    }

    public TopicConfigResolver configs() {
        return configs;
    }

    public LogManager logManager() {
        return logManager;
    }

    public ReplicaManager replicaManager() {
        return replicaManager;
    }

    /** The topic counters, kept in step with the metadata like the replica manager. */
    public BrokerTopicMetrics topicMetrics() {
        return topicMetrics;
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** Replays {@code records} into a delta on the current image and publishes it to the replica manager. */
    public MetadataImage apply(MetadataRecord... records) {
        return apply(Arrays.asList(records));
    }

    public synchronized MetadataImage apply(List<MetadataRecord> records) {
        MetadataDelta delta = new MetadataDelta(image);
        for (MetadataRecord record : records) {
            delta.replay(record);
        }
        MetadataImage next = delta.apply(metadataOffset++);
        replicaManager.onMetadataUpdate(delta, next);
        topicMetrics.onMetadataUpdate(delta, next);
        image = next;
        return next;
    }

    /** Registers this broker, as the first metadata a broker sees. */
    public void registerLocalBroker() {
        apply(new RegisterBrokerRecord(LOCAL_ID, UUID.randomUUID(),
                List.of(new RegisterBrokerRecord.BrokerEndpoint("PLAINTEXT", "localhost", 9092, "PLAINTEXT")), null));
    }

    /** Creates a topic whose partitions all live on this broker alone, led by it at epoch 0. */
    public UUID createTopic(String name, int partitions) {
        UUID id = UUID.randomUUID();
        List<MetadataRecord> records = new ArrayList<>();
        records.add(new TopicRecord(name, id));
        for (int p = 0; p < partitions; p++) {
            records.add(new PartitionRecord(id, p, List.of(LOCAL_ID), List.of(LOCAL_ID), LOCAL_ID, 0, 0));
        }
        apply(records);
        return id;
    }

    public Partition partition(String topic, int partition) {
        return replicaManager.partition(new TopicPartition(topic, partition));
    }

    /** Appends one batch of {@code records} records (values of {@code valueBytes} bytes) as leader with acks=1. */
    public LogAppendInfo append(String topic, int partition, int records, int valueBytes) {
        return partition(topic, partition).appendRecordsToLeader(batch(time.milliseconds(), records, valueBytes), (short) 1);
    }

    public LogAppendInfo append(String topic, int partition, int records) {
        return append(topic, partition, records, 10);
    }

    /** A producer's batch: base offset 0, uncompressed, every record stamped {@code timestamp}. */
    public static ByteBuffer batch(long timestamp, int records, int valueBytes) {
        SimpleRecord[] simple = new SimpleRecord[records];
        for (int i = 0; i < records; i++) {
            simple[i] = new SimpleRecord(timestamp, ("k" + i).getBytes(), new byte[valueBytes]);
        }
        return MemoryRecords.withRecords(Compression.NONE, simple).buffer();
    }

    @Override
    public void close() {
        logManager.close();
    }
}
