#!/usr/bin/env bash
# Consumer group benchmark: how long a group of 10 Java consumers over 100 partitions takes to settle
# when one member joins or leaves (classic and KIP-848 consumer protocols), and offset commits per
# second, against Apache Kafka 4.4 and Vltava on this machine, one after the other.
#   bench/groups.sh [--members 10] [--partitions 100] [--joins 5] [--kafka-lib ""] ...   (--help lists every option)
# Writes bench/target/groups/results.md. Takes about 5 minutes with the defaults.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../bin/lib/java-env.sh
source "$ROOT/bin/lib/java-env.sh"
vltava_require_maven

echo "groups: building Vltava and the benchmarks ..." >&2
(cd "$ROOT" && mvn -B -q -Dstyle.color=never -DskipTests -pl vltava-cli,vltava-bench -am package)
echo "groups: fetching Apache Kafka's broker from Maven Central ..." >&2
(cd "$ROOT/bench/kafka" && mvn -B -q -Dstyle.color=never package)

CPUS=$(nproc)
PIN_CLIENT=()
BROKER_CPUS=none
if [ "$CPUS" -ge 2 ] && command -v taskset >/dev/null 2>&1; then
    BROKER_CPUS=$((CPUS - 1))
    PIN_CLIENT=(taskset -c "0-$((CPUS - 2))")
fi

cd "$ROOT"
# shellcheck disable=SC2086
exec "${PIN_CLIENT[@]}" "$JAVA" $VLTAVA_JDK_OPTS -Xmx2g -cp vltava-bench/target/benchmarks.jar io.vltava.bench.group.GroupBenchmark \
    --kafka-lib bench/kafka/target/lib --vltava-root "$ROOT" --broker-cpus "$BROKER_CPUS" "$@"
