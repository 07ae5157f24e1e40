#!/usr/bin/env bash
# bench/alerts/eval.sh: the evaluation half — events/s through the alert evaluator on one core with
# 200 rules over a realistic mix (interface/CPU/poll metrics, ICMP, traps, syslog), with
# @marcbachmann/cel-js and @bufbuild/cel side by side; then RSS with BENCH_SERIES active alert
# series. In-process (no bus, no Redis: the evaluator is the measured part); starts nothing.
# Writes bench/alerts/results/eval-*.json and the "Evaluation" section of RESULTS.md.
#   bench/alerts/eval.sh            (BENCH_EVENTS=100000 BENCH_SERIES=100000)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=../../scripts/lib/node24.sh
source scripts/lib/node24.sh
node node_modules/typescript/bin/tsc -b services/alert-engine
export BENCH_EVENTS="${BENCH_EVENTS:-100000}" BENCH_SERIES="${BENCH_SERIES:-100000}"
out=$(mktemp)
# one core: the evaluator is single-threaded; taskset keeps the GC's helper threads on it too
runner=(node)
command -v taskset >/dev/null && runner=(taskset -c 0 node)
"${runner[@]}" --disable-warning=MODULE_TYPELESS_PACKAGE_JSON --expose-gc bench/alerts/eval-bench.ts | tee "$out"
summary=$(tail -1 "$out")
json=$(sed '$d' "$out")
section=$(mktemp)
{
  echo '<!-- eval:start -->'
  echo '## Evaluation throughput and memory (bench/alerts/eval.sh)'
  echo
  echo "Command: \`BENCH_EVENTS=$BENCH_EVENTS BENCH_SERIES=$BENCH_SERIES bash bench/alerts/eval.sh\`  "
  echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC') · $(nproc) vCPU ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), shared with other jobs; Node $(node --version)"
  echo
  echo 'What is timed: AlertEvaluator.evaluate() in batches of 1000 over pre-built events (1000 devices;'
  echo 'per device and cycle: an interfaces snmp.metric event of 4 rows × 12 samples, CPU, poll status,'
  echo 'an icmp.probe, two syslog messages, a linkDown/linkUp trap), with 200 rules: the 15 defaults plus'
  echo 'generated threshold (60), CEL-conditioned ICMP threshold (40), trap (20), syslog with a CEL'
  echo 'condition (25), state (20) and window (20) rules; a tick every 20 batches. `cpuSeconds` is the'
  echo 'process CPU time of the timed loop (the machine is shared: wall-clock `seconds` is longer).'
  echo 'The timed pass runs on a fresh evaluator after a first pass over the same events on another one'
  echo '(JIT and heap at the steady state of a running engine); `firstPassCpuSeconds` is that first pass.'
  echo "Each library runs BENCH_RUNS=${BENCH_RUNS:-5} times, each time in a fresh process, interleaved; the"
  echo 'figure is the median run (its JSON below, with every run in `eventsPerCpuSecondAll`), judged'
  echo 'against the bar; one timed pass is about a CPU-second, so single runs spread ±15 %.'
  echo 'RSS: one firing series per device for BENCH_SERIES devices, after GC.'
  echo
  echo "Result: $summary"
  echo
  echo '```json'
  echo "$json"
  echo '```'
  echo '<!-- eval:end -->'
} > "$section"
if [ -f bench/alerts/RESULTS.md ] && grep -q '<!-- eval:start -->' bench/alerts/RESULTS.md; then
  python3 - "$section" <<'PY'
import re, sys
section = open(sys.argv[1]).read()
text = open('bench/alerts/RESULTS.md').read()
open('bench/alerts/RESULTS.md', 'w').write(re.sub(r'<!-- eval:start -->.*?<!-- eval:end -->\n?', section, text, flags=re.S))
PY
else
  { [ -f bench/alerts/RESULTS.md ] || echo '# bench/alerts'; echo; cat "$section"; } >> bench/alerts/RESULTS.md
fi
rm -f "$out" "$section"
