package io.vltava.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.management.UnixOperatingSystemMXBean;
import io.netty.buffer.PooledByteBufAllocator;
import io.vltava.testing.EmbeddedBroker;
import io.vltava.testing.KafkaClients;
import io.vltava.testing.RawKafkaClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.requests.FetchRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The broker under attack: thousands of idle connections, clients that trickle requests in a byte at a
 * time and clients that send garbage, all at once, while a normal producer (acks=all) and consumer run.
 * Checks only correctness (every acknowledged record is consumed, the attackers are disconnected by the
 * broker, the idle connections are left alone) and prints the normal clients' latencies with and
 * without the attack; it never asserts on speed.
 */
@Timeout(300)
class OverloadIT {

    private static final Duration PHASE = Duration.ofSeconds(10);
    private static final long ARRIVAL_TIMEOUT_MS = 2_000;
    private static final int WANTED_IDLE_CONNECTIONS = 3_000;
    private static final int SLOWLORIS_CONNECTIONS = 50;
    private static final int GARBAGE_THREADS = 2;

    private static EmbeddedBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedBroker.start(Map.of("socket.request.arrival.timeout.ms", Long.toString(ARRIVAL_TIMEOUT_MS)));
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void normalClientsKeepWorkingWhileTheBrokerIsAttacked() throws Exception {
        createTopics("warm-up", "calm", "attacked");
        runWorkload("warm-up", Duration.ofSeconds(3)); // so that neither measured run pays for the JIT
        Latencies calm = runWorkload("calm", PHASE);

        int idleCount = idleConnectionBudget();
        List<SocketChannel> idle = openIdle(idleCount);
        AtomicBoolean attacking = new AtomicBoolean(true);
        Slowloris slowloris = new Slowloris(attacking);
        Garbage garbage = new Garbage(attacking);
        Latencies attacked;
        try {
            slowloris.start();
            garbage.start();
            attacked = runWorkload("attacked", PHASE);
        } finally {
            attacking.set(false);
        }
        garbage.awaitDone();
        slowloris.awaitAllClosed();

        System.out.printf("OverloadIT: %d idle connections, %d slowloris connections (one byte per 200 ms, arrival timeout %d ms), "
                        + "%d garbage connections, workload %d s per phase%n",
                idle.size(), slowloris.opened.get(), ARRIVAL_TIMEOUT_MS, garbage.sent.get(), PHASE.toSeconds());
        calm.print("without attack");
        attacked.print("under attack");

        assertThat(slowloris.closedByBroker.get()).as("every slowloris connection was closed by the broker").isEqualTo(slowloris.opened.get());
        assertThat(garbage.closedByBroker.get()).as("every garbage connection was closed by the broker").isEqualTo(garbage.sent.get());
        int stillOpen = 0;
        for (SocketChannel channel : idle) {
            if (channel.read(ByteBuffer.allocate(1)) == 0) {
                stillOpen++;
            }
            channel.close();
        }
        assertThat(stillOpen).as("idle connections are left open (connections.max.idle.ms is 10 minutes)").isEqualTo(idle.size());
    }

    @Test
    void aConnectionAboveThePerAddressLimitIsClosed() throws Exception {
        try (EmbeddedBroker limited = EmbeddedBroker.start(Map.of("max.connections.per.ip", "3"))) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", limited.port());
            List<Socket> open = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    open.add(connect(address));
                }
                try (Socket fourth = connect(address)) {
                    assertThat(closedByBroker(fourth, 10_000)).as("the fourth connection from 127.0.0.1 is closed").isTrue();
                }
                for (Socket socket : open) {
                    assertThat(closedByBroker(socket, 100)).as("the first three stay open").isFalse();
                }
            } finally {
                for (Socket socket : open) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void aConsumerThatNeverReadsItsSocketCostsABoundedAmount() throws Exception {
        createTopics("slow-reader");
        Properties settings = new Properties();
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers(), settings)) {
            String value = "x".repeat(16 * 1024);
            for (int i = 0; i < 64; i++) {
                producer.send(new ProducerRecord<>("slow-reader", value));
            }
            producer.flush();
        }
        FetchRequestData data = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(10).setMinBytes(1).setMaxBytes(2_000_000)
                .setSessionId(0).setSessionEpoch(-1);
        FetchRequestData.FetchTopic topic = new FetchRequestData.FetchTopic().setTopic("slow-reader");
        topic.partitions().add(new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0).setLogStartOffset(-1)
                .setPartitionMaxBytes(2_000_000));
        data.topics().add(topic);
        FetchRequest fetch = new FetchRequest(data, (short) 12);
        int requests = 2_000;
        ByteBuffer frames = ByteBuffer.allocate(requests * RawKafkaClient.frame(fetch, 0).remaining());
        for (int i = 0; i < requests; i++) {
            frames.put(RawKafkaClient.frame(fetch, i));
        }
        double fetchesBefore = fetchesHandled();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (RawKafkaClient reader = new RawKafkaClient("127.0.0.1", broker.port())) {
            // The write may block once the broker stops reading; closing the client ends it.
            writer.submit(() -> reader.writeBytes(frames.array()));
            double[] seen = {-1};
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
                double now = fetchesHandled() - fetchesBefore;
                boolean settled = now > 0 && now == seen[0];
                seen[0] = now;
                return settled;
            });
            long handled = (long) seen[0];
            System.out.printf("OverloadIT slow reader: the broker handled %d of %d fetches of 1 MiB each before it stopped reading; "
                    + "pooled direct memory in use %d MiB%n", handled, requests, PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory() >> 20);
            assertThat(handled).as("the broker stopped handling the connection's fetches").isLessThan(requests / 10);
        } finally {
            writer.shutdownNow();
        }
    }

    private static double fetchesHandled() throws Exception {
        return PrometheusScrape.of(broker.metricsPort()).sum("kafka_network_requestmetrics_requests_total", "request", "Fetch");
    }

    /** As many idle connections as asked for, or fewer if the file descriptor limit would not allow them and the rest. */
    private static int idleConnectionBudget() {
        long limit = ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getMaxFileDescriptorCount();
        // Each connection takes two descriptors in this process (client and broker side); keep 2,000 for everything else.
        int affordable = (int) Math.max(100, (limit - 2_000) / 2);
        int count = Math.min(WANTED_IDLE_CONNECTIONS, affordable);
        System.out.printf("OverloadIT: file descriptor limit %d, opening %d idle connections%n", limit, count);
        return count;
    }

    private static List<SocketChannel> openIdle(int count) throws IOException {
        List<SocketChannel> channels = new ArrayList<>(count);
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", broker.port());
        for (int i = 0; i < count; i++) {
            SocketChannel channel = SocketChannel.open(address);
            channel.configureBlocking(false);
            channels.add(channel);
        }
        return channels;
    }

    private static void createTopics(String... names) throws Exception {
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            admin.createTopics(Arrays.stream(names).map(name -> new NewTopic(name, 1, (short) 1)).toList()).all().get();
        }
    }

    /**
     * A producer sending one record per millisecond for {@code duration} (acks=all; as many records as
     * it has milliseconds) and a consumer reading them; returns once every acknowledged record has been
     * consumed.
     */
    private static Latencies runWorkload(String topic, Duration duration) throws Exception {
        Latencies latencies = new Latencies();
        Set<Long> acked = ConcurrentHashMap.newKeySet();
        Set<Long> consumed = ConcurrentHashMap.newKeySet();
        AtomicBoolean consuming = new AtomicBoolean(true);
        ExecutorService consumerThread = Executors.newSingleThreadExecutor();
        Future<?> consumer = consumerThread.submit(() -> consume(topic, consumed, latencies, consuming));
        Properties settings = new Properties();
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers(), settings)) {
            AtomicInteger sequence = new AtomicInteger();
            int records = (int) duration.toMillis();
            CountDownLatch allSent = new CountDownLatch(1);
            pacer.scheduleAtFixedRate(() -> {
                if (sequence.get() == records) {
                    allSent.countDown();
                    return;
                }
                long seq = sequence.getAndIncrement();
                long sent = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, Long.toString(seq), seq + ":" + sent), (metadata, error) -> {
                    if (error == null) {
                        latencies.produce.add(System.nanoTime() - sent);
                        acked.add(seq);
                    }
                });
            }, 0, 1, TimeUnit.MILLISECONDS);
            assertThat(allSent.await(duration.toMillis() + 30_000, TimeUnit.MILLISECONDS)).as("all records sent").isTrue();
            pacer.shutdown();
            assertThat(pacer.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            producer.flush();
            latencies.sent = sequence.get();
        } finally {
            pacer.shutdownNow();
        }
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> consumed.containsAll(acked));
        } finally {
            consuming.set(false);
            consumer.get(30, TimeUnit.SECONDS);
            consumerThread.shutdown();
        }
        latencies.acked = acked.size();
        assertThat(acked).as("most records were acknowledged").hasSizeGreaterThan(latencies.sent / 2);
        return latencies;
    }

    private static void consume(String topic, Set<Long> consumed, Latencies latencies, AtomicBoolean consuming) {
        try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(broker.bootstrapServers())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            while (consuming.get()) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    long received = System.nanoTime();
                    String[] parts = record.value().split(":");
                    if (consumed.add(Long.parseLong(parts[0]))) {
                        latencies.endToEnd.add(received - Long.parseLong(parts[1]));
                    }
                }
            }
        }
    }

    private static Socket connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.connect(address, 5_000);
        return socket;
    }

    /** Whether the broker closes (or resets) {@code socket} within {@code millis}, reading and discarding what it sends. */
    private static boolean closedByBroker(Socket socket, int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            byte[] buffer = new byte[1024];
            while (socket.getInputStream().read(buffer) >= 0) {
                // a garbage frame gets no answer; anything read is discarded
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** Clients that each start a 100-byte request and send it one byte per 200 ms, a new one for each the broker closes. */
    private static final class Slowloris {

        private final AtomicBoolean attacking;
        private final ScheduledExecutorService trickle = Executors.newScheduledThreadPool(2);
        private final ConcurrentLinkedQueue<Socket> open = new ConcurrentLinkedQueue<>();
        private final AtomicInteger opened = new AtomicInteger();
        private final AtomicInteger closedByBroker = new AtomicInteger();

        Slowloris(AtomicBoolean attacking) {
            this.attacking = attacking;
        }

        void start() throws IOException {
            for (int i = 0; i < SLOWLORIS_CONNECTIONS; i++) {
                openOne();
            }
        }

        private void openOne() throws IOException {
            Socket socket = connect(new InetSocketAddress("127.0.0.1", broker.port()));
            socket.getOutputStream().write(ByteBuffer.allocate(4).putInt(100).array());
            opened.incrementAndGet();
            open.add(socket);
            trickle.schedule(() -> sendByte(socket), 200, TimeUnit.MILLISECONDS);
        }

        /** One more byte, or, if the broker has closed the connection, a replacement while the attack lasts. */
        private void sendByte(Socket socket) {
            try {
                socket.getOutputStream().write(1);
                socket.setSoTimeout(1);
                if (socket.getInputStream().read() < 0) {
                    throw new IOException("closed by the broker");
                }
                trickle.schedule(() -> sendByte(socket), 200, TimeUnit.MILLISECONDS);
            } catch (SocketTimeoutException e) {
                trickle.schedule(() -> sendByte(socket), 200, TimeUnit.MILLISECONDS);
            } catch (IOException e) {
                closedByBroker.incrementAndGet();
                open.remove(socket);
                closeQuietly(socket);
                if (attacking.get()) {
                    reopen();
                }
            }
        }

        private void reopen() {
            try {
                openOne();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Waits for the broker to close the connections still trickling (the arrival timeout bounds it). */
        void awaitAllClosed() {
            try {
                await().atMost(Duration.ofMillis(ARRIVAL_TIMEOUT_MS * 5)).until(open::isEmpty);
            } finally {
                trickle.shutdownNow();
                open.forEach(OverloadIT::closeQuietly);
            }
        }
    }

    /** Clients that each send random bytes or an oversized size prefix on a new connection and wait to be disconnected. */
    private static final class Garbage {

        private final AtomicBoolean attacking;
        private final ExecutorService threads = Executors.newFixedThreadPool(GARBAGE_THREADS);
        private final List<Future<?>> running = new ArrayList<>();
        private final AtomicInteger sent = new AtomicInteger();
        private final AtomicInteger closedByBroker = new AtomicInteger();

        Garbage(AtomicBoolean attacking) {
            this.attacking = attacking;
        }

        void start() {
            for (int i = 0; i < GARBAGE_THREADS; i++) {
                long seed = i;
                running.add(threads.submit(() -> sendUntilStopped(new Random(seed))));
            }
        }

        private Void sendUntilStopped(Random random) throws IOException {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", broker.port());
            while (attacking.get()) {
                byte[] garbage;
                if (random.nextBoolean()) {
                    garbage = ByteBuffer.allocate(8).putInt(Integer.MAX_VALUE - random.nextInt(1000)).putInt(random.nextInt()).array();
                } else {
                    garbage = new byte[1 + random.nextInt(4096)];
                    random.nextBytes(garbage);
                }
                try (Socket socket = connect(address)) {
                    sent.incrementAndGet();
                    try {
                        socket.getOutputStream().write(garbage);
                    } catch (IOException e) {
                        closedByBroker.incrementAndGet(); // closed before all of it was written
                        continue;
                    }
                    if (closedByBroker(socket, (int) ARRIVAL_TIMEOUT_MS * 5)) {
                        closedByBroker.incrementAndGet();
                    }
                }
            }
            return null;
        }

        void awaitDone() throws Exception {
            try {
                for (Future<?> future : running) {
                    future.get(ARRIVAL_TIMEOUT_MS * 10, TimeUnit.MILLISECONDS);
                }
            } finally {
                threads.shutdownNow();
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing a socket the broker already closed
        }
    }

    /** Latencies of one run, in nanoseconds. */
    private static final class Latencies {

        private final ConcurrentLinkedQueue<Long> produce = new ConcurrentLinkedQueue<>();
        private final ConcurrentLinkedQueue<Long> endToEnd = new ConcurrentLinkedQueue<>();
        private int sent;
        private int acked;

        void print(String label) {
            System.out.printf("OverloadIT %s: %d records sent, %d acked; produce send->ack p50 %.2f ms p99 %.2f ms; "
                            + "end-to-end p50 %.2f ms p99 %.2f ms%n",
                    label, sent, acked, percentile(produce, 50), percentile(produce, 99), percentile(endToEnd, 50), percentile(endToEnd, 99));
        }

        private static double percentile(ConcurrentLinkedQueue<Long> nanos, int percent) {
            long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int index = Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * percent / 100.0) - 1);
            return sorted[Math.max(0, index)] / 1e6;
        }
    }
}
