#!/usr/bin/env bash
# A soak run: one Vltava broker with -Xms512m -Xmx512m under bin/vltava perf e2e (a producer and a
# consumer at 20,000 records/s of 1 KiB) for 10 minutes; the broker's heap after a full collection and
# its RSS are sampled every minute, and its GC pauses are read from its GC log.
#   bench/soak.sh [--minutes 10] [--throughput 20000] [--heap "-Xms512m -Xmx512m"] ...   (--help lists every option)
# Writes bench/target/soak/results.md.
exec "$(dirname "${BASH_SOURCE[0]}")/lib/side-by-side.sh" io.vltava.bench.soak.SoakBenchmark "$@"
