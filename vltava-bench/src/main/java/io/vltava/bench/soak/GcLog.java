package io.vltava.bench.soak;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a JVM's {@code -Xlog:gc} file: the pauses of its young and mixed collections, leaving out the
 * full collections the soak forces itself to measure the heap.
 *
 * <p>Threading: stateless.
 */
final class GcLog {

    /** For example {@code [12.345s] GC(3) Pause Young (Normal) (G1 Evacuation Pause) 30M->5M(512M) 3.456ms}. */
    private static final Pattern PAUSE = Pattern.compile("Pause (Young|Remark|Cleanup)\\b.*?(\\d+)M->(\\d+)M\\(\\d+M\\) ([0-9.]+)ms");

    private GcLog() {
    }

    /** Count, p50, p99 and longest pause, and the heap after the first and the last young collection. */
    static String summary(List<String> lines) {
        List<Double> pauses = new ArrayList<>();
        List<Integer> after = new ArrayList<>();
        for (String line : lines) {
            Matcher matcher = PAUSE.matcher(line);
            if (matcher.find()) {
                pauses.add(Double.parseDouble(matcher.group(4)));
                after.add(Integer.parseInt(matcher.group(3)));
            }
        }
        if (pauses.isEmpty()) {
            return "none";
        }
        List<Double> sorted = new ArrayList<>(pauses);
        Collections.sort(sorted);
        return String.format(Locale.ROOT, "%d pauses, p50 %.2f ms, p99 %.2f ms, longest %.2f ms, %.2f s in total; heap after the first "
                        + "%d MiB, after the last %d MiB", pauses.size(), percentile(sorted, 0.50), percentile(sorted, 0.99),
                sorted.get(sorted.size() - 1), sorted.stream().mapToDouble(Double::doubleValue).sum() / 1000, after.get(0),
                after.get(after.size() - 1));
    }

    private static double percentile(List<Double> sorted, double quantile) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(quantile * sorted.size()) - 1));
    }
}
