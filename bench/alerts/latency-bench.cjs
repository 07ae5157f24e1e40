// bench/alerts latency: time from an event entering the bus to the webhook receiving the
// notification, in one run, for
//   sonde-embedded  memory bus + memory StateStore + the notification stage in this process
//                   (the `sonde up` wiring): alert.state published → webhook
//   sonde-embedded-full  the built `sonde up --no-lab` (every service in one process, memory bus,
//                   chDB, default rules): the same linkDown trap events posted to its local
//                   /api/events (which publishes them on the memory bus) → evaluation → webhook
//   sonde-kafka     the built alert-engine process (services/alert-engine/dist/main.js) on real
//                   Kafka + Redis: alert.state published to sonde.alert.v1 → webhook
//   sonde-kafka-full the same process with its default rules: an SNMP linkDown `snmp.trap` event
//                   published to sonde.snmp.v1 → evaluation (rule trap-link-down, one series per
//                   ifIndex) → alert.state on sonde.alert.v1 → notification stage → webhook
//   prometheus-am   Debian's prometheus 2.42 scraping a target every 1 s, rule evaluation every
//                   1 s (`for: 0s`), Alertmanager 0.25 with group_wait 0s → webhook; the "event"
//                   is the target's sample flipping to 1
// Each alert is a new series (its own group: group_by ['...']), sent --spacing-ms apart, so no
// notification waits for another. Latency = webhook arrival − event time, one clock (this process).
//   node latency-bench.cjs [--alerts 100] [--spacing-ms 100] [--modes sonde-embedded,sonde-kafka,prometheus-am]
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { randomUUID } = require('node:crypto');

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const ALERTS = Number(arg('alerts', '100'));
const SPACING = Number(arg('spacing-ms', '100'));
const MODES = arg('modes', 'sonde-embedded,sonde-embedded-full,sonde-kafka,sonde-kafka-full,prometheus-am').split(',');
const ROOT = path.join(__dirname, '../..');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const run = randomUUID().slice(0, 8);

const { createEventBus } = require('@sonde/bus/create-event-bus');
const { busConfigSchema } = require('@sonde/bus/bus.config');
const { BusMetrics } = require('@sonde/bus/bus.metrics');
const { createEvent } = require('@sonde/events/create-event');
const { MemoryStateStore } = require('@sonde/state/memory/memory-state-store');
const { notifyConfigSchema } = require('@sonde/alert-engine/notify/notify.config');
const { NotifyStage } = require('@sonde/alert-engine/notify/notify-stage');
const { RouteTree } = require('@sonde/alert-engine/notify/route-tree');
const { Registry } = require('prom-client');

async function freePort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

/** Webhook receiver: records the arrival time of the first notification of each alert id. */
async function receiver() {
  const arrivals = new Map();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const now = Date.now();
      try {
        for (const a of JSON.parse(body).alerts) {
          // bench_id: alert.state published by the bench; ifIndex: the trap-link-down rule's series (full path).
          const id = a.labels.bench_id ?? (a.labels.alertname === 'LinkDownTrap' ? `if-${a.labels.ifIndex}` : undefined);
          if (a.status === 'firing' && id !== undefined && !arrivals.has(id)) arrivals.set(id, now);
        }
      } catch {}
      res.writeHead(200).end();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { arrivals, url: `http://127.0.0.1:${server.address().port}/hook`, close: () => new Promise((r) => server.close(r)) };
}

function stats(name, sent, arrivals) {
  const lat = [];
  for (const [id, t] of sent) if (arrivals.has(id)) lat.push(arrivals.get(id) - t);
  lat.sort((a, b) => a - b);
  const q = (p) => (lat.length ? lat[Math.min(lat.length - 1, Math.ceil(p * lat.length) - 1)] : null);
  return { mode: name, alerts: sent.size, received: lat.length, p50Ms: q(0.5), p90Ms: q(0.9), p99Ms: q(0.99), maxMs: lat.length ? lat[lat.length - 1] : null, latenciesMs: lat };
}

const ROUTE = { receiver: 'hook', group_by: ['...'], group_wait: '0s', group_interval: '1s', repeat_interval: '24h' };
const tree = new RouteTree(notifyConfigSchema.parse({ route: ROUTE, receivers: [{ name: 'hook', notifiers: [{ type: 'log' }] }] }).route);

function alertEvent(mode, i) {
  const labels = { alertname: 'BenchLatency', bench_id: `${mode}-${i}`, device: `d${i % 20}`, site: 'lab', severity: 'warning' };
  const now = Date.now();
  return createEvent('alert.state', { site: 'lab', collector: 'bench' }, { id: `d${i % 20}`, address: '10.0.0.1' }, {
    ruleId: 'bench', ruleName: 'BenchLatency', state: 'firing', severity: 'warning', fingerprint: `bench-${run}-${mode}-${i}`, since: now, summary: 'bench',
    labels, annotations: {}, startsAt: now, inhibitedBy: [], flapping: false, transition: 'firing', transitionId: `bench-${run}-${mode}-${i}:1`, groupKey: tree.groupKeyOf(labels),
  }, now);
}

async function waitAll(sent, arrivals, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while ([...sent.keys()].some((id) => !arrivals.has(id)) && Date.now() < end) await sleep(20);
}

async function publishSeries(mode, bus, rx) {
  const sent = new Map();
  for (let i = 0; i < ALERTS; i++) {
    const e = alertEvent(mode, i);
    sent.set(`${mode}-${i}`, Date.now());
    await bus.publish([e]);
    await sleep(SPACING);
  }
  await waitAll(sent, rx.arrivals, 30_000);
  return stats(mode, sent, rx.arrivals);
}

async function sondeEmbedded() {
  const rx = await receiver();
  const bus = await createEventBus(busConfigSchema.parse({ type: 'memory' }), { metrics: new BusMetrics(new Registry()) });
  const state = new MemoryStateStore();
  const config = notifyConfigSchema.parse({ route: ROUTE, receivers: [{ name: 'hook', notifiers: [{ type: 'webhook', url: rx.url }] }], maxBatchWaitMs: 5 });
  const logger = { info() {}, warn(f, m) { console.error(m, f); } };
  const stage = new NotifyStage({ config, state, inventory: { credentialOfType() { throw new Error('none'); } }, registry: new Registry(), logger, holder: 'bench' });
  stage.dispatcher.start();
  // The subscription AlertNotifyConsumer makes (Nest glue), without Nest.
  const sub = await bus.subscribe({ group: config.group, families: ['alert'], maxBatchEvents: config.maxBatchEvents, maxBatchWaitMs: config.maxBatchWaitMs, handler: (b) => stage.dispatcher.ingest(b.events.filter((e) => e.kind === 'alert.state')) });
  // Warm-up: one alert through the whole chain (JIT, first connection) before timing.
  await bus.publish([alertEvent('warmup', 0)]);
  for (let i = 0; !rx.arrivals.has('warmup-0'); i++) { if (i > 300) throw new Error('embedded warm-up alert never arrived'); await sleep(10); }
  const result = await publishSeries('sonde-embedded', bus, rx);
  await sub.close();
  await stage.dispatcher.stop();
  await bus.close();
  await state.close();
  await rx.close();
  return result;
}

function trapEvent(i) {
  const now = Date.now();
  return createEvent('snmp.trap', { site: 'lab', collector: 'bench' }, { id: 'bench-dev', address: '10.0.0.1' }, {
    version: 'v2c', pdu: 'trap', trapOid: '1.3.6.1.6.3.1.1.5.3', trapName: 'IF-MIB::linkDown', source: { address: '10.0.0.1', port: 162 }, security: { community: 'public' },
    varbinds: [
      { oid: `1.3.6.1.2.1.2.2.1.1.${i}`, name: `IF-MIB::ifIndex.${i}`, type: 'INTEGER', value: String(i) },
      { oid: `1.3.6.1.2.1.2.2.1.8.${i}`, name: `IF-MIB::ifOperStatus.${i}`, type: 'INTEGER', value: '2', display: 'down(2)' },
    ],
  }, now, now);
}

/** `sonde up --no-lab` with its default rules: trap events in through /api/events. */
async function sondeEmbeddedFull() {
  const mode = 'sonde-embedded-full';
  const rx = await receiver();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sonde-bench-up-'));
  const port = await freePort();
  fs.writeFileSync(path.join(dir, 'sonde.yaml'), JSON.stringify({
    site: 'lab',
    clickhouseHttp: { port: 0 },
    alertEngine: { maxBatchWaitMs: 10, notify: { route: ROUTE, receivers: [{ name: 'hook', notifiers: [{ type: 'webhook', url: rx.url }] }], maxBatchWaitMs: 5 } },
  }));
  const child = spawn(process.execPath, [path.join(ROOT, 'services/standalone/dist/main.js'), 'up', '--no-lab', '--plain', '--port', String(port), '--config', path.join(dir, 'sonde.yaml'), '--data', path.join(dir, 'data')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const post = (events) => fetch(`http://127.0.0.1:${port}/api/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events) }).then((r) => { if (!r.ok) throw new Error(`/api/events ${r.status}`); });
  try {
    const warm = new Map();
    for (let i = 0; warm.size === 0 || [...warm.keys()].some((id) => !rx.arrivals.has(id)); i++) {
      if (child.exitCode !== null) throw new Error(`sonde up exited ${child.exitCode}: ${out.slice(-3000)}`);
      if (i > 1200) throw new Error(`sonde up never notified the warm-up alert: ${out.slice(-3000)}`);
      if (i % 20 === 0) {
        const w = 90000 + i;
        try {
          await post([trapEvent(w)]);
          warm.set(`if-${w}`, Date.now());
        } catch {} // not listening yet
      }
      await sleep(100);
    }
    const sent = new Map();
    for (let i = 0; i < ALERTS; i++) {
      const e = trapEvent(100000 + i);
      sent.set(`if-${100000 + i}`, Date.now());
      await post([e]);
      await sleep(SPACING);
    }
    await waitAll(sent, rx.arrivals, 30_000);
    return stats(mode, sent, rx.arrivals);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
    await rx.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The built alert-engine on Kafka + Redis; `full` runs its default rules and times from a trap. */
async function sondeKafka(full) {
  const mode = full ? 'sonde-kafka-full' : 'sonde-kafka';
  const rx = await receiver();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sonde-bench-alerts-'));
  const brokers = (process.env.SONDE_TEST_KAFKA_BROKERS || '127.0.0.1:9092').split(',');
  const prefix = `benchalerts-${mode}-${run}`;
  const busSection = { type: 'kafka', kafka: { brokers, topicPrefix: `${prefix}-`, partitions: 6, consumer: { minBytes: 1, maxBatchWaitMs: 10 }, producer: { lingerMs: 0 } } };
  const file = path.join(dir, 'engine.json');
  fs.writeFileSync(file, JSON.stringify({
    site: 'lab', instance: 'bench',
    telemetry: { http: { port: 0 }, logLevel: 'warn' },
    bus: { ...busSection, kafka: { ...busSection.kafka, spool: { dir: path.join(dir, 'spool-engine') } } },
    state: { type: 'redis', redis: { url: process.env.SONDE_TEST_REDIS_URL || 'redis://127.0.0.1:6379', keyPrefix: `${prefix}:` } },
    alertEngine: { defaultRules: full, maxBatchWaitMs: 10, notify: { group: `bench-notify-${run}`, route: ROUTE, receivers: [{ name: 'hook', notifiers: [{ type: 'webhook', url: rx.url }] }], maxBatchWaitMs: 10 } },
  }));
  const child = spawn(process.execPath, [path.join(ROOT, 'services/alert-engine/dist/main.js'), '--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const bus = await createEventBus(busConfigSchema.parse({ ...busSection, kafka: { ...busSection.kafka, spool: { dir: path.join(dir, 'spool-bench') } } }), { metrics: new BusMetrics(new Registry()) });
  const event = (i) => (full ? trapEvent(100000 + i) : alertEvent(mode, i));
  const idOf = (i) => (full ? `if-${100000 + i}` : `${mode}-${i}`);
  try {
    // Warm-up: the consumer groups must have joined before timing starts.
    const warm = new Map();
    for (let i = 0; warm.size === 0 || [...warm.keys()].some((id) => !rx.arrivals.has(id)); i++) {
      if (child.exitCode !== null) throw new Error(`alert-engine exited ${child.exitCode}: ${out}`);
      if (i > 900) throw new Error(`alert-engine never notified the warm-up alert: ${out.slice(-3000)}`);
      if (i % 20 === 0) {
        const w = 90000 + i;
        warm.set(full ? `if-${w}` : `warmup-${w}`, Date.now());
        await bus.publish([full ? trapEvent(w) : alertEvent('warmup', w)]);
      }
      await sleep(100);
    }
    const sent = new Map();
    for (let i = 0; i < ALERTS; i++) {
      sent.set(idOf(i), Date.now());
      await bus.publish([event(i)]);
      await sleep(SPACING);
    }
    await waitAll(sent, rx.arrivals, 30_000);
    return stats(mode, sent, rx.arrivals);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
    await bus.close();
    await rx.close();
  }
}

async function prometheusAm() {
  const rx = await receiver();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sonde-bench-prom-'));
  const value = new Map();
  const target = http.createServer((req, res) => {
    let text = '# TYPE bench_alert gauge\n';
    for (const [id, v] of value) text += `bench_alert{bench_id="${id}"} ${v}\n`;
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text);
  });
  await new Promise((r) => target.listen(0, '127.0.0.1', r));
  const [promPort, amPort] = [await freePort(), await freePort()];
  fs.writeFileSync(path.join(dir, 'am.yml'), `route: { receiver: hook, group_by: ['...'], group_wait: 0s, group_interval: 1s, repeat_interval: 24h }\nreceivers: [{ name: hook, webhook_configs: [{ url: '${rx.url}', send_resolved: false }] }]\n`);
  fs.writeFileSync(path.join(dir, 'rules.yml'), 'groups: [{ name: bench, interval: 1s, rules: [{ alert: BenchLatency, expr: "bench_alert == 1", for: 0s }] }]\n');
  fs.writeFileSync(path.join(dir, 'prom.yml'), `global: { scrape_interval: 1s, evaluation_interval: 1s }\nrule_files: ['${dir}/rules.yml']\nalerting: { alertmanagers: [{ static_configs: [{ targets: ['127.0.0.1:${amPort}'] }] }] }\nscrape_configs: [{ job_name: bench, static_configs: [{ targets: ['127.0.0.1:${target.address().port}'] }] }]\n`);
  const am = spawn('prometheus-alertmanager', [`--config.file=${dir}/am.yml`, `--storage.path=${dir}/am`, `--web.listen-address=127.0.0.1:${amPort}`, '--cluster.listen-address='], { stdio: 'ignore' });
  const prom = spawn('prometheus', [`--config.file=${dir}/prom.yml`, `--storage.tsdb.path=${dir}/prom`, `--web.listen-address=127.0.0.1:${promPort}`], { stdio: 'ignore' });
  try {
    const ready = async (url) => { for (let i = 0; i < 300; i++) { try { if ((await fetch(url)).ok) return; } catch {} await sleep(100); } throw new Error(`${url} not ready`); };
    await ready(`http://127.0.0.1:${amPort}/-/ready`);
    await ready(`http://127.0.0.1:${promPort}/-/ready`);
    for (let i = 0; i < ALERTS; i++) value.set(`prometheus-am-${i}`, 0);
    // Warm-up: one alert through the whole chain before timing.
    value.set('warmup', 1);
    for (let i = 0; !rx.arrivals.has('warmup'); i++) { if (i > 600) throw new Error('prometheus/alertmanager never notified the warm-up alert'); await sleep(100); }
    const sent = new Map();
    for (let i = 0; i < ALERTS; i++) {
      const id = `prometheus-am-${i}`;
      sent.set(id, Date.now());
      value.set(id, 1);
      await sleep(SPACING);
    }
    await waitAll(sent, rx.arrivals, 30_000);
    return stats('prometheus-am', sent, rx.arrivals);
  } finally {
    for (const c of [prom, am]) { c.kill('SIGTERM'); await new Promise((r) => (c.exitCode !== null ? r() : c.once('exit', r))); }
    await new Promise((r) => target.close(r));
    await rx.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

(async () => {
  const impl = { 'sonde-embedded': sondeEmbedded, 'sonde-embedded-full': sondeEmbeddedFull, 'sonde-kafka': () => sondeKafka(false), 'sonde-kafka-full': () => sondeKafka(true), 'prometheus-am': prometheusAm };
  const results = [];
  for (const m of MODES) {
    process.stderr.write(`bench/alerts latency: ${m} …\n`);
    results.push(await impl[m]());
  }
  const pam = results.find((r) => r.mode === 'prometheus-am');
  console.log('mode                 alerts  received  p50 ms  p90 ms  p99 ms  max ms  p99 vs prometheus-am');
  for (const r of results) {
    const ratio = pam && pam.p99Ms && r.p99Ms !== null ? (pam.p99Ms / r.p99Ms).toFixed(1) + '× lower' : '';
    console.log(`${r.mode.padEnd(20)} ${String(r.alerts).padStart(6)}  ${String(r.received).padStart(8)}  ${String(r.p50Ms).padStart(6)}  ${String(r.p90Ms).padStart(6)}  ${String(r.p99Ms).padStart(6)}  ${String(r.maxMs).padStart(6)}  ${r.mode === 'prometheus-am' ? '' : ratio}`);
  }
  const outDir = path.join(__dirname, 'results');
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `latency-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), command: `bench/alerts/latency.sh ${process.argv.slice(2).join(' ')}`.trim(), host: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version }, alerts: ALERTS, spacingMs: SPACING, results }, null, 1));
  console.log(`raw results: ${path.relative(ROOT, file)}`);
  process.exit(0);
})().catch((err) => { console.error(err); process.exit(1); });
