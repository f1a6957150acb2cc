package io.vltava.cli.produce;

import io.vltava.cli.CommandFailure;
import io.vltava.cli.ExitCodes;
import io.vltava.cli.client.ClientOptions;
import io.vltava.cli.client.ProducerOptions;
import io.vltava.cli.client.TopicPartitions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vltava produce}: writes each line of standard input or a file to a topic as one record.
 *
 * <p>Threading: reads and sends on the command's thread; the producer's I/O thread runs the send
 * callbacks, which only count. On SIGTERM or Ctrl-C a shutdown hook delivers the records read so far.
 */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = "Write records to a topic: one per line of standard input (or --file), as VALUE or KEY<SEP>VALUE.")
public final class ProduceCommand implements Callable<Integer> {

    @Mixin
    private ClientOptions client;

    @Mixin
    private ProducerOptions producerOptions;

    @Parameters(paramLabel = "TOPIC", description = "Topic to write to.")
    private String topic;

    @Option(names = "--file", paramLabel = "FILE", description = "Read the records from FILE instead of standard input.")
    private Path file;

    @Option(names = {"-k", "--key-separator"}, paramLabel = "SEP",
            description = "Each line is KEY<SEP>VALUE, split at the first SEP (default: each line is a value without a key).")
    private String keySeparator;

    @Option(names = {"-H", "--header"}, paramLabel = "KEY=VALUE", description = "A header added to every record; repeatable.")
    private List<String> headers = new ArrayList<>();

    @Option(names = {"-p", "--partition"}, paramLabel = "N", description = "Write to this partition (default: the producer's partitioner).")
    private Integer partition;

    @Override
    public Integer call() {
        List<Header> recordHeaders = parseHeaders();
        String subject = TopicPartitions.subject(topic);
        Producer<byte[], byte[]> producer = client.producer(producerProperties());
        try {
            List<TopicPartition> partitions = TopicPartitions.of(producer, topic, client);
            if (partition != null) {
                TopicPartitions.require(partitions, topic, partition);
            }
            Sends sends = new Sends();
            Thread stopped = Thread.ofPlatform().name("vltava-produce-shutdown").unstarted(() -> {
                producer.flush();
                System.err.println("stopped: " + summary(sends));
            });
            Runtime.getRuntime().addShutdownHook(stopped);
            try (BufferedReader reader = open()) {
                long lineNumber = 0;
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    lineNumber++;
                    send(producer, record(line, lineNumber, recordHeaders), sends);
                }
            } catch (IOException e) {
                throw new CommandFailure(ExitCodes.FAILURE, "cannot read " + (file == null ? "standard input" : "'" + file + "'") + ": "
                        + e.getMessage(), e);
            } finally {
                producer.flush();
                removeShutdownHook(stopped);
            }
            if (sends.firstError.get() != null) {
                CommandFailure failure = client.failure(sends.firstError.get(), subject);
                throw new CommandFailure(failure.exitCode(), sends.failed.get() + " of " + sends.sent + " records failed: "
                        + failure.getMessage(), sends.firstError.get());
            }
            System.err.println(summary(sends));
            return ExitCodes.OK;
        } finally {
            producer.close(client.timeout());
        }
    }

    private String summary(Sends sends) {
        return "produced " + sends.acknowledged.get() + " record" + (sends.acknowledged.get() == 1 ? "" : "s") + " to " + topic;
    }

    /** Once the input is done, a stop signal has nothing left to save; while the JVM stops, the hook is running already. */
    private static void removeShutdownHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down and the hook flushes
        }
    }

    private Map<String, Object> producerProperties() {
        long timeoutMs = client.timeout().toMillis();
        Map<String, Object> properties = new HashMap<>(producerOptions.properties());
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
        properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, timeoutMs));
        properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE,
                timeoutMs + Duration.ofSeconds(10).toMillis()));
        return properties;
    }

    private BufferedReader open() {
        if (file == null) {
            return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        }
        try {
            return Files.newBufferedReader(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CommandFailure(ExitCodes.USAGE, "file '" + file + "' does not exist");
        } catch (IOException e) {
            throw new CommandFailure(ExitCodes.FAILURE, "cannot read '" + file + "': " + e.getMessage(), e);
        }
    }

    private List<Header> parseHeaders() {
        List<Header> parsed = new ArrayList<>();
        for (String header : headers) {
            int equals = header.indexOf('=');
            if (equals <= 0) {
                throw new CommandFailure(ExitCodes.USAGE, "header '" + header + "' is not KEY=VALUE");
            }
            parsed.add(new RecordHeader(header.substring(0, equals), header.substring(equals + 1).getBytes(StandardCharsets.UTF_8)));
        }
        return parsed;
    }

    private ProducerRecord<byte[], byte[]> record(String line, long lineNumber, List<Header> recordHeaders) {
        byte[] key = null;
        String value = line;
        if (keySeparator != null) {
            int at = line.indexOf(keySeparator);
            if (at < 0) {
                throw new CommandFailure(ExitCodes.FAILURE, "line " + lineNumber + " has no key separator '" + keySeparator + "'");
            }
            key = line.substring(0, at).getBytes(StandardCharsets.UTF_8);
            value = line.substring(at + keySeparator.length());
        }
        return new ProducerRecord<>(topic, partition, key, value.getBytes(StandardCharsets.UTF_8), recordHeaders);
    }

    private void send(Producer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record, Sends sends) {
        try {
            sends.sent++;
            producer.send(record, (metadata, error) -> {
                if (error == null) {
                    sends.acknowledged.incrementAndGet();
                } else {
                    sends.failed.incrementAndGet();
                    sends.firstError.compareAndSet(null, error);
                }
            });
        } catch (KafkaException e) {
            throw client.failure(e, TopicPartitions.subject(topic));
        }
    }

    /** What became of the records sent; the counters are updated by the producer's I/O thread. */
    private static final class Sends {
        private final AtomicLong acknowledged = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();
        private final AtomicReference<Exception> firstError = new AtomicReference<>();
        private long sent;
    }
}
