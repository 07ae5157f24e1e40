#!/usr/bin/env bash
# bench/traps: Sonde trap receiver vs Debian snmptrapd, the same generated SNMPv2c traps on
# loopback. Results: bench/traps/results/run-*.json; figures and reading in RESULTS.md.
#   bench/traps/run.sh [--rates 5000,10000,20000,40000,80000] [--seconds 2] [--cpu-count 100000] [--cpu-rate 10000]
#   bench/traps/run.sh --targets sonde-kafka,sonde,snmptrapd --rates 10000,25000,50000,80000   (goal: on Kafka, zero loss ≥ 50 000/s)
#   bench/traps/run.sh --targets sonde-kafka-serial,sonde-kafka …   (one publish() call in flight vs the bus's ordered calls)
#   BENCH_KAFKA_CLIENT=kafkajs bench/traps/run.sh --targets sonde-kafka …   (default: @platformatic/kafka, as the product)
#   node bench/traps/publish-bench.cjs [--client kafkajs|platformatic]   (the publish path alone, no socket; needs SONDE_TEST_KAFKA_BROKERS)
set -euo pipefail
# shellcheck source=../lib/help.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/help.sh" "$0" "$@"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
bash scripts/peers.sh install snmp
# shellcheck source=../../scripts/lib/node24.sh
source scripts/lib/node24.sh
# main.ts needs libs/bus's BusModule; the bench uses only the domain files, so a build error
# there must not stop it — the emitted dist is what runs
node node_modules/typescript/bin/tsc -b libs/snmp services/trap-receiver || echo "bench/traps: build reported errors (see above); using emitted dist" >&2
# --targets …sonde-kafka…: the receiver on the real Kafka bus; a broker this run stops again
if [[ "$*" == *kafka* ]]; then
  node node_modules/typescript/bin/tsc -b libs/bus
  started_kafka=0
  bash scripts/services.sh status kafka 2>/dev/null | grep -q ': running' || started_kafka=1
  cleanup() { if [ "$started_kafka" = 1 ]; then bash scripts/services.sh stop kafka; fi; }
  trap cleanup EXIT
  bash scripts/services.sh start kafka
  eval "export $(bash scripts/services.sh env kafka)"
fi
node bench/traps/run-bench.cjs "$@"
