package io.vltava.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrinterTest {

    record Partition(int partition, Integer leader, List<Integer> replicas, long logEndOffset) {
    }

    record Topic(String name, int partitionCount, List<Partition> partitions) {
    }

    private static final List<Partition> PARTITIONS = List.of(new Partition(0, 1, List.of(1, 2), 42), new Partition(1, null, List.of(2), 7));

    @Test
    void aListIsATableWithUpperCasedHeaders() {
        assertThat(print(OutputFormat.TABLE, PARTITIONS)).isEqualTo("""
                PARTITION  LEADER  REPLICAS  LOG-END-OFFSET
                0          1       1,2       42
                1          -       2         7
                """);
    }

    @Test
    void aRecordIsASummaryThenOneSectionPerList() {
        assertThat(print(OutputFormat.TABLE, new Topic("orders", 2, PARTITIONS))).isEqualTo("""
                SUMMARY
                =======
                NAME             orders
                PARTITION-COUNT  2

                PARTITIONS
                ==========
                PARTITION  LEADER  REPLICAS  LOG-END-OFFSET
                0          1       1,2       42
                1          -       2         7
                """);
    }

    @Test
    void jsonAndYamlUseSnakeCaseKeysAndLeaveOutNulls() {
        assertThat(print(OutputFormat.JSON, PARTITIONS.get(1)).replaceAll("\\s", ""))
                .isEqualTo("{\"partition\":1,\"replicas\":[2],\"log_end_offset\":7}");
        assertThat(print(OutputFormat.YAML, new Topic("orders", 1, List.of(PARTITIONS.get(0))))).isEqualTo("""
                name: orders
                partition_count: 1
                partitions:
                - partition: 0
                  leader: 1
                  replicas:
                  - 1
                  - 2
                  log_end_offset: 42
                """);
    }

    private static String print(OutputFormat format, Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new Printer(format, new PrintStream(bytes, true, StandardCharsets.UTF_8)).print(value);
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
