package io.vltava.storage.checkpoint;

import io.vltava.common.io.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small text file of entries in Kafka's checkpoint format, replaced atomically on every write.
 *
 * <pre>
 * 0            the format version
 * 2            the number of entry lines
 * entry line   one line per entry, fields separated by single spaces
 * entry line
 * </pre>
 *
 * Writes go through {@link AtomicFile}, so after a crash the file holds either the old or the new
 * entries.
 *
 * <p>Threading: callers serialize writes to one file; reads may run at any time.
 */
public final class CheckpointFile {

    private static final int VERSION = 0;

    private final Path file;

    public CheckpointFile(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** Replaces the file's entries. */
    public void write(List<String> entries) throws IOException {
        StringBuilder text = new StringBuilder();
        text.append(VERSION).append('\n').append(entries.size()).append('\n');
        for (String entry : entries) {
            text.append(entry).append('\n');
        }
        AtomicFile.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads the entries; a missing or empty file has none.
     *
     * @throws IOException if the file is not in the checkpoint format
     */
    public List<String> read() throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        if (lines.isEmpty() || lines.size() == 1 && lines.get(0).isBlank()) {
            return List.of();
        }
        if (!lines.get(0).trim().equals(Integer.toString(VERSION))) {
            throw new IOException("Unknown version '" + lines.get(0) + "' in checkpoint file " + file);
        }
        if (lines.size() < 2) {
            return List.of();
        }
        int count;
        try {
            count = Integer.parseInt(lines.get(1).trim());
        } catch (NumberFormatException e) {
            throw new IOException("Malformed entry count in checkpoint file " + file);
        }
        if (count < 0 || lines.size() - 2 < count) {
            throw new IOException("Checkpoint file " + file + " announces " + count + " entries but has " + (lines.size() - 2));
        }
        return new ArrayList<>(lines.subList(2, 2 + count));
    }
}
