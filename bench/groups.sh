#!/usr/bin/env bash
# Consumer group benchmark: how long a group of 10 Java consumers over 100 partitions takes to settle
# when one member joins or leaves (classic and KIP-848 consumer protocols), and offset commits per
# second, against Apache Kafka 4.4 and Vltava on this machine, one after the other.
#   bench/groups.sh [--members 10] [--partitions 100] [--joins 5] [--kafka-lib ""] ...   (--help lists every option)
# Writes bench/target/groups/results.md. Takes about 6 minutes with the defaults.
exec "$(dirname "${BASH_SOURCE[0]}")/lib/side-by-side.sh" io.vltava.bench.group.GroupBenchmark "$@"
