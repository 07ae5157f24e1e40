#!/usr/bin/env bash
# bench/alerts/latency.sh: p50/p99 latency from an event entering the bus to the webhook receiving
# the notification — Sonde embedded (memory bus + memory state, one process, as `sonde up`),
# Sonde on Kafka + Redis (the built alert-engine process), and Debian's Prometheus 2.42 +
# Alertmanager 0.25 at their fastest settings (scrape and evaluation 1 s, group_wait 0s) doing
# the same job on the same machine. Writes bench/alerts/results/latency-*.json; figures in RESULTS.md.
#   bench/alerts/latency.sh [--alerts 100] [--spacing-ms 100]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
bash scripts/peers.sh install alertmanager
# shellcheck source=../../scripts/lib/node24.sh
source scripts/lib/node24.sh
node node_modules/typescript/bin/tsc -b services/alert-engine
export SONDE_SERVICES_DIR="${SONDE_SERVICES_DIR:-/tmp/sonde-services}"
# stop what this run started
started=()
for s in kafka redis; do bash scripts/services.sh status "$s" 2>/dev/null | grep -q ': running' || started+=("$s"); done
cleanup() { for s in "${started[@]}"; do bash scripts/services.sh stop "$s" || true; done; }
trap cleanup EXIT
bash scripts/services.sh start kafka redis
eval "export $(bash scripts/services.sh env kafka)"
eval "export $(bash scripts/services.sh env redis)"
node bench/alerts/latency-bench.cjs "$@"
