package io.vltava.common.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces small files so that a crash at any moment leaves either the old or the new content,
 * both on disk: the bytes go to {@code <file>.tmp}, which is fsynced, renamed over the file, and the
 * directory is fsynced so the rename itself survives a power loss.
 *
 * <p>Threading: stateless; callers serialize writes to one file.
 */
public final class AtomicFile {

    /** Suffix of the temporary file a write goes through; leftovers may be deleted at start-up. */
    public static final String TMP_SUFFIX = ".tmp";

    private AtomicFile() {
    }

    /** Replaces {@code file} with {@code bytes}, durably. */
    public static void write(Path file, byte[] bytes) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + TMP_SUFFIX);
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDirectory(file.toAbsolutePath().getParent());
    }

    /** Makes the creation, rename or deletion of entries in {@code directory} durable. */
    public static void fsyncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
