#!/usr/bin/env bash
# Bus benchmark: events/s of ~1 KB events through the memory bus, the Sonde Kafka bus
# (on kafkajs and on @platformatic/kafka) and raw kafkajs vs @platformatic/kafka, against the real broker that
# scripts/services.sh starts. Writes bench/bus/RESULTS.md.
#   bench/bus/run.sh        (BENCH_EVENTS=50000 by default; BENCH_ONLY=memoryBus,rawKafkajs,…)
set -euo pipefail
# shellcheck source=../lib/help.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/help.sh" "$0" "$@"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=../../scripts/lib/node24.sh
source scripts/lib/node24.sh
node node_modules/typescript/bin/tsc -b libs/events libs/bus
bash scripts/peers.sh install kafka
# Kafka's perf tools beside the broker jars (cached like them)
KAFKA_HOME=$(bash -c 'export SONDE_ROOT="$1"; source "$1/scripts/lib/service-common.sh"; source "$1/scripts/services/kafka.sh"; kafka_tools_install >&2; echo "$KAFKA_HOME"' _ "$ROOT")
export BENCH_KAFKA_TOOLS_CP="$KAFKA_HOME/tools/*"
# stop the broker afterwards if this run started it
started_kafka=0
bash scripts/services.sh status kafka 2>/dev/null | grep -q ': running' || started_kafka=1
cleanup() { if [ "$started_kafka" = 1 ]; then bash scripts/services.sh stop kafka; fi; }
trap cleanup EXIT
bash scripts/services.sh start kafka
eval "export $(bash scripts/services.sh env kafka)"
out=$(mktemp)
reading=$(mktemp)
sed -n '/^## Reading/,$p' bench/bus/RESULTS.md > "$reading" 2>/dev/null || true
[ -s "$reading" ] || { rm -f "$reading"; reading=; }
node --disable-warning=ExperimentalWarning --disable-warning=MODULE_TYPELESS_PACKAGE_JSON --disable-warning=TimeoutNegativeWarning \
  bench/bus/bus-bench.ts | tee "$out"
{
  echo "# Bus benchmark results"
  echo
  echo "Command: \`bench/bus/run.sh\` (BENCH_EVENTS=${BENCH_EVENTS:-50000})  "
  echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC')  "
  echo "Machine: $(nproc) CPU ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')); Node $(node --version);"
  echo "broker: Apache Kafka $(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' scripts/kafka/pom.xml) (KRaft, one node, -Xmx512m) on loopback"
  echo
  echo "Produce: calls of 1000 events, ${BENCH_WINDOW:-8} outstanding at once (a collector's bounded queue), acks=all,"
  echo "idempotent producer, time until the last is acknowledged. Consume: a new group from the earliest"
  echo "offset, timed from the first batch (group join excluded) to the last event. The Sonde Kafka bus"
  echo "also JSON-decodes every event (records carrying the Sonde producer header get an envelope check"
  echo "instead of zod, ADR 0005) and commits once per batch (completion + next intent, libs/bus/README.md);"
  echo "the raw clients only count bytes and get pre-encoded values; the raw @platformatic/kafka consumer"
  echo "fetches with the bus's settings (64 KiB min, 1 MiB per partition, 50 MiB per fetch). CPU-s/100k:"
  echo "user+system CPU of the bench process over the phase. kcat rows include process start;"
  echo "the Java tools report their own clock. Rows marked zstd compress each record batch at the producer"
  echo "(bus.kafka.producer.compression: zstd; the raw client with the same codec); the others send none."
  echo "The memory bus row is publish rate / end-to-end rate in one"
  echo "process. Load average $(cut -d' ' -f1-3 /proc/loadavg | sed 's/ / \/ /g') at the end of this run: on a shared machine"
  echo "absolute figures move 2-3x between runs; compare ratios within one run."
  echo
  cat "$out"
  # the hand-written reading below the tables is kept
  if [ -n "$reading" ]; then echo; cat "$reading"; fi
} > bench/bus/RESULTS.md.new
mv bench/bus/RESULTS.md.new bench/bus/RESULTS.md
rm -f "$reading"
rm -f "$out"
echo "wrote bench/bus/RESULTS.md"
