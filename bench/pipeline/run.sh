#!/usr/bin/env bash
# bench/pipeline: the distributed pipeline end to end under a sustained load — generated syslog
# and SNMPv2c traps plus lab SNMP agents → syslog-receiver, trap-receiver, snmp-poller (each its
# own process from services/<name>/dist/main.js, YAML config) → Kafka → event-writer → chDB.
# Reports input rate per source, zero loss (rows counted in the store), CPU per event per stage,
# send → stored latency p50/p99 and RSS per process. Results: bench/pipeline/results/run-*.json,
# reading in RESULTS.md.
#
#   bench/pipeline/run.sh [--rates 50000[,20000,…]] [--seconds 60] [--syslog-share 0.7]
#                         [--lab-devices 10] [--lab-interval-ms 5000] [--kafka-client platformatic|kafkajs] [--compression none|gzip|zstd]
#                         [--partitions 6] [--drain-timeout 120] [--poll-ms 200] [--syslog-isolation on|off]
#   bench/pipeline/run.sh --rates 50000,20000,10000,5000 --seconds 20     (a quick step-down)
#
# --rates: total datagrams/s (syslog share + traps); every step runs on fresh topics, a fresh chDB
# and fresh services. Kafka is started with scripts/services.sh in its own SONDE_SERVICES_DIR
# (default /tmp/sonde-bench-pipeline) and stopped again, with every process this run started,
# on exit, failure or Ctrl-C.
set -euo pipefail
# shellcheck source=../lib/help.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/help.sh" "$0" "$@"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export SONDE_SERVICES_DIR="${SONDE_SERVICES_DIR:-/tmp/sonde-bench-pipeline}"
bash scripts/peers.sh install snmp
# shellcheck source=../../scripts/lib/node24.sh
source scripts/lib/node24.sh
node node_modules/typescript/bin/tsc -b tsconfig.build.json

started_kafka=0
bench_pid=""
cleanup() {
  # the bench kills its children on exit; a SIGKILLed bench cannot, so its process group goes too
  if [ -n "$bench_pid" ] && kill -0 "$bench_pid" 2>/dev/null; then kill -TERM "$bench_pid" 2>/dev/null || true; sleep 1; kill -KILL "$bench_pid" 2>/dev/null || true; fi
  if [ "$started_kafka" = 1 ]; then bash scripts/services.sh stop kafka; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
bash scripts/services.sh status kafka 2>/dev/null | grep -q ': running' || started_kafka=1
bash scripts/services.sh start kafka
eval "export $(bash scripts/services.sh env kafka)"
node bench/pipeline/run-bench.cjs "$@" &
bench_pid=$!
wait "$bench_pid"
