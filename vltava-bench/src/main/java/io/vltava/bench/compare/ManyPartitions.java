package io.vltava.bench.compare;

import io.vltava.testing.KafkaClients;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates many partitions the way an operator would with the Admin API: topics of a fixed number of
 * partitions, a few topics per CreateTopics request, and waits until the broker describes every
 * partition with a leader.
 *
 * <p>Threading: stateless; blocks the caller.
 */
public final class ManyPartitions {

    private static final int TOPICS_PER_REQUEST = 10;

    private ManyPartitions() {
    }

    /** The name of topic {@code index} of a many-partitions run. */
    public static String topic(int index) {
        return "many-" + index;
    }

    /**
     * Creates {@code topics} topics of {@code partitionsPerTopic} partitions on the broker at
     * {@code bootstrap}; returns the seconds until all had a leader.
     */
    public static double create(String bootstrap, int topics, int partitionsPerTopic) {
        try (Admin admin = KafkaClients.admin(bootstrap)) {
            long start = System.nanoTime();
            List<String> names = new ArrayList<>();
            for (int first = 0; first < topics; first += TOPICS_PER_REQUEST) {
                List<NewTopic> request = new ArrayList<>();
                for (int i = first; i < Math.min(topics, first + TOPICS_PER_REQUEST); i++) {
                    request.add(new NewTopic(topic(i), partitionsPerTopic, (short) 1));
                    names.add(topic(i));
                }
                admin.createTopics(request).all().get(5, TimeUnit.MINUTES);
            }
            while (!allLed(admin, names)) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
            return (System.nanoTime() - start) / 1e9;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Creating " + topics + " topics failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        }
    }

    private static boolean allLed(Admin admin, List<String> names) throws InterruptedException, ExecutionException {
        Collection<TopicDescription> descriptions;
        try {
            descriptions = admin.describeTopics(names).allTopicNames().get().values();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false; // created, but not yet in the metadata this broker serves (Kafka propagates it)
            }
            throw e;
        }
        for (TopicDescription description : descriptions) {
            if (description.partitions().stream().anyMatch(partition -> partition.leader() == null)) {
                return false;
            }
        }
        return true;
    }
}
