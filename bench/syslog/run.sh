#!/usr/bin/env bash
# bench/syslog: Sonde syslog receiver vs rsyslog (imudp → omfile) vs a bare Node dgram socket,
# fed the same generated UDP stream on loopback. Results: bench/syslog/results/run-*.json;
# the figures and their reading are in RESULTS.md.
#   bench/syslog/run.sh [--rates 20000,50000,100000] [--seconds 4] [--targets bare,sonde,sonde-w2,rsyslog]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
bash scripts/peers.sh install syslog
# shellcheck source=../../scripts/lib/node24.sh
source scripts/lib/node24.sh
node node_modules/typescript/bin/tsc -b services/syslog-receiver
exec node bench/syslog/run-bench.cjs "$@"
