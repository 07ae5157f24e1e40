#!/usr/bin/env bash
# RMON collector benchmark: CPU per 100 000 varbinds for a full etherStats + HC + history cycle
# (the collector vs Net-SNMP's snmpbulkwalk of the same RMON tables of the same lab probes), then
# the scale run (BENCH_SCALE_DEVICES probes × 8 data sources, 30 s history buckets, 60 s
# interval): share of one core, RSS, late polls. Lab probes run in a child process.
#   bench/rmon/run.sh     env: BENCH_CPU_DEVICES=20 BENCH_SCALE_DEVICES=2000 BENCH_SCALE_INTERVALS=3
#                                BENCH_LAB_PROCESSES=2 BENCH_LAB_UPTIME_S=120 BENCH_WARMUP_CONCURRENCY=100
set -euo pipefail
# shellcheck source=../lib/help.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/help.sh" "$0" "$@"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=../../scripts/lib/node24.sh
source scripts/lib/node24.sh
bash scripts/peers.sh install snmp
node node_modules/typescript/bin/tsc -b libs/lab libs/snmp services/rmon-collector
NODE=(node --expose-gc --disable-warning=ExperimentalWarning --disable-warning=MODULE_TYPELESS_PACKAGE_JSON)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"${NODE[@]}" bench/rmon/rmon-bench.ts cpu | tee -a "$out"
"${NODE[@]}" bench/rmon/rmon-bench.ts scale | tee -a "$out"
cp "$out" bench/rmon/last-run.md
echo "raw tables in bench/rmon/last-run.md; RESULTS.md is written from them with the machine notes"
