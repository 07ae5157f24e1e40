// CPU per UUIDv7: Sonde's uuidV7 (libs/events/src/uuid-v7.ts, built) against the `uuid` package's v7.
// Run: npm run build && source scripts/lib/node24.sh && node bench/events/uuid-v7.bench.js
const { v7 } = require('uuid');
const { uuidV7 } = require('@sonde/events/uuid-v7');

function cpuNsPerCall(fn, n) {
  let sink = 0;
  for (let i = 0; i < 200_000; i++) sink += fn().length;
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) sink += fn().length;
  const used = process.cpuUsage(start);
  if (sink === 0) throw new Error('unreachable');
  return ((used.user + used.system) * 1000) / n;
}

const N = 2_000_000;
const rows = [];
for (let round = 1; round <= 3; round++) {
  const lib = cpuNsPerCall(() => v7(), N);
  const ours = cpuNsPerCall(() => uuidV7(), N);
  rows.push({ round, 'uuid v7 ns': lib.toFixed(0), 'sonde ns': ours.toFixed(0), 'uuid/sonde': (lib / ours).toFixed(2) });
}
console.table(rows);
