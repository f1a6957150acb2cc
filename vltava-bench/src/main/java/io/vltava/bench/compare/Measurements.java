package io.vltava.bench.compare;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every value measured in a comparison, by metric (in the order first reported) and broker (in the
 * order first reported), with the statistics the report shows: median, minimum and maximum over runs.
 *
 * <p>Threading: one thread adds and reads.
 */
public final class Measurements {

    private final Map<Metric, Map<String, List<Double>>> values = new LinkedHashMap<>();
    private final List<String> brokers = new ArrayList<>();

    /** Records one run's {@code value} of {@code metric} for {@code broker}. */
    public void add(Metric metric, String broker, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(metric + " of " + broker + " is " + value);
        }
        if (!brokers.contains(broker)) {
            brokers.add(broker);
        }
        values.computeIfAbsent(metric, m -> new LinkedHashMap<>()).computeIfAbsent(broker, b -> new ArrayList<>()).add(value);
    }

    public List<Metric> metrics() {
        return List.copyOf(values.keySet());
    }

    public List<String> brokers() {
        return List.copyOf(brokers);
    }

    /** The values of {@code metric} for {@code broker} in the order measured; empty when none. */
    public List<Double> values(Metric metric, String broker) {
        return List.copyOf(values.getOrDefault(metric, Map.of()).getOrDefault(broker, List.of()));
    }

    /** The median of {@code metric} for {@code broker} (the mean of the middle two for an even count), or NaN. */
    public double median(Metric metric, String broker) {
        List<Double> sorted = new ArrayList<>(values(metric, broker));
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        Collections.sort(sorted);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    public double min(Metric metric, String broker) {
        return values(metric, broker).stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    public double max(Metric metric, String broker) {
        return values(metric, broker).stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}
