package io.vltava.bench.compare;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes {@link Measurements} as a Markdown table (median and min–max per broker, the ratio of the
 * second broker's median to the first's, and whether it meets the metric's target) and as JSON with
 * every raw value.
 *
 * <p>Threading: stateless.
 */
public final class Report {

    private Report() {
    }

    /** The Markdown table; the first broker measured is the baseline of the ratio. */
    public static String markdown(Measurements measurements) {
        List<String> brokers = measurements.brokers();
        StringBuilder out = new StringBuilder("| workload | figure | unit |");
        brokers.forEach(broker -> out.append(' ').append(broker).append(" median (min–max) |"));
        out.append(" ratio | target |\n|---|---|---|");
        brokers.forEach(broker -> out.append("---:|"));
        out.append("---:|---|\n");
        for (Metric metric : measurements.metrics()) {
            out.append("| ").append(metric.workload()).append(" | ").append(metric.figure()).append(" | ").append(metric.unit()).append(" |");
            for (String broker : brokers) {
                List<Double> values = measurements.values(metric, broker);
                out.append(' ');
                if (values.isEmpty()) {
                    out.append('–');
                } else if (values.size() == 1) {
                    out.append(number(values.get(0)));
                } else {
                    out.append(number(measurements.median(metric, broker))).append(" (")
                            .append(number(measurements.min(metric, broker))).append('–')
                            .append(number(measurements.max(metric, broker))).append(')');
                }
                out.append(" |");
            }
            double ratio = ratio(measurements, metric);
            out.append(' ').append(Double.isFinite(ratio) ? String.format(Locale.ROOT, "%.2f", ratio) : "–").append(" | ")
                    .append(verdict(metric, ratio)).append(" |\n");
        }
        return out.toString();
    }

    /** JSON with {@code header} fields first, then every metric with its raw values, medians and ratio. */
    public static String json(Map<String, String> header, Measurements measurements) {
        List<String> brokers = measurements.brokers();
        StringBuilder out = new StringBuilder("{\n");
        header.forEach((key, value) -> out.append("  ").append(string(key)).append(": ").append(string(value)).append(",\n"));
        out.append("  \"brokers\": [").append(brokers.stream().map(Report::string).collect(Collectors.joining(", "))).append("],\n");
        out.append("  \"metrics\": [\n");
        List<Metric> metrics = measurements.metrics();
        for (int i = 0; i < metrics.size(); i++) {
            Metric metric = metrics.get(i);
            out.append("    {\"workload\": ").append(string(metric.workload()))
                    .append(", \"figure\": ").append(string(metric.figure()))
                    .append(", \"unit\": ").append(string(metric.unit()))
                    .append(", \"lowerIsBetter\": ").append(metric.lowerIsBetter())
                    .append(", \"target\": ").append(string(metric.target()));
            for (String broker : brokers) {
                out.append(", ").append(string(broker)).append(": {\"median\": ").append(jsonNumber(measurements.median(metric, broker)))
                        .append(", \"values\": [")
                        .append(measurements.values(metric, broker).stream().map(Report::jsonNumber).collect(Collectors.joining(", ")))
                        .append("]}");
            }
            out.append(", \"ratio\": ").append(jsonNumber(ratio(measurements, metric))).append('}')
                    .append(i + 1 < metrics.size() ? ",\n" : "\n");
        }
        return out.append("  ]\n}\n").toString();
    }

    /** The second broker's median over the first's, or NaN. */
    static double ratio(Measurements measurements, Metric metric) {
        List<String> brokers = measurements.brokers();
        if (brokers.size() < 2) {
            return Double.NaN;
        }
        double baseline = measurements.median(metric, brokers.get(0));
        return baseline == 0 ? Double.NaN : measurements.median(metric, brokers.get(1)) / baseline;
    }

    private static String verdict(Metric metric, double ratio) {
        String target = metric.target();
        if (target.isEmpty() || !Double.isFinite(ratio)) {
            return target;
        }
        double bound = Double.parseDouble(target.substring(1).trim());
        boolean met = target.startsWith("≤") ? ratio <= bound : ratio >= bound;
        return target + (met ? " met" : " **missed**");
    }

    private static String number(double value) {
        double magnitude = Math.abs(value);
        String pattern = magnitude >= 100 ? "%.0f" : magnitude >= 10 ? "%.1f" : magnitude >= 1 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, pattern, value);
    }

    private static String jsonNumber(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.6g", value) : "null";
    }

    private static String string(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }
}
