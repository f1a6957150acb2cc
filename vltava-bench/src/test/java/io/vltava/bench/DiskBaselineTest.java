package io.vltava.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskBaselineTest {

    @Test
    void parsesTheSummaryLineOfGnuDd() throws IOException {
        DiskBaseline.Result result = DiskBaseline.parse("""
                512+0 records in
                512+0 records out
                536870912 bytes (537 MB, 512 MiB) copied, 2.5 s, 215 MB/s
                """);

        assertThat(result.bytes()).isEqualTo(536_870_912L);
        assertThat(result.seconds()).isEqualTo(2.5);
        assertThat(result.ddRate()).isEqualTo("215 MB/s");
        assertThat(result.megabytesPerSecond()).isCloseTo(214.75, within(0.01));
    }

    @Test
    void parsesRatesInOtherUnitsAndTimesInExponentNotation() throws IOException {
        DiskBaseline.Result result = DiskBaseline.parse("8388608 bytes (8.4 MB, 8.0 MiB) copied, 4.2e-03 s, 2.0 GB/s\n");

        assertThat(result.seconds()).isEqualTo(0.0042);
        assertThat(result.ddRate()).isEqualTo("2.0 GB/s");
    }

    @Test
    void refusesOutputWithoutASummary() {
        assertThatThrownBy(() -> DiskBaseline.parse("dd: failed to open 'x': Permission denied")).isInstanceOf(IOException.class)
                .hasMessageContaining("Permission denied");
    }

    @Test
    void theMedianIsTheMiddleRate() {
        DiskBaseline.Result slow = new DiskBaseline.Result(100_000_000L, 2.0, "50 MB/s");
        DiskBaseline.Result middle = new DiskBaseline.Result(100_000_000L, 1.0, "100 MB/s");
        DiskBaseline.Result fast = new DiskBaseline.Result(100_000_000L, 0.5, "200 MB/s");

        assertThat(DiskBaseline.median(List.of(fast, slow, middle))).isEqualTo(middle);
        assertThat(DiskBaseline.median(List.of(fast, slow))).isEqualTo(slow);
    }

    @Test
    void measuresWithDdAndDeletesTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("dd.bin");

        DiskBaseline.Result result = DiskBaseline.measure(file, 4, DiskBaseline.Sync.FDATASYNC, 60);

        assertThat(result.bytes()).isEqualTo(4L * 1024 * 1024);
        assertThat(result.megabytesPerSecond()).isPositive();
        assertThat(Files.exists(file)).isFalse();
    }
}
