// Micro-benchmark of the receiver's per-message work without the socket: the load generator's
// corpus stream → SyslogIngest.ingest (parse + device + event), events kept in a ring so they
// die young as on the real path. Deterministic enough to A/B one change (the socket benchmark
// varies ±10 % between runs on the shared machine).
//   node ingest-microbench.cjs [distDir] [seconds]   → prints ns/msg per round and the median
const fs = require('node:fs');
const path = require('node:path');
const root = path.resolve(__dirname, '../..');
const dist = path.resolve(process.argv[2] ?? path.join(root, 'services/syslog-receiver/dist'));
const seconds = Number(process.argv[3] ?? 3);
const { SyslogIngest } = require(path.join(dist, 'syslog-ingest.js'));
const { syslogReceiverConfigSchema } = require(path.join(root, 'services/syslog-receiver/dist/syslog-receiver.config.js'));
const { SyslogReceiverMetrics } = require(path.join(root, 'services/syslog-receiver/dist/syslog-receiver.metrics.js'));
const { Inventory } = require('@sonde/inventory/inventory');
const { Registry } = require('prom-client');

const dir = path.join(root, 'services/syslog-receiver/test/cases');
const lines = [];
for (const c of fs.readdirSync(dir).sort()) {
  if (c === 'malformed') continue;
  for (const l of fs.readFileSync(path.join(dir, c, 'input.txt'), 'utf8').split('\n')) if (l.startsWith('<')) lines.push(l);
}
const messages = Array.from({ length: 4096 }, (_, i) => Buffer.from(`${lines[i % lines.length]} #${i}`));
const config = syslogReceiverConfigSchema.parse({ udp: { hosts: ['127.0.0.1'], port: 0 }, tcp: { enabled: false } });
const ingest = new SyslogIngest(config, new SyslogReceiverMetrics(new Registry()), { site: 'bench', collector: 'bench' },
  new Inventory({ site: 'bench', sites: {}, credentials: {}, devices: [] }));
const ring = new Array(2000);
let k = 0;
const round = () => {
  const n = 50_000;
  const t0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const msg = messages[i & 4095];
    ring[k++ % 2000] = ingest.ingest(msg, { transport: 'udp', address: '127.0.0.1', port: 40000 + (i & 3), receivedAt: Date.now(), truncated: false });
  }
  const d = process.cpuUsage(t0);
  return ((d.user + d.system) * 1000) / n; // process CPU (incl. GC threads), not wall time
};
for (let i = 0; i < 3; i++) round(); // warm-up
const results = [];
const end = Date.now() + seconds * 1000;
const fixedRounds = Number(process.env.ROUNDS ?? 0); // ROUNDS=n: exactly n rounds (allocation counts with --trace-gc-nvp)
while (fixedRounds ? results.length < fixedRounds : Date.now() < end) results.push(round());
results.sort((a, b) => a - b);
console.log(`CPU ns/msg median ${results[results.length >> 1].toFixed(0)} min ${results[0].toFixed(0)} (${results.length} rounds of 50k)`);
