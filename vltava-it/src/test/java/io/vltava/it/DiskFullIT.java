package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vltava.testing.EmbeddedBroker;
import io.vltava.testing.KafkaClients;
import io.vltava.testing.TestDirectories;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A log directory on a small tmpfs next to a roomy one: when the small one runs short of space its
 * partitions refuse appends with KAFKA_STORAGE_ERROR, while reads and the other directory's partitions
 * go on, and appends resume once space is freed; when the disk really fills (the free-space check
 * off), writes fail the same way without a crash, and a restart after space is freed serves every
 * acknowledged record. Needs to mount a tmpfs (root); skipped with a printed reason otherwise.
 */
class DiskFullIT {

    private static final String VALUE_PADDING = "x".repeat(1000);
    private static final long FILESYSTEM_BYTES = 32L * 1024 * 1024;

    private static Path root;
    private static Path roomy;
    private static Path small;

    @BeforeAll
    static void mountSmallDisk() throws Exception {
        root = Files.createTempDirectory("vltava-disk-full-");
        roomy = Files.createDirectories(root.resolve("a-roomy"));
        small = Files.createDirectories(root.resolve("b-small"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + FILESYSTEM_BYTES, "tmpfs", small.toString())
                .redirectErrorStream(true).start();
        String output = new String(mount.getInputStream().readAllBytes()).trim();
        if (!mount.waitFor(30, TimeUnit.SECONDS) || mount.exitValue() != 0) {
            String reason = "DiskFullIT skipped: cannot mount a tmpfs to fill (" + output + "); it needs root";
            System.out.println(reason);
            Assumptions.abort(reason);
        }
    }

    @AfterAll
    static void unmount() throws Exception {
        if (small != null) {
            new ProcessBuilder("umount", "-l", small.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        }
        if (root != null) {
            TestDirectories.deleteQuietly(root);
        }
    }

    private static EmbeddedBroker start(long minFreeBytes) {
        return EmbeddedBroker.start(Map.of("log.dirs", roomy + "," + small, "log.dir.min.free.bytes", Long.toString(minFreeBytes),
                "log.dir.free.space.check.interval.ms", "100"));
    }

    private static KafkaProducer<String, String> producer(EmbeddedBroker broker) {
        Properties props = new Properties();
        props.put(ProducerConfig.RETRIES_CONFIG, "0");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "10000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        return KafkaClients.producer(broker.bootstrapServers(), props);
    }

    /**
     * Sends records to {@code tp} in rounds until one is refused; adds the acknowledged values to
     * {@code acked} in offset order.
     *
     * @return the refusal
     */
    private static Throwable produceUntilRefused(KafkaProducer<String, String> producer, TopicPartition tp, String prefix,
                                                 List<String> acked) throws InterruptedException {
        for (int round = 0; round < 200; round++) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            List<String> values = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                String value = prefix + "-" + round + "-" + i + VALUE_PADDING;
                values.add(value);
                sent.add(producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), null, value)));
            }
            producer.flush();
            Throwable refusal = null;
            for (int i = 0; i < sent.size(); i++) {
                try {
                    sent.get(i).get();
                    acked.add(values.get(i));
                } catch (ExecutionException e) {
                    refusal = e.getCause();
                }
            }
            if (refusal != null) {
                return refusal;
            }
        }
        throw new AssertionError("Never refused after 100,000 records");
    }

    private static void fill(Path file, long bytes) throws IOException {
        byte[] chunk = new byte[1024 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < bytes; written += chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, bytes - written));
            }
        }
    }

    private static List<String> values(EmbeddedBroker broker, TopicPartition tp, int count) {
        List<ConsumerRecord<String, String>> records = PartitionReader.readRecords(broker.bootstrapServers(), tp, count);
        return records.stream().map(ConsumerRecord::value).toList();
    }

    @Test
    void aDirectoryShortOfSpaceRefusesAppendsUntilSpaceIsFreedAndAFullDiskLosesNothingAcknowledged() throws Exception {
        TopicPartition onRoomy = new TopicPartition("disk", 0);
        TopicPartition onSmall = new TopicPartition("disk", 1);
        List<String> acked = new ArrayList<>();
        Path filler = small.resolve("filler.bin");

        EmbeddedBroker guarded = start(8L * 1024 * 1024);
        try {
            try (Admin admin = KafkaClients.admin(guarded.bootstrapServers())) {
                admin.createTopics(List.of(new NewTopic("disk", 2, (short) 1))).all().get();
            }
            assertThat(small.resolve("disk-1")).isDirectory();
            assertThat(roomy.resolve("disk-0")).isDirectory();
            fill(filler, 16L * 1024 * 1024);

            try (KafkaProducer<String, String> producer = producer(guarded)) {
                Throwable refusal = produceUntilRefused(producer, onSmall, "guarded", acked);
                assertThat(refusal).isInstanceOf(KafkaStorageException.class);
                assertThat(acked).hasSizeGreaterThan(1000);

                producer.send(new ProducerRecord<>(onRoomy.topic(), onRoomy.partition(), null, "still served")).get();
                assertThat(values(guarded, onSmall, acked.size())).isEqualTo(acked);

                Files.delete(filler);
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                    producer.send(new ProducerRecord<>(onSmall.topic(), onSmall.partition(), null, "after freeing")).get();
                    return true;
                });
                acked.add("after freeing");
            }
        } finally {
            guarded.close();
        }

        // Without the free-space check the disk really fills up.
        EmbeddedBroker unguarded = start(0);
        try {
            fill(filler, small.toFile().getUsableSpace() - 2L * 1024 * 1024);
            try (KafkaProducer<String, String> producer = producer(unguarded)) {
                Throwable refusal = produceUntilRefused(producer, onSmall, "unguarded", acked);
                assertThat(refusal).isInstanceOf(KafkaStorageException.class);
                producer.send(new ProducerRecord<>(onRoomy.topic(), onRoomy.partition(), null, "still served")).get();
            }
            assertThat(values(unguarded, onSmall, acked.size())).startsWith(acked.toArray(String[]::new));

            Files.delete(filler);
            unguarded.restart();

            assertThat(values(unguarded, onSmall, acked.size())).isEqualTo(acked);
            try (KafkaProducer<String, String> producer = producer(unguarded)) {
                producer.send(new ProducerRecord<>(onSmall.topic(), onSmall.partition(), null, "after restart")).get();
            }
        } finally {
            unguarded.close();
        }
    }
}
