// bench/syslog flood: the fairness figure of issue 11 item 3. One source floods at --rate
// (default 50 000/s, 10× the per-source limit), --quiet sources send --quiet-rate (200/s) each,
// for --seconds, from their own loopback addresses (127.0.0.2 floods, 127.0.0.3… are quiet),
// into the Sonde syslog receiver (compiled dist, memory bus, default rate limit 5 000/s, burst
// 10 000). The sender is services/syslog-receiver/test/udp-flood-sender.js in its own process;
// this process is the receiver. One run per --modes entry, each with a fresh receiver:
//   off  udp.isolation.maxSources 0 (one shared socket: the behaviour before issue 11 item 3)
//   on   udp.isolation defaults (a flooding source gets a socket of its own)
//   w2   isolation on, udp.workers 2
// Prints per mode: quiet delivered %, drops by reason, kernel drops (by source), achieved rates,
// receiver CPU s; writes bench/syslog/results/flood-<time>.json.
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const root = path.resolve(__dirname, '../..');
const dist = path.join(root, 'services/syslog-receiver/dist');
const { SyslogReceiver } = require(path.join(dist, 'syslog-receiver.js'));
const { syslogReceiverConfigSchema } = require(path.join(dist, 'syslog-receiver.config.js'));
const { SyslogReceiverMetrics } = require(path.join(dist, 'syslog-receiver.metrics.js'));
const { MemoryEventBus } = require('@sonde/bus/memory/memory-event-bus');
const { busConfigSchema } = require('@sonde/bus/bus.config');
const { BusMetrics } = require('@sonde/bus/bus.metrics');
const { Inventory } = require('@sonde/inventory/inventory');
const { Registry } = require('prom-client');

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const RATE = Number(arg('rate', 50000));
const QUIET = Number(arg('quiet', 2));
const QUIET_RATE = Number(arg('quiet-rate', 200));
const SECONDS = Number(arg('seconds', 10));
const MODES = arg('modes', 'off,on,w2').split(',');
// --busy 0.5: the receiver's main thread is kept busy half of every 20 ms (other work, GC, a
// slow bus): the reader falls behind as on a loaded host, independent of this machine's load
const BUSY = Number(arg('busy', 0));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function run(mode) {
  let bus = new MemoryEventBus(busConfigSchema.parse({ memory: { queueCapacity: 100000 } }), { metrics: new BusMetrics(new Registry()) });
  const delivered = {};
  await bus.subscribe({
    group: 'bench', families: ['syslog'], maxBatchEvents: 5000, maxBatchWaitMs: 5,
    handler: async (b) => { for (const e of b.events) delivered[e.payload.hostname] = (delivered[e.payload.hostname] ?? 0) + 1; },
  });
  const registry = new Registry();
  const metrics = new SyslogReceiverMetrics(registry);
  const receiver = new SyslogReceiver(
    syslogReceiverConfigSchema.parse({
      udp: { hosts: ['127.0.0.1'], port: 0, workers: mode === 'w2' ? 2 : 0, isolation: mode === 'off' ? { maxSources: 0 } : {} },
      tcp: { enabled: false },
    }),
    {
      bus,
      resolver: new Inventory({ site: 'bench', sites: {}, credentials: {}, devices: [] }),
      counts: metrics,
      // the rate-limited log: one line per source and reason per minute
      log: { warn: (fields, msg) => process.stderr.write(`${mode}: ${msg} ${JSON.stringify(fields)}\n`) },
      origin: { site: 'bench', collector: 'bench' },
    },
  );
  const listening = await receiver.start();
  const sources = [{ name: 'flood', address: '127.0.0.2', rate: RATE }, ...Array.from({ length: QUIET }, (_, i) => ({ name: `quiet-${i + 1}`, address: `127.0.0.${i + 3}`, rate: QUIET_RATE }))];
  const busy = BUSY > 0 ? setInterval(() => { const until = Date.now() + 20 * BUSY; while (Date.now() < until); }, 20) : undefined;
  const cpu0 = process.cpuUsage();
  const sender = await new Promise((resolve, reject) =>
    execFile(process.execPath, [path.join(root, 'services/syslog-receiver/test/udp-flood-sender.js'), JSON.stringify({ port: listening.udp[0], seconds: SECONDS, sources })], (err, out, errOut) =>
      err ? reject(new Error(`${err.message} ${errOut}`)) : resolve(JSON.parse(out.trim().split('\n').pop()))),
  );
  if (busy) clearInterval(busy);
  const sent = Object.values(sender.sent).reduce((a, b) => a + b, 0);
  const value = async (name, labels = {}) =>
    ((await registry.getSingleMetric(name).get()).values ?? []).filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x)).reduce((s, v) => s + v.value, 0);
  // settle: until every datagram is read or counted by the kernel, or nothing moves for 1 s
  let last = -1;
  for (;;) {
    metrics.counts.flushCounts();
    const seen = (await value('sonde_syslog_received_total')) + receiver.kernelDrops.total();
    if (seen >= sent || seen === last) break;
    last = seen;
    await sleep(1000);
  }
  while (receiver.pendingEvents > 0) await sleep(50);
  await sleep(300);
  const cpu = process.cpuUsage(cpu0);
  metrics.counts.flushCounts();
  const dropped = (await registry.getSingleMetric('sonde_syslog_dropped_total').get()).values.filter((v) => v.value > 0).map((v) => ({ reason: v.labels.reason, stage: v.labels.stage, n: v.value }));
  const result = {
    mode,
    busy: BUSY,
    at: new Date().toISOString(),
    sender,
    received: await value('sonde_syslog_received_total'),
    published: await value('sonde_syslog_published_total'),
    dropped,
    kernelDrops: receiver.kernelDrops.total(),
    kernelDropsBySource: receiver.kernelDrops.bySource(),
    rateLimitedBySource: receiver.droppedBySource(),
    isolatedSources: receiver.udpIsolatedSources,
    delivered,
    quietDeliveredPct: Object.fromEntries(sources.slice(1).map((s) => [s.name, Math.round((100000 * (delivered[s.name] ?? 0)) / sender.sent[s.name]) / 1000])),
    unaccounted: sent - (await value('sonde_syslog_received_total')) - receiver.kernelDrops.total(),
    receiveBuffer: listening.udpReceiveBuffer,
    // this process only: with workers, their threads are included (process.cpuUsage is per process)
    receiverCpuSeconds: Math.round((cpu.user + cpu.system) / 1e4) / 100,
  };
  await receiver.stop();
  await bus.close();
  bus = undefined;
  return result;
}

async function main() {
  const results = [];
  for (const mode of MODES) {
    const r = await run(mode);
    results.push(r);
    const quiet = Object.entries(r.quietDeliveredPct).map(([k, v]) => `${k} ${v} %`).join(', ');
    process.stdout.write(
      `${mode.padEnd(3)}${BUSY ? ` busy ${BUSY}` : ''}  flood achieved ${r.sender.rates.flood}/s (asked ${RATE})  quiet delivered: ${quiet}  ` +
        `drops: ${r.dropped.map((d) => `${d.reason}/${d.stage} ${d.n}`).join(', ') || 'none'}  kernel ${r.kernelDrops} ` +
        `(${r.kernelDropsBySource.map((k) => `${k.source} ${k.dropped}`).join(', ') || '-'})  unaccounted ${r.unaccounted}  cpu ${r.receiverCpuSeconds} s\n`,
    );
  }
  const file = path.join(__dirname, 'results', `flood-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify({ rate: RATE, quiet: QUIET, quietRate: QUIET_RATE, seconds: SECONDS, load: require('node:os').loadavg(), results }, null, 2)}\n`);
  process.stdout.write(`raw: ${path.relative(root, file)}\n`);
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
