#!/usr/bin/env bash
# Shared by bench/compare.sh, bench/groups.sh, bench/transactions.sh and bench/perf.sh: builds Vltava and
# the benchmarks, fetches Apache Kafka 4.4's broker from Maven Central (into bench/kafka/target/lib), and
# runs the benchmark class given as the first argument against both brokers, one after the other, with
# the remaining arguments.
# On a machine with 2 or more CPUs the brokers run on the last CPU and the clients on the others.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../../bin/lib/java-env.sh
source "$ROOT/bin/lib/java-env.sh"
vltava_require_maven

MAIN_CLASS="$1"
shift
NAME="${MAIN_CLASS##*.}"

echo "$NAME: building Vltava and the benchmarks ..." >&2
(cd "$ROOT" && mvn -B -q -Dstyle.color=never -DskipTests -pl vltava-cli,vltava-bench -am package)
echo "$NAME: fetching Apache Kafka's broker from Maven Central ..." >&2
(cd "$ROOT/bench/kafka" && mvn -B -q -Dstyle.color=never package)

CPUS=$(nproc)
PIN_CLIENT=()
BROKER_CPUS=none
if [ "$CPUS" -ge 2 ] && command -v taskset >/dev/null 2>&1; then
    BROKER_CPUS=$((CPUS - 1))
    PIN_CLIENT=(taskset -c "0-$((CPUS - 2))")
else
    echo "$NAME: brokers and clients share the CPUs (needs 2 or more CPUs and taskset)" >&2
fi

cd "$ROOT"
# shellcheck disable=SC2086
exec "${PIN_CLIENT[@]}" "$JAVA" $VLTAVA_JDK_OPTS -Xmx4g -cp vltava-bench/target/benchmarks.jar "$MAIN_CLASS" \
    --kafka-lib bench/kafka/target/lib --vltava-root "$ROOT" --broker-cpus "$BROKER_CPUS" "$@"
