package io.vltava.bench.compare;

/**
 * One figure the comparison reports for every broker.
 *
 * @param workload      what ran, for example {@code produce 1 KiB acks=1}
 * @param figure        what was measured, for example {@code broker CPU}
 * @param unit          for example {@code ms/MiB}
 * @param lowerIsBetter whether a smaller value is the better one
 * @param target        the ratio Vltava/Kafka aimed at, for example {@code ≤ 0.5}, or empty
 *
 * <p>Threading: immutable.
 */
public record Metric(String workload, String figure, String unit, boolean lowerIsBetter, String target) {

    /** A figure where more is better, such as throughput. */
    public static Metric higher(String workload, String figure, String unit, String target) {
        return new Metric(workload, figure, unit, false, target);
    }

    /** A figure where less is better, such as CPU, memory or latency. */
    public static Metric lower(String workload, String figure, String unit, String target) {
        return new Metric(workload, figure, unit, true, target);
    }
}
