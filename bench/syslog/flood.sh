#!/usr/bin/env bash
# bench/syslog flood: quiet sources' delivery while one source floods at 10× its rate limit
# (issue 11 item 3), with flooding-source isolation off, on, and on with 2 UDP worker threads.
#   bench/syslog/flood.sh [--rate 50000] [--quiet 2] [--quiet-rate 200] [--seconds 10] [--modes off,on,w2] [--busy 0.5]
# --busy F keeps the receiver's event loop busy a fraction F of the time (a loaded receiver).
# Figures and their reading: RESULTS.md "Flood fairness".
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=../../scripts/lib/node24.sh
source scripts/lib/node24.sh
node node_modules/typescript/bin/tsc -b services/syslog-receiver
node bench/syslog/flood.cjs "$@"
