#!/usr/bin/env bash
# Transaction benchmark: small transactions per second, and the produce throughput of a transactional
# producer (committing every 100 ms, as Kafka Streams does) next to a plain idempotent one, against
# Apache Kafka 4.4 and Vltava on this machine, one after the other.
#   bench/transactions.sh [--seconds 10] [--commit-interval-ms 100] [--kafka-lib ""] ...   (--help lists every option)
# Writes bench/target/transactions/results.md. Takes about 4 minutes with the defaults.
exec "$(dirname "${BASH_SOURCE[0]}")/lib/side-by-side.sh" io.vltava.bench.txn.TransactionBenchmark "$@"
