#!/usr/bin/env bash
# SNMP poller benchmark: CPU per 100 000 varbinds (poller vs a bare libs/snmp walk vs Net-SNMP's
# snmpbulkwalk on the same lab agents), then the scale run (1 000 devices × 48 interfaces on a
# 60 s interval) with shared sockets and, for the FD comparison, with one socket per session.
# Lab agents run in a child process (lab-agents.ts) so the poller's CPU is measured alone.
#   bench/snmp-poller/run.sh     env: BENCH_CPU_DEVICES=20 BENCH_SCALE_DEVICES=1000 BENCH_SCALE_INTERVALS=2
set -euo pipefail
# shellcheck source=../lib/help.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/help.sh" "$0" "$@"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=../../scripts/lib/node24.sh
source scripts/lib/node24.sh
bash scripts/peers.sh install snmpd
node node_modules/typescript/bin/tsc -b libs/lab libs/snmp services/snmp-poller
NODE=(node --expose-gc --disable-warning=ExperimentalWarning --disable-warning=MODULE_TYPELESS_PACKAGE_JSON)
out=$(mktemp)
"${NODE[@]}" bench/snmp-poller/poller-bench.ts cpu | tee -a "$out"
"${NODE[@]}" bench/snmp-poller/poller-bench.ts scale | tee -a "$out"
echo | tee -a "$out"
echo "### Same scale run, one UDP socket per session (net-snmp's default; sockets.shared: 0), one interval" | tee -a "$out"
BENCH_SHARED_SOCKETS=0 BENCH_SCALE_INTERVALS=1 "${NODE[@]}" bench/snmp-poller/poller-bench.ts scale | grep -v '^## ' | tee -a "$out"
cp "$out" bench/snmp-poller/last-run.md
rm -f "$out"
echo "raw tables in bench/snmp-poller/last-run.md; RESULTS.md is written from them by hand with the machine notes"
