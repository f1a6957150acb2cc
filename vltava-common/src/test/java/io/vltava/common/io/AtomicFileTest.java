package io.vltava.common.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {

    @Test
    void writesAndReplacesWithoutLeavingTheTemporaryFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("state");
        AtomicFile.write(file, "one".getBytes(StandardCharsets.UTF_8));
        AtomicFile.write(file, "two".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readString(file)).isEqualTo("two");
        assertThat(dir.resolve("state" + AtomicFile.TMP_SUFFIX)).doesNotExist();
    }

    @Test
    void replacesAStaleTemporaryFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("state");
        Files.writeString(dir.resolve("state" + AtomicFile.TMP_SUFFIX), "half written garbage that is longer");
        AtomicFile.write(file, "new".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readString(file)).isEqualTo("new");
    }
}
