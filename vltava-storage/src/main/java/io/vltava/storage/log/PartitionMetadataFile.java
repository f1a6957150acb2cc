package io.vltava.storage.log;

import io.vltava.common.io.AtomicFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code partition.metadata} file of a partition directory, which ties the directory to its topic
 * id as Kafka does, so a log left behind by a deleted topic is never mistaken for a new topic of the
 * same name:
 * <pre>
 * version: 0
 * topic_id: &lt;the id in Kafka's URL-safe base64 form&gt;
 * </pre>
 *
 * <p>A new partition's file is written without an fsync ({@link #create}) and made durable by
 * {@link #sync} before the log first fsyncs data; a crash before that may leave it missing, empty or
 * cut off, which {@link #read} reports as no topic id.
 *
 * <p>Threading: stateless.
 */
public final class PartitionMetadataFile {

    public static final String FILE_NAME = "partition.metadata";

    private PartitionMetadataFile() {
    }

    /** Writes the file, durably, unless it already holds {@code topicId}. */
    static void write(Path dir, UUID topicId) throws IOException {
        if (read(dir).filter(topicId::equals).isPresent()) {
            return;
        }
        AtomicFile.write(dir.resolve(FILE_NAME), content(topicId));
    }

    /** Writes the file of a partition directory that was just created, without an fsync. */
    static void create(Path dir, UUID topicId) throws IOException {
        Files.write(dir.resolve(FILE_NAME), content(topicId), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    /** Fsyncs the file written by {@link #create}. */
    static void sync(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir.resolve(FILE_NAME), StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static byte[] content(UUID topicId) {
        return ("version: 0\ntopic_id: " + encode(topicId) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The topic id recorded in {@code dir}, if the file is there and readable. */
    public static Optional<UUID> read(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        try {
            for (String line : Files.readString(file, StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("topic_id:")) {
                    return Optional.of(decode(line.substring("topic_id:".length()).trim()));
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** Kafka's text form of a topic id: the 16 bytes in URL-safe base64 without padding. */
    public static String encode(UUID id) {
        ByteBuffer bytes = ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }

    public static UUID decode(String text) {
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getUrlDecoder().decode(text));
        if (bytes.remaining() != 16) {
            throw new IllegalArgumentException("A topic id has 16 bytes, not " + bytes.remaining());
        }
        return new UUID(bytes.getLong(), bytes.getLong());
    }
}
