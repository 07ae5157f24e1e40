// bench/pipeline: the whole distributed pipeline under a sustained load, every stage its own
// process, as test/e2e/distributed.int-spec.ts starts them (services/<name>/dist/main.js
// --config <yaml>, real Kafka with a per-run topic prefix):
//
//   udp-generator syslog ─UDP→ syslog-receiver ─┐
//   udp-generator trap   ─UDP→ trap-receiver   ─┼→ Kafka → event-writer → chDB (rollup views on)
//   lab SNMP agents ←poll─ snmp-poller         ─┘
//
// One step per rate in --rates (fresh topics, fresh chDB, fresh services each). Per step:
//   input rate per source   what each generator achieved (sent / its sending time)
//   zero loss               rows per kind counted in the store by query after the writer drained
//                           (syslog_message, snmp_trap: rows = datagrams sent; snmp_metric:
//                           distinct event ids = events the poller published)
//   CPU per event per stage utime+stime from /proc/<pid>/stat of every process, from the first
//                           datagram to the drained writer, divided by the events of that stage
//   latency                 send → stored (insert acknowledged, so queryable): the n-th datagram
//                           sent of a kind against the moment the writer's
//                           sonde_event_writer_events_written_total{kind} passed n (polled every
//                           --poll-ms); see RESULTS.md for what this does and does not measure
//   RSS                     VmRSS of every process, sampled every second (max) and VmHWM
//
//   node run-bench.cjs [--rates 50000] [--seconds 60] [--syslog-share 0.7] [--lab-devices 10]
//        [--lab-interval-ms 5000] [--kafka-client platformatic|kafkajs] [--compression none|gzip|zstd] [--partitions 6]
//        [--drain-timeout 120] [--poll-ms 200]
// Needs SONDE_TEST_KAFKA_BROKERS, the build, and Debian's snmptrap (to capture the trap datagram).
const { spawn } = require('node:child_process');
const { randomUUID } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const { cpuSeconds, freeUdpPort, captureTrap } = require('../lib/bench-util.cjs');
const YAML = require('yaml');

const ROOT = path.join(__dirname, '../..');
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const RATES = arg('rates', '50000').split(',').map(Number);
const SECONDS = Number(arg('seconds', '60'));
const SYSLOG_SHARE = Number(arg('syslog-share', '0.7'));
const LAB_DEVICES = Number(arg('lab-devices', '10'));
const LAB_INTERVAL_MS = Number(arg('lab-interval-ms', '5000'));
const KAFKA_CLIENT = arg('kafka-client', 'platformatic'); // the product's default
// bus.kafka.producer.compression of every service (unset: the bus default, none)
const COMPRESSION = arg('compression', '');
const PARTITIONS = Number(arg('partitions', '6'));
const DRAIN_TIMEOUT_S = Number(arg('drain-timeout', '120'));
const POLL_MS = Number(arg('poll-ms', '200'));
// the syslog receiver's UDP source isolation (its default, on) or off: tells a loss it causes from one it does not
const SYSLOG_ISOLATION = arg('syslog-isolation', 'on');
if (!['on', 'off'].includes(SYSLOG_ISOLATION)) throw new Error(`--syslog-isolation: on or off, not ${SYSLOG_ISOLATION}`);

/**
 * The machine's UDP counters (/proc/net/snmp "Udp:") and softnet backlog drops
 * (/proc/net/softnet_stat, 2nd column per CPU): a datagram lost in the kernel is counted here
 * even where no socket's counter names it. Machine-wide: other processes' traffic counts too.
 */
function kernelUdpCounters() {
  const lines = fs.readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((l) => l.startsWith('Udp:'));
  const names = lines[0].split(/\s+/).slice(1);
  const values = lines[1].split(/\s+/).slice(1).map(Number);
  const udp = Object.fromEntries(names.map((n, i) => [n, values[i]]));
  const softnetDropped = fs.readFileSync('/proc/net/softnet_stat', 'utf8').trim().split('\n').reduce((n, l) => n + parseInt(l.split(/\s+/)[1], 16), 0);
  return { InDatagrams: udp.InDatagrams, InErrors: udp.InErrors, RcvbufErrors: udp.RcvbufErrors, MemErrors: udp.MemErrors, SndbufErrors: udp.SndbufErrors, softnetDropped };
}
const BROKERS = (process.env.SONDE_TEST_KAFKA_BROKERS ?? '').split(',').filter(Boolean);
const KAFKA_PID = Number(fs.readFileSync(path.join(process.env.SONDE_SERVICES_DIR ?? '/tmp/sonde-services', 'kafka/pid'), 'utf8').trim());
const FAMILIES = ['icmp', 'snmp', 'syslog', 'rmon'];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (m) => process.stderr.write(`bench/pipeline ${new Date().toISOString().slice(11, 19)} ${m}\n`);

/** every child this run started: killed on any exit (Ctrl-C, failure) */
const children = new Set();
const killAll = () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
};
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => process.exit(130));

function memory(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? NaN);
    return { rssMB: kb('VmRSS') / 1024, hwmMB: kb('VmHWM') / 1024 };
  } catch {
    return { rssMB: NaN, hwmMB: NaN };
  }
}

function track(name, child) {
  children.add(child);
  let out = '';
  const keep = (d) => {
    out += d.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stderr?.on('data', keep);
  const p = { name, child, pid: child.pid, out: () => out, exited: new Promise((r) => child.on('exit', (code, sig) => r(code ?? sig))) };
  return { p, keep };
}

/** A service from its build, configured by a YAML file (the product's own loader). */
function service(dir, name, svc, config) {
  const file = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(file, YAML.stringify({ ...config, instance: name, telemetry: { http: { port: 0 }, logLevel: 'info' } }));
  const child = spawn(process.execPath, [path.join(ROOT, `services/${svc}/dist/main.js`), '--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  const { p, keep } = track(name, child);
  child.stdout.on('data', keep);
  return p;
}

async function until(what, probe, timeoutMs, procs = []) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out (${timeoutMs} ms) waiting for ${what}\n${procs.map((p) => `--- ${p.name}\n${p.out().slice(-1500)}`).join('\n')}`);
    await sleep(200);
  }
}

async function started(p) {
  p.url = await until(`${p.name} to start`, () => {
    if (p.child.exitCode !== null) throw new Error(`${p.name} exited ${p.child.exitCode}:\n${p.out().slice(-3000)}`);
    return /"url":"([^"]+)"[^\n]*started/.exec(p.out())?.[1]?.replace('[::1]', '127.0.0.1');
  }, 240_000, [p]);
  return p.url;
}

/** Prometheus text → { "name{labels}": value } for Sonde's counters and gauges. */
async function metrics(p) {
  const text = await (await fetch(`${p.url}/metrics`)).text();
  const out = {};
  for (const m of text.matchAll(/^(sonde_[a-z_]+(?:\{[^}]*\})?) (\S+)$/gm)) out[m[1]] = Number(m[2]);
  return out;
}
const sum = (m, name, filter = () => true) => Object.entries(m).filter(([k]) => (k === name || k.startsWith(`${name}{`)) && filter(k)).reduce((a, [, v]) => a + v, 0);
const pick = (m, re) => Object.fromEntries(Object.entries(m).filter(([k]) => re.test(k) && m[k] !== 0));

/** A child printing JSON lines; `lines` collects them, `first` resolves with the first. */
function jsonChild(name, args) {
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], cwd: ROOT });
  const { p } = track(name, child);
  p.lines = [];
  p.first = new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).on('line', (l) => {
      try {
        const v = JSON.parse(l);
        p.lines.push(v);
        if (p.lines.length === 1) resolve(v);
      } catch {
        // not ours
      }
    });
    child.on('exit', (code) => reject(new Error(`${name} exited ${code}: ${p.out().slice(-2000)}`)));
  });
  return p;
}

const quantile = (sorted, q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN);

/**
 * Send → stored latency from two cumulative curves: the generator's sent(t) (every 100 ms) and
 * the writer's written(t) for that kind (every POLL_MS). For n spread over the stored events,
 * latency(n) = first poll where written ≥ n − time sent passed n. Matching the n-th sent with the
 * n-th stored assumes order, which holds per partition; across partitions it is a close estimate.
 */
function curveLatency(sent, written, n) {
  if (!n || sent.length < 2 || !written.length) return null;
  const sentAt = (k) => {
    let i = sent.findIndex((s) => s.sent >= k);
    if (i < 0) return NaN;
    if (i === 0) return sent[0].t;
    const a = sent[i - 1];
    const b = sent[i];
    return a.t + ((b.t - a.t) * (k - a.sent)) / Math.max(1, b.sent - a.sent);
  };
  const lat = [];
  let j = 0;
  for (let s = 1; s <= 1000; s++) {
    const k = Math.ceil((s * n) / 1000);
    while (j < written.length && written[j].n < k) j++;
    if (j >= written.length) break;
    lat.push(written[j].t - sentAt(k));
  }
  lat.sort((a, b) => a - b);
  return { samples: lat.length, p50Ms: Math.round(quantile(lat, 0.5)), p99Ms: Math.round(quantile(lat, 0.99)), maxMs: Math.round(lat[lat.length - 1]), resolutionMs: POLL_MS };
}

async function step(rate, datagram) {
  const run = randomUUID().slice(0, 8);
  const prefix = `bench-pipe-${run}-`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sonde-bench-pipeline-'));
  const { Kafka, logLevel } = require('kafkajs');
  const { createTopicsWithLeaders } = require('@sonde/bus/kafka/topic-leaders');
  const admin = new Kafka({ clientId: 'bench-pipeline', brokers: BROKERS, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const topics = FAMILIES.map((f) => `${prefix}sonde.${f}.v1`);
  await createTopicsWithLeaders(admin, topics.map((topic) => ({ topic, numPartitions: PARTITIONS })));
  const group = `bench-pipe-writer-${run}`;
  const procs = [];
  try {
    const lab = jsonChild('lab', [path.join(__dirname, 'lab-process.cjs'), String(LAB_DEVICES), '4']);
    procs.push(lab);
    const labInfo = await lab.first;
    const trapPort = await freeUdpPort();
    const syslogPort = await freeUdpPort();
    const busFor = (name) => ({ type: 'kafka', kafka: { client: KAFKA_CLIENT, brokers: BROKERS, topicPrefix: prefix, partitions: PARTITIONS, spool: { dir: path.join(dir, `spool-${name}`) }, ...(COMPRESSION ? { producer: { compression: COMPRESSION } } : {}) } });
    const core = {
      site: `bench-${run}`,
      credentials: { lab: { type: 'snmp-community', community: { value: labInfo.community } }, bench: { type: 'snmp-community', community: { value: 'public' } } },
      devices: labInfo.devices.map((d) => ({ id: d.id, name: d.name, address: d.address, snmp: { version: 'v2c', port: d.port, credential: 'lab' } })),
    };
    const chdbPath = path.join(dir, 'chdb');
    const writer = service(dir, 'event-writer', 'event-writer', { ...core, bus: busFor('writer'), store: { type: 'chdb', chdb: { path: chdbPath } }, eventWriter: { group, families: FAMILIES } });
    // the load comes from one or four source sockets: the per-source limiters would be the
    // bottleneck otherwise, and they are not what this bench measures
    const syslog = service(dir, 'syslog-receiver', 'syslog-receiver', { ...core, bus: busFor('syslog'), syslogReceiver: { udp: { hosts: ['127.0.0.1'], port: syslogPort, ...(SYSLOG_ISOLATION === 'off' ? { isolation: { maxSources: 0 } } : {}) }, tcp: { enabled: false }, rateLimit: { messagesPerSecond: 0 } } });
    const traps = service(dir, 'trap-receiver', 'trap-receiver', { ...core, bus: busFor('traps'), trapReceiver: { listen: [{ address: '127.0.0.1', port: trapPort }], communities: ['bench'], rateLimit: { perSourcePerSecond: 1e9, perSourceBurst: 1e9, globalPerSecond: 1e9, globalBurst: 1e9, maxSources: 100 } } });
    const poller = service(dir, 'snmp-poller', 'snmp-poller', { ...core, bus: busFor('poller'), snmpPoller: { intervalMs: LAB_INTERVAL_MS } });
    const services = [writer, syslog, traps, poller];
    procs.push(...services);
    for (const p of services) await started(p);
    log(`step ${rate}/s: services up (${services.map((p) => `${p.name} ${p.pid}`).join(', ')})`);
    // the poller polls from its start: its count is taken from here on, as its CPU is
    await sleep(2000);

    // generators exit before the drain ends: they report their own CPU and RSS
    const stages = () => [
      ...procs.filter((p) => !p.name.endsWith('-generator')).map((p) => ({ name: p.name, pid: p.pid })),
      { name: 'kafka', pid: KAFKA_PID },
    ];
    const loadStart = os.loadavg();
    const kernelStart = kernelUdpCounters();
    const syslogRate = Math.round(rate * SYSLOG_SHARE);
    const trapRate = rate - syslogRate;
    const m0 = { poller: await metrics(poller), writer: await metrics(writer) };
    const gens = [
      jsonChild('syslog-generator', [path.join(__dirname, 'udp-generator.cjs'), 'syslog', String(syslogPort), String(syslogRate), String(SECONDS), '4']),
      jsonChild('trap-generator', [path.join(__dirname, 'udp-generator.cjs'), 'trap', String(trapPort), String(trapRate), String(SECONDS), datagram.toString('hex')]),
    ];
    procs.push(...gens);
    const cpu0 = Object.fromEntries(stages().map((s) => [s.name, cpuSeconds(s.pid)]));
    const t0 = Date.now();
    const rssMax = {};
    const written = { 'syslog.message': [], 'snmp.trap': [], 'snmp.metric': [] };
    let sampling = true;
    const sampler = (async () => {
      let lastRss = 0;
      while (sampling) {
        const t = Date.now();
        try {
          const w = await metrics(writer);
          for (const kind of Object.keys(written)) written[kind].push({ t, n: sum(w, 'sonde_event_writer_events_written_total', (k) => k.includes(`kind="${kind}"`)) - sum(m0.writer, 'sonde_event_writer_events_written_total', (k) => k.includes(`kind="${kind}"`)) });
        } catch {
          // the writer is being stopped
        }
        if (t - lastRss >= 1000) {
          lastRss = t;
          for (const s of stages()) rssMax[s.name] = Math.max(rssMax[s.name] ?? 0, memory(s.pid).rssMB || 0);
        }
        await sleep(Math.max(0, POLL_MS - (Date.now() - t)));
      }
    })();
    await Promise.all(gens.map((g) => g.exited));
    const sendSeconds = (Date.now() - t0) / 1000;
    const sentSyslog = gens[0].lines.find((l) => l.done);
    const sentTraps = gens[1].lines.find((l) => l.done);
    log(`step ${rate}/s: sent syslog ${sentSyslog?.sent} in ${sentSyslog?.seconds.toFixed(1)} s, traps ${sentTraps?.sent} in ${sentTraps?.seconds.toFixed(1)} s; draining`);
    const cpuSend = Object.fromEntries(stages().map((s) => [s.name, cpuSeconds(s.pid) - cpu0[s.name]]));
    for (const [g, done] of [['syslog-generator', sentSyslog], ['trap-generator', sentTraps]]) cpuSend[g] = done.cpuSeconds;

    // the poller stops with the senders: it publishes metric events every interval, so with it
    // running the group was never at lag 0 for long and a step with any datagram lost never
    // counted as drained, whatever the writer did
    const m1 = { poller: await metrics(poller) };
    const pollerEnd = { cpu: cpuSeconds(poller.child.pid) - cpu0['snmp-poller'], mem: { ...memory(poller.child.pid), rssMaxMB: rssMax['snmp-poller'] ?? null } };
    poller.child.kill('SIGTERM');
    await poller.exited;

    // drained: every datagram stored, or nothing moved for 10 s with the writer's group at lag 0
    const lag = async () => {
      const committed = await admin.fetchOffsets({ groupId: group, topics });
      let total = 0;
      for (const t of topics) {
        const mine = committed.find((c) => c.topic === t)?.partitions ?? [];
        for (const p of await admin.fetchTopicOffsets(t)) total += Number(p.high) - Math.max(0, Number(mine.find((m) => m.partition === p.partition)?.offset ?? -1));
      }
      return total;
    };
    const last = (kind) => written[kind].at(-1)?.n ?? 0;
    let stillSince = Date.now();
    let prev = -1;
    const drainStart = Date.now();
    let drained = false;
    while (Date.now() - drainStart < DRAIN_TIMEOUT_S * 1000) {
      const now = last('syslog.message') + last('snmp.trap');
      if (last('syslog.message') >= sentSyslog.sent && last('snmp.trap') >= sentTraps.sent) {
        drained = true;
        break;
      }
      if (now !== prev) stillSince = Date.now();
      prev = now;
      if (Date.now() - stillSince > 10_000 && (await lag().catch(() => -1)) === 0) {
        drained = true;
        break;
      }
      await sleep(500);
    }
    const drainSeconds = (Date.now() - drainStart) / 1000;
    for (const [name, p] of [['syslog', syslog], ['traps', traps]]) m1[name] = await metrics(p);
    const cpuEnd = Object.fromEntries(stages().map((s) => [s.name, cpuSeconds(s.pid) - cpu0[s.name]]));
    const mem = Object.fromEntries(stages().map((s) => [s.name, { ...memory(s.pid), rssMaxMB: rssMax[s.name] ?? null }]));
    cpuEnd['snmp-poller'] = pollerEnd.cpu;
    mem['snmp-poller'] = pollerEnd.mem;
    for (const [g, done] of [['syslog-generator', sentSyslog], ['trap-generator', sentTraps]]) {
      cpuEnd[g] = done.cpuSeconds;
      mem[g] = { rssMaxMB: done.maxRssMB };
    }
    await sleep(3000); // the writer's last batch of metric events (maxBatchWaitMs 1 s)
    m1.writer = await metrics(writer);
    sampling = false;
    await sampler;
    for (const p of [syslog, traps, lab]) p.child.kill('SIGTERM');
    writer.child.kill('SIGTERM');
    const writerExit = await writer.exited;
    await Promise.all([syslog, traps, lab].map((p) => p.exited));

    // the store: rows per kind, by query (chDB binds one folder per process: the writer has exited)
    const { createEventStore } = require('@sonde/store/clickhouse/create-event-store');
    const store = createEventStore({ type: 'chdb', chdb: { path: chdbPath } });
    let stored;
    try {
      const q = async (sql) => Number(Object.values((await store.query(sql))[0] ?? {})[0]);
      stored = {
        syslogRows: await q('SELECT count() FROM syslog_message'),
        syslogIds: await q('SELECT uniqExact(id) FROM syslog_message'),
        trapRows: await q('SELECT count() FROM snmp_trap'),
        trapIds: await q('SELECT uniqExact(id) FROM snmp_trap'),
        metricEvents: await q('SELECT uniqExact(id) FROM snmp_metric'),
        metricRows: await q('SELECT count() FROM snmp_metric'),
      };
    } finally {
      await store.close();
    }
    // published before its SIGTERM; a cycle in flight then may still add a few (stored ≥ published)
    const pollerPublished = sum(m1.poller, 'sonde_snmp_poller_events_published_total');
    const pollerEvents = pollerPublished - sum(m0.poller, 'sonde_snmp_poller_events_published_total');
    const syslogIn = sum(m1.syslog, 'sonde_syslog_received_total');
    const trapsIn = sum(m1.traps, 'sonde_trap_received_total');
    const totalEvents = stored.syslogRows + stored.trapRows + pollerEvents;
    const perEvent = (cpu, n) => (n > 0 ? Math.round((cpu * 1e6) / n * 10) / 10 : null);
    const stageEvents = {
      'syslog-generator': sentSyslog.sent,
      'trap-generator': sentTraps.sent,
      'syslog-receiver': syslogIn,
      'trap-receiver': trapsIn,
      'snmp-poller': pollerEvents,
      lab: pollerEvents,
      kafka: totalEvents,
      'event-writer': totalEvents,
    };
    const cpu = Object.fromEntries(Object.keys(cpuEnd).map((k) => [k, {
      cpuSecondsSend: Math.round(cpuSend[k] * 100) / 100,
      cpuSecondsTotal: Math.round(cpuEnd[k] * 100) / 100,
      coresDuringSend: Math.round((cpuSend[k] / sendSeconds) * 100) / 100,
      events: stageEvents[k] ?? null,
      usPerEvent: perEvent(cpuEnd[k], stageEvents[k]),
    }]));
    const sentCurve = (g) => g.lines.filter((l) => !l.done);
    const result = {
      rate, syslogRate, trapRate, seconds: SECONDS, kafkaClient: KAFKA_CLIENT, compression: COMPRESSION || 'default (none)', partitions: PARTITIONS, labDevices: LAB_DEVICES, labIntervalMs: LAB_INTERVAL_MS,
      loadavgStart: loadStart.map((x) => Math.round(x * 100) / 100), loadavgEnd: os.loadavg().map((x) => Math.round(x * 100) / 100),
      achieved: {
        syslog: { sent: sentSyslog.sent, seconds: sentSyslog.seconds, perSecond: Math.round(sentSyslog.sent / sentSyslog.seconds) },
        traps: { sent: sentTraps.sent, seconds: sentTraps.seconds, perSecond: Math.round(sentTraps.sent / sentTraps.seconds) },
        lab: { events: pollerEvents, published: pollerPublished, perSecond: Math.round(pollerEvents / (sendSeconds + drainSeconds)) },
      },
      syslogIsolation: SYSLOG_ISOLATION,
      // what the kernel counted machine-wide during the step (a drop no receiver names shows here or nowhere)
      kernelUdp: Object.fromEntries(Object.entries(kernelUdpCounters()).map(([k, v]) => [k, v - kernelStart[k]])),
      drained, drainSeconds, writerExit,
      stored,
      loss: {
        syslog: sentSyslog.sent - stored.syslogRows,
        traps: sentTraps.sent - stored.trapRows,
        lab: Math.max(0, pollerPublished - stored.metricEvents),
        duplicates: (stored.syslogRows - stored.syslogIds) + (stored.trapRows - stored.trapIds),
      },
      receivers: {
        syslog: pick(m1.syslog, /^sonde_syslog_(received|published|dropped|udp_kernel_drops|udp_isolated)|^sonde_bus_(published|publish_failures|spool_events)/),
        traps: pick(m1.traps, /^sonde_trap_(received|published|dropped|udp_kernel_drops)|^sonde_bus_(published|publish_failures|spool_events)/),
      },
      writer: pick(m1.writer, /^sonde_event_writer_(events_written|events_deduplicated|insert_failures|dropped|batches_written)|^sonde_event_writer_flush|^sonde_store_insert_duration_seconds_(sum|count)|^sonde_bus_(consumed_events|consumer_batches|handler_failures)/),
      cpu,
      memory: mem,
      latency: {
        syslog: curveLatency(sentCurve(gens[0]), written['syslog.message'], stored.syslogRows),
        traps: curveLatency(sentCurve(gens[1]), written['snmp.trap'], stored.trapRows),
      },
    };
    result.zeroLoss = drained && result.loss.syslog === 0 && result.loss.traps === 0 && result.loss.lab === 0 && result.loss.duplicates === 0;
    // the n-th sent is the n-th stored only when nothing was lost: with losses the curves say nothing
    for (const [kind, lost] of [['syslog', result.loss.syslog], ['traps', result.loss.traps]]) if (result.latency[kind]) result.latency[kind].valid = lost === 0;
    const drops = (m, prefix) => ({ kernel: sum(m, `${prefix}_udp_kernel_drops`), busFull: sum(m, `${prefix}_dropped_total`, (k) => k.includes('reason="bus-full"')), other: sum(m, `${prefix}_dropped_total`, (k) => !k.includes('reason="bus-full"')) });
    result.drops = { syslog: drops(m1.syslog, 'sonde_syslog'), traps: drops(m1.traps, 'sonde_trap') };
    // datagrams the generators' kernel refused to send: lost before any receiver could count them
    result.drops.syslog.sendErrors = sentSyslog.sendErrors ?? {};
    result.drops.traps.sendErrors = sentTraps.sendErrors ?? {};
    return result;
  } finally {
    killAll();
    await Promise.all(procs.map((p) => p.exited));
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  if (!BROKERS.length) throw new Error('SONDE_TEST_KAFKA_BROKERS is not set (bench/pipeline/run.sh starts Kafka)');
  const datagram = await captureTrap();
  const results = { date: new Date().toISOString(), cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, argv: process.argv.slice(2), steps: [] };
  const file = path.join(__dirname, 'results', `run-${results.date.replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  for (const rate of RATES) {
    log(`step ${rate}/s for ${SECONDS} s (loadavg ${os.loadavg().map((x) => x.toFixed(1)).join(' ')})`);
    const r = await step(rate, datagram);
    results.steps.push(r);
    fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    const c = r.cpu;
    console.log(`rate ${rate}/s: syslog ${r.achieved.syslog.perSecond}/s traps ${r.achieved.traps.perSecond}/s lab ${r.achieved.lab.perSecond}/s | loss syslog ${r.loss.syslog} traps ${r.loss.traps} lab ${r.loss.lab} dup ${r.loss.duplicates} | zero loss: ${r.zeroLoss} | drained ${r.drained} in ${r.drainSeconds} s`);
    const refused = (e) => Object.entries(e ?? {}).map(([code, n]) => `${code} ${n}`).join(', ') || '0';
    console.log(`  machine UDP counters during the step (syslog isolation ${r.syslogIsolation}): ${Object.entries(r.kernelUdp).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    console.log(`  drops: syslog kernel ${r.drops.syslog.kernel} bus-full ${r.drops.syslog.busFull} other ${r.drops.syslog.other} send-refused ${refused(r.drops.syslog.sendErrors)}; traps kernel ${r.drops.traps.kernel} bus-full ${r.drops.traps.busFull} other ${r.drops.traps.other} send-refused ${refused(r.drops.traps.sendErrors)}`);
    console.log(`  CPU µs/event: ${Object.entries(c).map(([k, v]) => `${k} ${v.usPerEvent} (${v.coresDuringSend} cores)`).join(', ')}`);
    const lat = (l) => (l ? `p50 ${l.p50Ms} ms p99 ${l.p99Ms} ms${l.valid ? '' : ' (not valid: losses)'}` : 'n/a');
    console.log(`  latency send→stored: syslog ${lat(r.latency.syslog)}; traps ${lat(r.latency.traps)}`);
    console.log(`  RSS max MB: ${Object.entries(r.memory).map(([k, v]) => `${k} ${Math.round(v.rssMaxMB)}`).join(', ')}`);
  }
  console.log(`written ${path.relative(ROOT, file)}`);
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
