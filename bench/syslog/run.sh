#!/usr/bin/env bash
# bench/syslog: Sonde syslog receiver vs rsyslog (imudp → omfile) vs a bare Node dgram socket,
# fed the same generated UDP stream on loopback. Results: bench/syslog/results/run-*.json;
# the figures and their reading are in RESULTS.md.
#   bench/syslog/run.sh [--rates 20000,50000,100000] [--seconds 4] [--targets bare,sonde,sonde-w2,rsyslog]
#   bench/syslog/run.sh --targets sonde-kafka,rsyslog-kafka,sonde,rsyslog,bare   (UDP → Kafka side by side)
set -euo pipefail
# shellcheck source=../lib/help.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/help.sh" "$0" "$@"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
bash scripts/peers.sh install syslog
# shellcheck source=../../scripts/lib/node24.sh
source scripts/lib/node24.sh
node node_modules/typescript/bin/tsc -b services/syslog-receiver libs/bus
# Kafka targets (sonde-kafka, rsyslog-kafka): rsyslog's omkafka, and a broker this run stops again
if [[ "$*" == *kafka* ]]; then
  bash scripts/peers.sh install syslog_kafka
  started_kafka=0
  bash scripts/services.sh status kafka 2>/dev/null | grep -q ': running' || started_kafka=1
  cleanup() { if [ "$started_kafka" = 1 ]; then bash scripts/services.sh stop kafka; fi; }
  trap cleanup EXIT
  bash scripts/services.sh start kafka
  eval "export $(bash scripts/services.sh env kafka)"
fi
node bench/syslog/run-bench.cjs "$@"
