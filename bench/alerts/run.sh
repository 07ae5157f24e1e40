#!/usr/bin/env bash
# bench/alerts/run.sh: both alert-engine benchmarks — evaluation throughput and memory (eval.sh)
# and notification latency against Prometheus + Alertmanager (latency.sh) — each writing its
# section of RESULTS.md. Arguments go to latency.sh.
set -euo pipefail
# shellcheck source=../lib/help.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/help.sh" "$0" "$@"
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ -x "$DIR/eval.sh" ] && bash "$DIR/eval.sh"
[ -f "$DIR/latency.sh" ] && bash "$DIR/latency.sh" "$@"
exit 0
