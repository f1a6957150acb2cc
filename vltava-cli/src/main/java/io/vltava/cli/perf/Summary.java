package io.vltava.cli.perf;

/**
 * What a perf run measured, as it prints: MiB are 2^20 bytes; the latencies are in milliseconds and
 * absent where the tool does not measure them.
 */
record Summary(String test, long records, long bytes, double seconds, double recordsPerSecond, double mibPerSecond,
               Double latencyP50Ms, Double latencyP95Ms, Double latencyP99Ms, Double latencyP999Ms, Double latencyMaxMs,
               long errors) {
}
