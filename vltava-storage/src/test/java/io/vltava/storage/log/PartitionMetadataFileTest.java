package io.vltava.storage.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionMetadataFileTest {

    @TempDir
    Path dir;

    @Test
    void encodesTopicIdsAsKafkaDoes() {
        assertThat(PartitionMetadataFile.encode(new UUID(0L, 1L))).isEqualTo("AAAAAAAAAAAAAAAAAAAAAQ");
        assertThat(PartitionMetadataFile.encode(new UUID(-1L, -1L))).isEqualTo("_____________________w");
        UUID id = UUID.randomUUID();
        assertThat(PartitionMetadataFile.decode(PartitionMetadataFile.encode(id))).isEqualTo(id);
    }

    @Test
    void decodeRefusesTextThatIsNotSixteenBytes() {
        assertThatThrownBy(() -> PartitionMetadataFile.decode("AAAA")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PartitionMetadataFile.decode("not base64!")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writesTheFileAndReadsItBack() throws IOException {
        UUID id = new UUID(0x0123_4567_89ab_cdefL, 0x0fed_cba9_8765_4321L);

        PartitionMetadataFile.write(dir, id);

        assertThat(Files.readString(dir.resolve(PartitionMetadataFile.FILE_NAME)))
                .isEqualTo("version: 0\ntopic_id: " + PartitionMetadataFile.encode(id) + "\n");
        assertThat(PartitionMetadataFile.read(dir)).contains(id);
        assertThat(dir.resolve(PartitionMetadataFile.FILE_NAME + ".tmp")).doesNotExist();
    }

    @Test
    void aMissingOrUnreadableFileHasNoTopicId() throws IOException {
        assertThat(PartitionMetadataFile.read(dir)).isEmpty();

        Files.writeString(dir.resolve(PartitionMetadataFile.FILE_NAME), "version: 0\n");
        assertThat(PartitionMetadataFile.read(dir)).isEmpty();

        Files.writeString(dir.resolve(PartitionMetadataFile.FILE_NAME), "version: 0\ntopic_id: ???\n");
        assertThat(PartitionMetadataFile.read(dir)).isEmpty();
    }
}
