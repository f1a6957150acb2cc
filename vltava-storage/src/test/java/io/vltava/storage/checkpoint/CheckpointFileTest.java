package io.vltava.storage.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFileTest {

    @TempDir
    Path dir;

    @Test
    void writesKafkasFormatAndReadsItBack() throws IOException {
        CheckpointFile file = new CheckpointFile(dir.resolve("cp"));

        file.write(List.of("a 1", "b 2 3"));

        assertThat(Files.readString(file.file())).isEqualTo("0\n2\na 1\nb 2 3\n");
        assertThat(file.read()).containsExactly("a 1", "b 2 3");
        assertThat(dir.resolve("cp.tmp")).doesNotExist();
    }

    @Test
    void aWriteReplacesTheEntries() throws IOException {
        CheckpointFile file = new CheckpointFile(dir.resolve("cp"));
        file.write(List.of("a 1", "b 2"));

        file.write(List.of("c 3"));

        assertThat(file.read()).containsExactly("c 3");
        file.write(List.of());
        assertThat(file.read()).isEmpty();
        assertThat(Files.readString(file.file())).isEqualTo("0\n0\n");
    }

    @Test
    void aMissingOrEmptyFileHasNoEntries() throws IOException {
        CheckpointFile file = new CheckpointFile(dir.resolve("cp"));
        assertThat(file.read()).isEmpty();

        Files.writeString(file.file(), "");
        assertThat(file.read()).isEmpty();

        Files.writeString(file.file(), "0\n");
        assertThat(file.read()).isEmpty();
    }

    @Test
    void ignoresLinesAfterTheAnnouncedEntries() throws IOException {
        CheckpointFile file = new CheckpointFile(dir.resolve("cp"));
        Files.writeString(file.file(), "0\n1\nx 1\ny 2\n");

        assertThat(file.read()).containsExactly("x 1");
    }

    @Test
    void refusesAnotherVersionAMalformedCountOrMissingEntries() throws IOException {
        CheckpointFile file = new CheckpointFile(dir.resolve("cp"));

        Files.writeString(file.file(), "1\n0\n");
        assertThatThrownBy(file::read).isInstanceOf(IOException.class).hasMessageContaining("version");

        Files.writeString(file.file(), "0\nmany\n");
        assertThatThrownBy(file::read).isInstanceOf(IOException.class).hasMessageContaining("count");

        Files.writeString(file.file(), "0\n3\nx 1\n");
        assertThatThrownBy(file::read).isInstanceOf(IOException.class).hasMessageContaining("3");

        Files.writeString(file.file(), "0\n-1\n");
        assertThatThrownBy(file::read).isInstanceOf(IOException.class);
    }
}
