#!/usr/bin/env bash
# The README's test command (`npm test`): installs Node 24 and the dependencies if needed,
# builds (type-checks), installs the protocol peers (snmpd, snmptrap, fping, rsyslog, …),
# and runs every jest suite. Integration suites start real Kafka, ClickHouse and Redis on
# loopback through libs/testing (scripts/services.sh) and stop them at the end.
#
#   npm test                 everything
#   npm test -- --unit       unit specs only (no real services)
#   npm test -- <jest args>  e.g. a path filter: npm test -- libs/bus
set -euo pipefail
SONDE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$SONDE_ROOT"
unit=0
args=()
for a in "$@"; do
  if [ "$a" = "--unit" ]; then unit=1; else args+=("$a"); fi
done
bash scripts/bootstrap.sh
# shellcheck source=lib/node24.sh
source scripts/lib/node24.sh
report="${SONDE_TEST_REPORT:-$SONDE_ROOT/.test-report.json}"
rm -f "$report"
if [ "$unit" = 1 ]; then
  export SONDE_TEST_UNIT_ONLY=1
elif [ -x scripts/peers.sh ] || [ -f scripts/peers.sh ]; then
  bash scripts/peers.sh install
fi
set +e
node node_modules/jest/bin/jest.js --maxWorkers=2 --json --outputFile="$report" ${args[@]+"${args[@]}"}
rc=$?
set -e
node scripts/test-summary.js "$report" || true
exit $rc
