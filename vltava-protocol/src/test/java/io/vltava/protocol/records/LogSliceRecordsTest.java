package io.vltava.protocol.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogSliceRecordsTest {

    @TempDir
    Path dir;

    @Test
    void describesAByteRangeOfAFile() throws IOException {
        Path path = Files.write(dir.resolve("s.log"), new byte[100]);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            LogSliceRecords slice = new LogSliceRecords(channel, 10, 50);

            assertThat(slice.channel()).isSameAs(channel);
            assertThat(slice.position()).isEqualTo(10);
            assertThat(slice.sizeInBytes()).isEqualTo(50);
            assertThat(slice).hasToString("LogSliceRecords(position=10, size=50)");
        }
    }

    @Test
    void emptyHasNoBytesAndNoChannel() {
        assertThat(LogSliceRecords.EMPTY.sizeInBytes()).isZero();
        assertThat(LogSliceRecords.EMPTY.channel()).isNull();
    }

    @Test
    void refusesNegativePositionsAndSizes() {
        assertThatThrownBy(() -> new LogSliceRecords(null, -1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LogSliceRecords(null, 0, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void isNotSentThroughKafkaClients() {
        assertThatThrownBy(() -> LogSliceRecords.EMPTY.toSend()).isInstanceOf(UnsupportedOperationException.class);
    }
}
