#!/usr/bin/env bash
# bin/vltava perf against Apache Kafka 4.4 and Vltava on this machine, one after the other, each a fresh
# single-node broker: perf produce (20 s, 1 KiB records, acks=all), perf consume of all of it, and
# perf e2e (15 s at 1,000 records/s), summed up in one table.
#   bench/perf.sh [--produce-seconds 20] [--e2e-seconds 15] [--partitions 6] [--kafka-lib ""] ...   (--help lists every option)
# Writes bench/target/perf/results.md. Takes about 3 minutes with the defaults.
exec "$(dirname "${BASH_SOURCE[0]}")/lib/side-by-side.sh" io.vltava.bench.perf.PerfBenchmark "$@"
