package io.vltava.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {

    private static final Metric CPU = Metric.lower("produce", "broker CPU", "ms/MiB", "≤ 0.5");
    private static final Metric THROUGHPUT = Metric.higher("produce", "throughput", "MiB/s", "≥ 1.1");

    @Test
    void tableShowsMediansRangesRatiosAndVerdicts() {
        Measurements measurements = new Measurements();
        for (double value : new double[] {2.0, 3.0, 2.5}) {
            measurements.add(CPU, "kafka", value);
        }
        for (double value : new double[] {1.0, 1.5, 1.2}) {
            measurements.add(CPU, "vltava", value);
        }
        measurements.add(THROUGHPUT, "kafka", 100);
        measurements.add(THROUGHPUT, "vltava", 105);

        String table = Report.markdown(measurements);

        assertThat(table).contains("| produce | broker CPU | ms/MiB | 2.50 (2.00–3.00) | 1.20 (1.00–1.50) | 0.48 | ≤ 0.5 met |")
                .contains("| produce | throughput | MiB/s | 100 | 105 | 1.05 | ≥ 1.1 **missed** |");
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        Measurements measurements = new Measurements();
        for (double value : new double[] {4, 1, 3, 2}) {
            measurements.add(CPU, "kafka", value);
        }

        assertThat(measurements.median(CPU, "kafka")).isEqualTo(2.5);
        assertThat(measurements.min(CPU, "kafka")).isEqualTo(1);
        assertThat(measurements.max(CPU, "kafka")).isEqualTo(4);
    }

    @Test
    void jsonHoldsEveryRawValue() {
        Measurements measurements = new Measurements();
        measurements.add(THROUGHPUT, "kafka", 100);
        measurements.add(THROUGHPUT, "kafka", 110);
        measurements.add(THROUGHPUT, "vltava", 220);

        String json = Report.json(Map.of("machine", "test \"box\""), measurements);

        assertThat(json).contains("\"machine\": \"test \\\"box\\\"\"", "\"values\": [100.000, 110.000]", "\"values\": [220.000]",
                "\"ratio\": 2.09524");
    }
}
