package io.vltava.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs every JMH benchmark for one short iteration in this JVM, on small logs and full default-sized indexes, to show they work. */
class BenchmarksSmokeTest {

    @Test
    void everyBenchmarkRunsAndReportsAScore() throws RunnerException {
        Options options = new OptionsBuilder()
                .include(AppendBenchmark.class.getName())
                .include(ReadBenchmark.class.getName())
                .include(TimestampLookupBenchmark.class.getName())
                .include(CodecBenchmark.class.getName())
                .include(IndexLookupBenchmark.class.getName())
                .param("preloadMiB", "4")
                .param("segmentMiB", "1")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(200))
                .shouldFailOnError(true)
                .build();

        Collection<RunResult> results = new Runner(options).run();

        assertThat(results).hasSize(10);
        for (RunResult result : results) {
            String benchmark = result.getParams().getBenchmark();
            assertThat(result.getPrimaryResult().getScore()).as(benchmark).isPositive();
            if (!benchmark.contains("Lookup") && !benchmark.contains(".encode")) {
                assertThat(result.getSecondaryResults().get("megabytes").getScore()).as(benchmark).isPositive();
            }
        }
    }
}
