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

echo "compare: building Vltava and the benchmarks ..." >&2
(cd "$ROOT" && mvn -B -q -Dstyle.color=never -DskipTests -pl vltava-cli,vltava-bench -am package)
echo "compare: fetching Apache Kafka's broker from Maven Central ..." >&2
(cd "$ROOT/bench/kafka" && mvn -B -q -Dstyle.color=never package)

CPUS=$(nproc)
PIN_CLIENT=()
BROKER_CPUS=none
if [ "$CPUS" -ge 2 ] && command -v taskset >/dev/null 2>&1; then
    BROKER_CPUS=$((CPUS - 1))
    PIN_CLIENT=(taskset -c "0-$((CPUS - 2))")
else
    echo "compare: brokers and load generator share the CPUs (needs 2 or more CPUs and taskset)" >&2
fi

cd "$ROOT"
# shellcheck disable=SC2086
exec "${PIN_CLIENT[@]}" "$JAVA" $VLTAVA_JDK_OPTS -Xmx4g -cp vltava-bench/target/benchmarks.jar io.vltava.bench.compare.Compare \
    --kafka-lib bench/kafka/target/lib --vltava-root "$ROOT" --broker-cpus "$BROKER_CPUS" "$@"
