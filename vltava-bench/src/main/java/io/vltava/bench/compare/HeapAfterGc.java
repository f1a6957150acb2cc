package io.vltava.bench.compare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The live heap of another JVM: a full collection forced with {@code jcmd PID GC.class_histogram}
 * (which collects before counting, whatever the GC flags say about explicit GCs), then the used
 * bytes of every space {@code jstat -gc PID} reports.
 *
 * <p>Threading: stateless; blocks the caller while the JDK tools run.
 */
public final class HeapAfterGc {

    private HeapAfterGc() {
    }

    /** Bytes of heap in use right after a full collection of {@code pid}, with the JDK in {@code javaHome}. */
    public static long bytes(Path javaHome, long pid) {
        run(List.of(javaHome.resolve("bin/jcmd").toString(), Long.toString(pid), "GC.class_histogram"));
        String[] lines = run(List.of(javaHome.resolve("bin/jstat").toString(), "-gc", Long.toString(pid))).trim().split("\n");
        String[] names = lines[0].trim().split("\\s+");
        String[] values = lines[lines.length - 1].trim().split("\\s+");
        double usedKib = 0;
        for (int i = 0; i < names.length; i++) {
            if (List.of("S0U", "S1U", "EU", "OU").contains(names[i])) {
                usedKib += Double.parseDouble(values[i]);
            }
        }
        return (long) (usedKib * 1024);
    }

    private static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(command + " failed: " + new String(output, StandardCharsets.UTF_8));
            }
            return new String(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + command, e);
        }
    }
}
