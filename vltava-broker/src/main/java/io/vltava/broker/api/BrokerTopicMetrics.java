package io.vltava.broker.api;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vltava.metadata.image.MetadataDelta;
import io.vltava.metadata.image.MetadataImage;
import io.vltava.metadata.image.MetadataPublisher;
import io.vltava.metadata.image.TopicImage;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Produce and fetch counters by topic, named as Kafka's JMX exporter names BrokerTopicMetrics
 * ({@code kafka_server_brokertopicmetrics_*_total{topic}}). A topic has counters from its creation in
 * the metadata to its deletion: requests naming unknown topics add no series, and a deleted topic's
 * series go away.
 *
 * <p>Threading: the record methods from any thread (one concurrent map lookup, no label lookup);
 * {@link #onMetadataUpdate} on the metadata apply thread.
 */
public final class BrokerTopicMetrics implements MetadataPublisher {

    private final Counter bytesIn;
    private final Counter bytesOut;
    private final Counter messagesIn;
    private final Counter totalProduceRequests;
    private final Counter failedProduceRequests;
    private final Counter totalFetchRequests;
    private final Counter failedFetchRequests;
    private final List<Counter> all;
    private final ConcurrentHashMap<String, TopicCounters> topics = new ConcurrentHashMap<>();

    /** Registers the counters in {@code registry}. */
    public BrokerTopicMetrics(PrometheusRegistry registry) {
        bytesIn = counter("bytesin", "Bytes of record batches appended by Produce", registry);
        bytesOut = counter("bytesout", "Bytes of records returned to Fetch", registry);
        messagesIn = counter("messagesin", "Records appended by Produce", registry);
        totalProduceRequests = counter("totalproducerequests", "Partitions written by Produce requests", registry);
        failedProduceRequests = counter("failedproducerequests", "Partitions of Produce requests that failed", registry);
        totalFetchRequests = counter("totalfetchrequests", "Partitions read by Fetch requests", registry);
        failedFetchRequests = counter("failedfetchrequests", "Partitions of Fetch requests that failed", registry);
        all = List.of(bytesIn, bytesOut, messagesIn, totalProduceRequests, failedProduceRequests, totalFetchRequests, failedFetchRequests);
    }

    private static Counter counter(String name, String help, PrometheusRegistry registry) {
        return Counter.builder().name("kafka_server_brokertopicmetrics_" + name + "_total").help(help).labelNames("topic").withoutExemplars()
                .register(registry);
    }

    /** One partition of a Produce request, which failed or not. */
    public void recordProduce(String topic, boolean failed) {
        TopicCounters counters = topics.get(topic);
        if (counters != null) {
            counters.totalProduceRequests.inc();
            if (failed) {
                counters.failedProduceRequests.inc();
            }
        }
    }

    /** Records appended to a partition of {@code topic} by Produce. */
    public void recordAppend(String topic, int bytes, long messages) {
        TopicCounters counters = topics.get(topic);
        if (counters != null) {
            counters.bytesIn.inc(bytes);
            counters.messagesIn.inc(messages);
        }
    }

    /** One partition of a Fetch response, which failed or returned {@code bytes} of records. */
    public void recordFetch(String topic, boolean failed, int bytes) {
        TopicCounters counters = topics.get(topic);
        if (counters != null) {
            counters.totalFetchRequests.inc();
            if (failed) {
                counters.failedFetchRequests.inc();
            } else if (bytes > 0) {
                counters.bytesOut.inc(bytes);
            }
        }
    }

    @Override
    public void onMetadataUpdate(MetadataDelta delta, MetadataImage newImage) {
        for (TopicImage deleted : delta.deletedTopics()) {
            if (topics.remove(deleted.name()) != null) {
                all.forEach(counter -> counter.remove(deleted.name()));
            }
        }
        for (MetadataDelta.ChangedTopic changed : delta.changedTopics()) {
            topics.computeIfAbsent(changed.name(), TopicCounters::new);
        }
    }

    /** The data points of one topic, resolved once. */
    private final class TopicCounters {

        private final CounterDataPoint bytesIn;
        private final CounterDataPoint bytesOut;
        private final CounterDataPoint messagesIn;
        private final CounterDataPoint totalProduceRequests;
        private final CounterDataPoint failedProduceRequests;
        private final CounterDataPoint totalFetchRequests;
        private final CounterDataPoint failedFetchRequests;

        TopicCounters(String topic) {
            bytesIn = BrokerTopicMetrics.this.bytesIn.labelValues(topic);
            bytesOut = BrokerTopicMetrics.this.bytesOut.labelValues(topic);
            messagesIn = BrokerTopicMetrics.this.messagesIn.labelValues(topic);
            totalProduceRequests = BrokerTopicMetrics.this.totalProduceRequests.labelValues(topic);
            failedProduceRequests = BrokerTopicMetrics.this.failedProduceRequests.labelValues(topic);
            totalFetchRequests = BrokerTopicMetrics.this.totalFetchRequests.labelValues(topic);
            failedFetchRequests = BrokerTopicMetrics.this.failedFetchRequests.labelValues(topic);
        }
    }
}
