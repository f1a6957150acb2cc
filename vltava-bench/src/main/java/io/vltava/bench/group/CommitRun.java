package io.vltava.bench.group;

import io.vltava.testing.KafkaClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Offset commits per second: several Java consumers, each in its own group, commit synchronously in a
 * loop for a fixed time, each commit covering {@code partitionsPerCommit} partitions of one topic.
 *
 * <p>Threading: {@link #run} from one thread; it starts one thread per committer.
 */
final class CommitRun {

    private final String bootstrap;
    private final String topic;
    private final int partitionsPerCommit;

    CommitRun(String bootstrap, String topic, int partitionsPerCommit) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.partitionsPerCommit = partitionsPerCommit;
    }

    /** Commits per second over all committers, and the latency of one commit in milliseconds. */
    record Result(double commitsPerSecond, double p50Millis, double p99Millis) {
    }

    Result run(String groupPrefix, int committers, Duration duration) throws InterruptedException {
        Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        long[] counts = new long[committers];
        List<Thread> threads = new ArrayList<>();
        long deadline = System.nanoTime() + duration.toNanos();
        for (int c = 0; c < committers; c++) {
            int index = c;
            Thread thread = new Thread(() -> commitLoop(groupPrefix + "-" + index, deadline, latency, counts, index), "committer-" + c);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        long total = 0;
        for (long count : counts) {
            total += count;
        }
        return new Result(total / (duration.toNanos() / 1e9), latency.getValueAtPercentile(50) / 1e6, latency.getValueAtPercentile(99) / 1e6);
    }

    private void commitLoop(String groupId, long deadline, Histogram latency, long[] counts, int index) {
        Properties props = new Properties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(bootstrap, props)) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            consumer.commitSync(commit(offsets, 0));
            long offset = 1;
            while (System.nanoTime() < deadline) {
                Map<TopicPartition, OffsetAndMetadata> next = commit(offsets, offset++);
                long started = System.nanoTime();
                consumer.commitSync(next);
                long took = System.nanoTime() - started;
                synchronized (latency) {
                    latency.recordValue(Math.min(took, latency.getHighestTrackableValue()));
                }
                counts[index]++;
            }
        }
    }

    private Map<TopicPartition, OffsetAndMetadata> commit(Map<TopicPartition, OffsetAndMetadata> offsets, long offset) {
        offsets.clear();
        for (int p = 0; p < partitionsPerCommit; p++) {
            offsets.put(new TopicPartition(topic, p), new OffsetAndMetadata(offset));
        }
        return offsets;
    }
}
