package io.vltava.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Temporary directories of tests. Threading: stateless, safe from any thread. */
public final class TestDirectories {

    private TestDirectories() {
    }

    /** Deletes a directory tree, ignoring what cannot be deleted. */
    public static void deleteQuietly(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    // left for the system to clean
                }
            });
        } catch (IOException e) {
            // left for the system to clean
        }
    }
}
