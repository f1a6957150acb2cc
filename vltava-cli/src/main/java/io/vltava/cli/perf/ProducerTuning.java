package io.vltava.cli.perf;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import picocli.CommandLine.Option;

/**
 * The producer's batching flags of the perf tools, {@code --batch-size} and {@code --linger-ms}; unset,
 * the producer's defaults apply. Used as a picocli mixin.
 *
 * <p>Threading: filled in by picocli, then read by the command's thread.
 */
final class ProducerTuning {

    @Option(names = "--batch-size", paramLabel = "BYTES", description = "The producer's batch.size (default: the producer's).")
    private Integer batchSize;

    @Option(names = "--linger-ms", paramLabel = "MS", description = "The producer's linger.ms (default: the producer's).")
    private Integer lingerMs;

    Map<String, Object> properties() {
        Map<String, Object> properties = new HashMap<>();
        if (batchSize != null) {
            properties.put(ProducerConfig.BATCH_SIZE_CONFIG, batchSize);
        }
        if (lingerMs != null) {
            properties.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        }
        return properties;
    }
}
