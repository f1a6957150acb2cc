package io.vltava.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppendThroughputTest {

    @Test
    void measuresDdAndTheThreeModesThenLeavesNoFile(@TempDir Path dir) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        String[] args = {"--dir", dir.toString(), "--seconds", "1", "--max-mb", "4", "--dd-mb", "4", "--dd-runs", "1", "--warmup-seconds", "1",
            "--partitions", "2"};

        AppendThroughput.run(AppendThroughput.flags().parse(args), new PrintStream(bytes, true, StandardCharsets.UTF_8));

        String output = bytes.toString(StandardCharsets.UTF_8);
        assertThat(output).contains("conv=fdatasync", "oflag=dsync", "to 2 log(s)", "fsync off", "flush.messages=1000", "flush.messages=1 ",
                "of dd page cache", "of dd fdatasync", "of dd dsync");
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }
}
