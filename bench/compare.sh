#!/usr/bin/env bash
# Compares Vltava with Apache Kafka 4.4 on this machine: builds Vltava, fetches Kafka's broker from
# Maven Central (into bench/kafka/target/lib, used by nothing else), then runs the same workloads
# against both brokers, interleaved, and writes bench/target/compare/results.{md,json}.
#   bench/compare.sh [--rounds 3] [--seconds 10] [--many-rounds 1] ...   (--help lists every option)
# Needs a JDK 21 or newer (found as bin/vltava finds it), Maven, and about 10 GB free under bench/target.
# On a machine with 2 or more CPUs the brokers run on the last CPU and the load generator on the others.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../bin/lib/java-env.sh
source "$ROOT/bin/lib/java-env.sh"
vltava_require_maven

for tool in jcmd jstat; do
    if [ ! -x "$JAVA_HOME/bin/$tool" ]; then
        echo "compare: $JAVA_HOME/bin/$tool is missing; the comparison needs a full JDK." >&2
        exit 1
    fi
done

exec "$ROOT/bench/lib/side-by-side.sh" io.vltava.bench.compare.Compare "$@"
