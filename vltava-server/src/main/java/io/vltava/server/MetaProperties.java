package io.vltava.server;

import io.vltava.common.io.AtomicFile;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.common.Uuid;

/**
 * The identity of a log directory, in Kafka's {@code meta.properties}: the cluster it belongs to, the
 * node that owns it and the directory's own id. Written when a directory is first used, checked on
 * every start so that a directory is never mixed into another cluster or node by mistake.
 *
 * <pre>
 * version=1
 * cluster.id=&lt;22-character base64 id&gt;
 * node.id=1
 * directory.id=&lt;22-character base64 id&gt;
 * </pre>
 *
 * <p>Threading: immutable; safe from any thread. The static methods read and write files and are meant for start-up, one caller at a time.
 *
 * @param clusterId   the cluster's id
 * @param nodeId      the owning node
 * @param directoryId the directory's id
 */
public record MetaProperties(String clusterId, int nodeId, String directoryId) {

    public static final String FILE_NAME = "meta.properties";

    /**
     * Reads the identity of every directory, creating it where missing, and returns the cluster id
     * they share. A new cluster gets a fresh random id.
     *
     * @throws IllegalStateException if directories disagree or belong to another node
     */
    public static String ensureConsistent(List<Path> dirs, int nodeId) {
        String clusterId = null;
        for (Path dir : dirs) {
            MetaProperties existing = read(dir);
            if (existing == null) {
                continue;
            }
            if (existing.nodeId() != nodeId) {
                throw new IllegalStateException("Log directory " + dir.toAbsolutePath() + " belongs to node " + existing.nodeId()
                        + ", but this is node " + nodeId + " (node.id)");
            }
            if (clusterId != null && !clusterId.equals(existing.clusterId())) {
                throw new IllegalStateException("Log directories belong to different clusters: " + clusterId + " and "
                        + existing.clusterId() + " (in " + dir.toAbsolutePath() + ")");
            }
            clusterId = existing.clusterId();
        }
        if (clusterId == null) {
            clusterId = randomId();
        }
        for (Path dir : dirs) {
            if (read(dir) == null) {
                write(dir, new MetaProperties(clusterId, nodeId, randomId()));
            }
        }
        return clusterId;
    }

    /**
     * A random id in Kafka's text form (16 bytes in URL-safe base64 without padding), never one that
     * starts with '-' and so reads as a command-line option.
     */
    public static String randomId() {
        return Uuid.randomUuid().toString();
    }

    static MetaProperties read(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return null;
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file.toAbsolutePath(), e);
        }
        String clusterId = properties.getProperty("cluster.id");
        String nodeId = properties.getProperty("node.id");
        if (clusterId == null || nodeId == null) {
            throw new IllegalStateException(file.toAbsolutePath() + " lacks cluster.id or node.id");
        }
        return new MetaProperties(clusterId, Integer.parseInt(nodeId.trim()), properties.getProperty("directory.id"));
    }

    static void write(Path dir, MetaProperties meta) {
        try {
            Files.createDirectories(dir);
            Properties properties = new Properties();
            properties.setProperty("version", "1");
            properties.setProperty("cluster.id", meta.clusterId());
            properties.setProperty("node.id", Integer.toString(meta.nodeId()));
            properties.setProperty("directory.id", Objects.requireNonNull(meta.directoryId()));
            StringWriter text = new StringWriter();
            properties.store(text, "Written by Vltava; identifies this log directory");
            AtomicFile.write(dir.resolve(FILE_NAME), text.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + dir.resolve(FILE_NAME).toAbsolutePath(), e);
        }
    }
}
