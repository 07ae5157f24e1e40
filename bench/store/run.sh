#!/usr/bin/env bash
# Store benchmark: rows/s into embedded chDB (full schema) and into the real ClickHouse 18.16
# server over HTTP (simple table), then the event-writer draining a real Kafka topic into chDB
# (writer-bench.ts). Builds, starts the server and the broker if needed (and stops what it
# started), writes RESULTS.md.
#   bench/store/run.sh            (BENCH_ROWS=200000 by default: rows per batch size and target;
#                                  BENCH_EVENTS=60000 events of 10 rows for the writer)
set -euo pipefail
# shellcheck source=../lib/help.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/help.sh" "$0" "$@"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=../../scripts/lib/node24.sh
source scripts/lib/node24.sh
node node_modules/typescript/bin/tsc -b libs/events libs/bus libs/store services/event-writer services/standalone
bash scripts/peers.sh install kafka
# stop the server and the broker afterwards if this run started them
started_clickhouse=0
started_kafka=0
bash scripts/services.sh status clickhouse 2>/dev/null | grep -q ': running' || started_clickhouse=1
bash scripts/services.sh status kafka 2>/dev/null | grep -q ': running' || started_kafka=1
up_pid=""
up_dir=$(mktemp -d)
cleanup() {
  if [ -n "$up_pid" ]; then kill "$up_pid" 2>/dev/null || true; wait "$up_pid" 2>/dev/null || true; fi
  rm -rf "$up_dir"
  if [ "$started_clickhouse" = 1 ]; then bash scripts/services.sh stop clickhouse; fi
  if [ "$started_kafka" = 1 ]; then bash scripts/services.sh stop kafka; fi
}
trap cleanup EXIT
bash scripts/services.sh start clickhouse
bash scripts/services.sh start kafka
eval "export $(bash scripts/services.sh env kafka)"
# The HTTP rows of writer-bench: `sonde up` (its own process, its own chDB) serving ClickHouse's
# HTTP interface with writes allowed, every port picked free; stopped by cleanup.
cat > "$up_dir/sonde.yaml" <<'YAML'
clickhouseHttp: { port: 0, allowWrites: true, maxBodyBytes: 268435456 }
syslogReceiver: { udp: { hosts: ["127.0.0.1"], port: 0 }, tcp: { hosts: ["127.0.0.1"], port: 0 } }
trapReceiver: { listen: [{ address: "127.0.0.1", port: 0 }] }
YAML
(cd "$up_dir" && exec node "$ROOT/services/standalone/dist/main.js" up --no-lab --plain --port 0 --config "$up_dir/sonde.yaml" --data "$up_dir/data" > "$up_dir/up.log" 2>&1) &
up_pid=$!
for _ in $(seq 1 120); do grep -q 'clickhouse http http://' "$up_dir/up.log" 2>/dev/null && break; sleep 0.5; done
BENCH_HTTP_URL=$(grep -o 'clickhouse http http://[0-9.:]*' "$up_dir/up.log" | head -1 | sed 's/^clickhouse http //')
export BENCH_HTTP_URL BENCH_HTTP_PID=$up_pid
out=$(mktemp)
writer_out=$(mktemp)
# the hand-written reading at the end of RESULTS.md is kept across runs (rewrite it by hand)
reading=$(mktemp)
sed -n '/^## Reading/,$p' bench/store/RESULTS.md > "$reading" 2>/dev/null || true
# Node 24 strips the TypeScript types itself; the libs are imported from their dist/.
node --disable-warning=ExperimentalWarning --disable-warning=MODULE_TYPELESS_PACKAGE_JSON bench/store/store-bench.ts | tee "$out"
cut -d' ' -f1-3 /proc/loadavg > "$up_dir/load.start"
BENCH_EVENTS=${BENCH_EVENTS:-60000} node --disable-warning=ExperimentalWarning --disable-warning=MODULE_TYPELESS_PACKAGE_JSON --disable-warning=TimeoutNegativeWarning \
  bench/store/writer-bench.ts | tee "$writer_out"
{
  echo "# Store benchmark results"
  echo
  echo "Command: \`bench/store/run.sh\` (BENCH_ROWS=${BENCH_ROWS:-200000}, BENCH_EVENTS=${BENCH_EVENTS:-60000})  "
  echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC')  "
  echo "Machine: $(nproc) CPU ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')); Node $(node --version)"
  echo
  echo "One insert per batch, sequential, with the store's explicit settings (async_insert=0,"
  echo "insert_deduplicate=1 and a dedup token where the server knows them). chDB rows are"
  echo "snmp_metric samples (10 per event) through the full event mapping and the 1 min / 1 h rollup"
  echo "views; 18.16 rows go to a plain old-syntax MergeTree through the same insertRows path, and"
  echo "chDB gets the same plain table too, to separate the engine/transport cost from the schema's."
  echo "Insert paths and formats: the store hands chDB the event rows as one Native block it encodes"
  echo "itself, in a file the engine reads (INSERT … FROM INFILE, settings on the statement); through"
  echo "@clickhouse/client the same rows go as JSONCompactEachRowWithNames (names once, rows as arrays)"
  echo "or JSONEachRow (names in every row), which chdb's connection turns into one SQL string"
  echo "(bench/store/format-bench.ts compares every format). Rows without rollup views: the same"
  echo "inserts after dropping the materialized views — the difference is what the rollups cost."
  echo "CPU-s: this process's user+system CPU, chDB's engine threads included (it runs in-process)."
  load_end=$(cut -d' ' -f1 /proc/loadavg)
  if awk -v l="$load_end" -v n="$(nproc)" 'BEGIN { exit !(l > n) }'; then
    echo "**Contended machine** (load average $load_end on $(nproc) cores at the end of the store runs):"
    echo "runs differ by 2-3x; compare rows within one run, not across runs."
  else
    echo "Load average $load_end on $(nproc) cores at the end of the store runs (nothing else running);"
    echo "compare rows within one run, not across runs."
  fi
  echo
  cat "$out"
  echo
  echo "## Event-writer from Kafka into chDB (\`bench/store/writer-bench.ts\`)"
  echo
  echo "Events published through the Sonde Kafka bus (broker: Apache Kafka, one KRaft node on loopback),"
  echo "then drained by the event-writer's EventBatchWriter subscribed with the service's defaults, once"
  echo "per row below (own consumer group, own database in one chDB folder). Seconds: from the first"
  echo "batch to the last row stored (group join excluded). \`one insert per bus batch (before)\`: the"
  echo "store's insert per partition batch, as the writer was before the fill wait; \`fill wait\`: the"
  echo "EventBatchWriter with \`eventWriter.insert\` (one insert per table covering every partition's"
  echo "batch that arrived within maxWaitMs). HTTP rows: the writer's store over HTTP to a \`sonde up\`"
  echo "process (its own embedded chDB behind its ClickHouse HTTP interface, writes allowed), CPU of"
  echo "both processes; the ClickHouse server here (18.16) refuses the event schema. Most inserts in"
  echo "1 s: inserts into snmp_metric that started within any one-second window; shortest gap: the"
  echo "least time between two consecutive ones (the fill wait keeps it at maxWaitMs). Load average at the"
  echo "start of the writer runs: $(cat "$up_dir/load.start" 2>/dev/null); at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  cat "$writer_out"
  if [ -s "$reading" ]; then echo; cat "$reading"; fi
} > bench/store/RESULTS.md.new
mv bench/store/RESULTS.md.new bench/store/RESULTS.md
rm -f "$out" "$writer_out" "$reading"
echo "wrote bench/store/RESULTS.md"
