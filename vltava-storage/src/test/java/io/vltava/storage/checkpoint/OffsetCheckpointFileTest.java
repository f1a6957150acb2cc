package io.vltava.storage.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vltava.common.topic.TopicPartition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OffsetCheckpointFileTest {

    @TempDir
    Path dir;

    @Test
    void writesOneLinePerPartitionAndReadsThemBack() throws IOException {
        OffsetCheckpointFile file = new OffsetCheckpointFile(dir.resolve(OffsetCheckpointFile.RECOVERY_POINT));
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        offsets.put(new TopicPartition("orders", 0), 42L);
        offsets.put(new TopicPartition("my-topic-with-dashes", 11), 0L);
        offsets.put(new TopicPartition("dotted.topic_name", 3), 9_000_000_000L);

        file.write(offsets);

        assertThat(Files.readString(dir.resolve(OffsetCheckpointFile.RECOVERY_POINT)))
                .isEqualTo("0\n3\norders 0 42\nmy-topic-with-dashes 11 0\ndotted.topic_name 3 9000000000\n");
        assertThat(file.read()).isEqualTo(offsets);
    }

    @Test
    void aMissingFileHasNoOffsets() throws IOException {
        assertThat(new OffsetCheckpointFile(dir.resolve(OffsetCheckpointFile.LOG_START_OFFSET)).read()).isEmpty();
    }

    @Test
    void refusesMalformedLines() throws IOException {
        Path path = dir.resolve("cp");
        OffsetCheckpointFile file = new OffsetCheckpointFile(path);

        Files.writeString(path, "0\n1\norders 0\n");
        assertThatThrownBy(file::read).isInstanceOf(IOException.class).hasMessageContaining("orders 0");

        Files.writeString(path, "0\n1\norders x 5\n");
        assertThatThrownBy(file::read).isInstanceOf(IOException.class);

        Files.writeString(path, "0\n1\norders -1 5\n");
        assertThatThrownBy(file::read).isInstanceOf(IOException.class);
    }
}
