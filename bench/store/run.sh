#!/usr/bin/env bash
# Store benchmark: rows/s into embedded chDB (full schema) and into the real ClickHouse 18.16
# server over HTTP (simple table). Builds the libs, starts the server if needed, writes RESULTS.md.
#   bench/store/run.sh            (BENCH_ROWS=200000 by default: rows per batch size and target)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=../../scripts/lib/node24.sh
source scripts/lib/node24.sh
node node_modules/typescript/bin/tsc -b libs/events libs/store
# stop the server afterwards if this run started it
started_clickhouse=0
bash scripts/services.sh status clickhouse 2>/dev/null | grep -q ': running' || started_clickhouse=1
cleanup() { if [ "$started_clickhouse" = 1 ]; then bash scripts/services.sh stop clickhouse; fi; }
trap cleanup EXIT
bash scripts/services.sh start clickhouse
out=$(mktemp)
# Node 24 strips the TypeScript types itself; the libs are imported from their dist/.
node --disable-warning=ExperimentalWarning --disable-warning=MODULE_TYPELESS_PACKAGE_JSON bench/store/store-bench.ts | tee "$out"
{
  echo "# Store benchmark results"
  echo
  echo "Command: \`bench/store/run.sh\` (BENCH_ROWS=${BENCH_ROWS:-200000})  "
  echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC')  "
  echo "Machine: $(nproc) CPU ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), shared with other jobs; Node $(node --version)"
  echo
  echo "One insert per batch, sequential, with the store's explicit settings (async_insert=0,"
  echo "insert_deduplicate=1 and a dedup token where the server knows them). chDB rows are"
  echo "snmp_metric samples (10 per event) through the full event mapping and the 1 min / 1 h rollup"
  echo "views; 18.16 rows go to a plain old-syntax MergeTree through the same insertRows path, and"
  echo "chDB gets the same plain table too, to separate the engine/transport cost from the schema's."
  echo "Formats: the store inserts the event tables as JSONCompactEachRowWithNames (names once, rows"
  echo "as arrays); JSONEachRow is the same rows with names in every row. RowBinary/Native: not"
  echo "encodable by @clickhouse/client. Rows without rollup views: the same inserts after dropping"
  echo "migration 2's materialized views — the difference is what the rollups cost."
  echo "**Contended machine** (2 cores shared with 7 other jobs, load average $(cut -d' ' -f1 /proc/loadavg)"
  echo "at the end): runs differ by 2-3x; compare rows within one run, not across runs."
  echo
  cat "$out"
} > bench/store/RESULTS.md
rm -f "$out"
echo "wrote bench/store/RESULTS.md"
