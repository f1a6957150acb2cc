package io.vltava.cli.client;

import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The producer flags of every command that writes records: {@code --acks} and
 * {@code -z/--compression}. Used as a picocli mixin.
 *
 * <p>Threading: filled in by picocli, then read by the command's thread.
 */
public final class ProducerOptions {

    /** The acknowledgement a producer waits for. */
    public enum Acks {
        ALL("all"), LEADER("1"), NONE("0");

        private final String value;

        Acks(String value) {
            this.value = value;
        }

        static Acks of(String value) {
            for (Acks acks : values()) {
                if (acks.value.equals(value) || acks.name().equalsIgnoreCase(value)) {
                    return acks;
                }
            }
            throw new IllegalArgumentException("'" + value + "' is not all, 1 or 0");
        }
    }

    /** A producer's compression codec. */
    public enum Compression {
        NONE, GZIP, SNAPPY, LZ4, ZSTD
    }

    @Option(names = "--acks", paramLabel = "all|1|0", defaultValue = "all", converter = AcksConverter.class,
            description = "Acknowledgement to wait for: all in-sync replicas, the leader only, or none (default: ${DEFAULT-VALUE}).")
    private Acks acks;

    @Option(names = {"-z", "--compression"}, paramLabel = "CODEC", defaultValue = "none",
            description = "Compression: none, gzip, snappy, lz4 or zstd (default: ${DEFAULT-VALUE}).")
    private Compression compression;

    /** The producer properties these flags set. */
    public Map<String, Object> properties() {
        return Map.of(ProducerConfig.ACKS_CONFIG, acks.value,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, compression.name().toLowerCase(Locale.ROOT));
    }

    /** Reads {@code --acks}. */
    static final class AcksConverter implements ITypeConverter<Acks> {
        @Override
        public Acks convert(String value) {
            try {
                return Acks.of(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
