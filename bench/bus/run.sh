#!/usr/bin/env bash
# Bus benchmark: events/s of ~1 KB events through the memory bus, the Sonde Kafka bus
# (on kafkajs and on @platformatic/kafka) and raw kafkajs vs @platformatic/kafka, against the real broker that
# scripts/services.sh starts. Writes bench/bus/RESULTS.md.
#   bench/bus/run.sh        (BENCH_EVENTS=50000 by default; BENCH_ONLY=memoryBus,rawKafkajs,…)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=../../scripts/lib/node24.sh
source scripts/lib/node24.sh
node node_modules/typescript/bin/tsc -b libs/events libs/bus
bash scripts/services.sh start kafka
eval "export $(bash scripts/services.sh env kafka)"
out=$(mktemp)
node --disable-warning=ExperimentalWarning --disable-warning=MODULE_TYPELESS_PACKAGE_JSON --disable-warning=TimeoutNegativeWarning \
  bench/bus/bus-bench.ts | tee "$out"
{
  echo "# Bus benchmark results"
  echo
  echo "Command: \`bench/bus/run.sh\` (BENCH_EVENTS=${BENCH_EVENTS:-50000})  "
  echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC')  "
  echo "Machine: $(nproc) CPU ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), shared with other jobs; Node $(node --version);"
  echo "broker: Apache Kafka $(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' scripts/kafka/pom.xml) (KRaft, one node, -Xmx512m) on loopback"
  echo
  echo "Produce: sequential sends of 1000 events, acks=all, idempotent producer, time until the last"
  echo "is acknowledged. Consume: a new group from the earliest offset, timed from the first batch"
  echo "(group join excluded) to the last event. The Sonde Kafka bus also JSON-decodes and"
  echo "zod-validates every event and commits twice per batch (intent + completion, see"
  echo "libs/bus/README.md); the raw clients only count bytes. The memory bus row is publish"
  echo "rate / end-to-end rate in one process. The machine is shared (2 cores, several jobs): compare"
  echo "rows within one run, not across runs."
  echo
  cat "$out"
} > bench/bus/RESULTS.md
rm -f "$out"
echo "wrote bench/bus/RESULTS.md"
