package io.vltava.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class DurableProduceThroughputTest {

    @Test
    void comparesBothModesWithoutFailedSends() throws InterruptedException, ExecutionException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        String[] args = {"--seconds", "1", "--runs", "1", "--max-records", "3000", "--warmup-seconds", "1"};

        DurableProduceThroughput.run(DurableProduceThroughput.flags().parse(args), new PrintStream(bytes, true, StandardCharsets.UTF_8));

        String output = bytes.toString(StandardCharsets.UTF_8);
        assertThat(output).contains("run 1 flush.messages=1", "run 1 page cache", "median page cache", "durable / page cache =")
                .doesNotContain("failed:");
    }
}
