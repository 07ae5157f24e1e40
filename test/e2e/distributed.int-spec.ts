import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { busConfigSchema } from '@sonde/bus/bus.config';
import { BusMetrics } from '@sonde/bus/bus.metrics';
import { createEventBus } from '@sonde/bus/create-event-bus';
import type { EventBus, Subscription } from '@sonde/bus/event-bus';
import { createTopicsWithLeaders } from '@sonde/bus/kafka/topic-leaders';
import { Lab } from '@sonde/lab/lab';
import { createEventStore } from '@sonde/store/clickhouse/create-event-store';
import { REPO_ROOT, realService } from '@sonde/testing/real-services';
import { Registry } from 'prom-client';

/**
 * Issue 13 item 5, the distributed deployment end to end: every service as its own process from
 * its build (services/<name>/dist/main.js), on real Kafka and Redis, the event-writer on chDB,
 * lab devices (libs/lab: SNMP agents on their own loopback addresses, trap and syslog emitters)
 * in front:
 *   - data from every collector (ICMP, SNMP polls, RMON, traps, syslog) reaches storage;
 *   - 2 rmon-collector replicas: each device's RMON probes polled by one of them;
 *   - 3 poller replicas: in steady state every device is polled by one replica, once per
 *     interval; one is SIGKILLed and every device is polled again (the failover time is printed);
 *   - the event-writer is SIGKILLed mid-stream and restarted: rows = events, no duplicates.
 * Needs the build (`tsc -b tsconfig.build.json`) and root or CAP_NET_RAW (the prober).
 */
const INTERVAL_MS = 2000;
const SESSION_TIMEOUT_MS = 6000;
const KINDS = ['icmp.probe', 'snmp.metric', 'snmp.trap', 'syslog.message', 'rmon.sample'] as const;
const FAMILIES = ['icmp', 'snmp', 'syslog', 'rmon'] as const;

interface Proc {
  name: string;
  child: ChildProcess;
  out: () => string;
  url?: string;
  exited: Promise<number | null>;
}

const procs: Proc[] = [];
let lab: Lab;
let bus: EventBus;
let sub: Subscription;
let admin: Admin;
let dir: string;
let prefix: string;
const testGroup = `e2e-test-${randomUUID().slice(0, 8)}`;
const writerGroup = `e2e-writer-${randomUUID().slice(0, 8)}`;
/** every event seen on the bus, by kind: id → samples (snmp.metric) or 1 */
const seen = new Map<string, Map<string, number>>(KINDS.map((k) => [k, new Map()]));
/** snmp_poll status events: device → collectors, since the last reset */
let polls = new Map<string, string[]>();
/** device id → poller and poll time (the event's ts) of every snmp_poll since the last reset */
let pollTimes = new Map<string, { by: string; ts: number }[]>();
/** rmon.sample events: device → collectors, since the last reset */
let rmonBy = new Map<string, string[]>();

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) {
      const counts = [...seen].map(([k, m]) => `${k}=${m.size}`).join(' ');
      throw new Error(`timed out (${timeoutMs} ms) waiting for ${what}; seen ${counts}; polls ${JSON.stringify([...polls])}\n${procs.map((p) => `--- ${p.name}\n${p.out().slice(-1500)}`).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function start(name: string, service: string, config: Record<string, unknown>): Proc {
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ ...config, instance: name, telemetry: { http: { port: 0 }, logLevel: 'info' } }));
  const child = spawn(process.execPath, [path.join(REPO_ROOT, `services/${service}/dist/main.js`), '--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const p: Proc = { name, child, out: () => out, exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
  procs.push(p);
  return p;
}

async function started(p: Proc): Promise<string> {
  p.url = await until(`${p.name} to start`, () => {
    if (p.child.exitCode !== null) throw new Error(`${p.name} exited ${p.child.exitCode}:\n${p.out()}`);
    return /"url":"([^"]+)"[^\n]*started/.exec(p.out())?.[1]?.replace('[::1]', '127.0.0.1');
    // a hang guard, not a speed check: ten processes boot at once on 2 cores (the writer runs the
    // chDB migrations first); 90 s was exceeded once in a loaded full run
  }, 240_000);
  return p.url;
}

async function metric(p: Proc, name: string): Promise<number> {
  const text = await (await fetch(`${p.url}/metrics`)).text();
  let sum = 0;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))) sum += Number(m[1]);
  return sum;
}

/** Committed-offset lag of a consumer group over the event topics. */
async function lag(group: string): Promise<number> {
  const topics = FAMILIES.map((f) => `${prefix}sonde.${f}.v1`);
  const committed = await admin.fetchOffsets({ groupId: group, topics });
  let total = 0;
  for (const t of topics) {
    const mine = committed.find((c) => c.topic === t)?.partitions ?? [];
    for (const p of await admin.fetchTopicOffsets(t)) total += Number(p.high) - Math.max(0, Number(mine.find((m) => m.partition === p.partition)?.offset ?? -1));
  }
  return total;
}

async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

const pollers = () => procs.filter((p) => p.name.startsWith('poller-'));
const stop = async (p: Proc, signal: NodeJS.Signals) => {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill(signal);
  return p.exited;
};

beforeAll(async () => {
  const brokers = (realService('kafka').SONDE_TEST_KAFKA_BROKERS ?? '').split(',');
  const redisUrl = realService('redis').SONDE_TEST_REDIS_URL ?? '';
  const run = randomUUID().slice(0, 8);
  const site = `e2e-${run}`;
  prefix = `e2e-${run}-`;
  dir = mkdtempSync(path.join(tmpdir(), 'sonde-e2e-'));
  const kafka = new Kafka({ clientId: 'e2e', brokers, logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
  // the event topics exist before anyone subscribes (3 partitions: a small cluster's layout)
  await createTopicsWithLeaders(admin, FAMILIES.map((f) => ({ topic: `${prefix}sonde.${f}.v1`, numPartitions: 3 })));

  const trapPort = await freeUdpPort();
  const syslogPort = await freeUdpPort();
  lab = await Lab.start({
    devices: 6,
    distinctAddresses: true,
    traps: { enabled: true, target: `127.0.0.1:${trapPort}`, perMinute: 120 },
    syslog: { enabled: true, target: `127.0.0.1:${syslogPort}`, perMinute: 600 },
  });
  const busFor = (name: string) => ({ type: 'kafka', kafka: { brokers, topicPrefix: prefix, partitions: 3, targets: { sessionTimeoutMs: SESSION_TIMEOUT_MS }, spool: { dir: path.join(dir, `spool-${name}`) } } });
  const core = {
    site,
    credentials: { lab: { type: 'snmp-community', community: { value: lab.config.community } } },
    devices: lab.devices.map((d) => ({ id: d.id, name: d.name, address: d.address, snmp: { version: 'v2c', port: d.port, credential: 'lab' } })),
  };

  bus = await createEventBus(busConfigSchema.parse(busFor('test')), { metrics: new BusMetrics(new Registry()) });
  sub = await bus.subscribe({
    group: testGroup,
    families: [...FAMILIES],
    maxBatchWaitMs: 100,
    handler: async (batch) => {
      for (const e of batch.events) {
        seen.get(e.kind)?.set(e.id, e.kind === 'snmp.metric' || e.kind === 'rmon.sample' ? e.payload.samples.length : 1);
        if (e.kind === 'rmon.sample') rmonBy.set(e.device.id, [...(rmonBy.get(e.device.id) ?? []), e.collector]);
        if (e.kind === 'snmp.metric' && e.payload.group === 'snmp_poll') {
          polls.set(e.device.id, [...(polls.get(e.device.id) ?? []), e.collector]);
          pollTimes.set(e.device.id, [...(pollTimes.get(e.device.id) ?? []), { by: e.collector, ts: e.ts }]);
        }
      }
    },
  });

  start('writer-1', 'event-writer', { ...core, bus: busFor('writer'), store: { type: 'chdb', chdb: { path: path.join(dir, 'chdb') } }, eventWriter: { group: writerGroup, families: [...FAMILIES], maxBatchEvents: 200, maxBatchWaitMs: 200 } });
  for (const n of [1, 2, 3]) {
    start(`poller-${n}`, 'snmp-poller', { ...core, bus: busFor(`poller-${n}`), state: { type: 'redis', redis: { url: redisUrl, keyPrefix: `${prefix}:` } }, snmpPoller: { intervalMs: INTERVAL_MS, jitter: 0, timeoutMs: 500, retries: 1 } });
  }
  for (const n of [1, 2]) {
    start(`rmon-${n}`, 'rmon-collector', { ...core, bus: busFor(`rmon-${n}`), state: { type: 'redis', redis: { url: redisUrl, keyPrefix: `${prefix}:` } }, rmonCollector: { intervalMs: INTERVAL_MS, timeoutMs: 500, retries: 1 } });
  }
  start('prober-1', 'icmp-prober', { ...core, bus: busFor('prober'), icmpProber: { cycleIntervalMs: INTERVAL_MS, probesPerCycle: 2, probeSpacingMs: 100, timeoutMs: 400 } });
  start('traps-1', 'trap-receiver', { ...core, bus: busFor('traps'), trapReceiver: { listen: [{ address: '127.0.0.1', port: trapPort }], communities: ['lab'] } });
  start('syslog-1', 'syslog-receiver', { ...core, bus: busFor('syslog'), syslogReceiver: { udp: { hosts: ['127.0.0.1'], port: syslogPort }, tcp: { enabled: false } } });
  for (const p of procs) await started(p);
}, 240_000);

afterAll(async () => {
  for (const p of procs) await stop(p, 'SIGKILL');
  await sub?.close();
  await bus?.close();
  await lab?.close();
  await admin?.disconnect();
});

it('every collector\'s data reaches the bus: ICMP, SNMP polls, RMON, traps, syslog', async () => {
  await until('an event of every kind from the lab', () => (KINDS.every((k) => (seen.get(k)?.size ?? 0) > 0) ? true : undefined), 60_000);
});

it('2 rmon-collectors (sharded like the pollers): each device\'s RMON tables polled by one replica', async () => {
  const rmon = procs.filter((p) => p.name.startsWith('rmon-'));
  await until('the rmon-collectors to share the devices', async () => {
    const owned = await Promise.all(rmon.map((p) => metric(p, 'sonde_rmon_collector_owned_targets')));
    return owned.reduce((a, b) => a + b, 0) === lab.devices.length ? true : undefined;
  }, 60_000);
  rmonBy = new Map();
  await until('a round of RMON polls', () => (lab.devices.every((d) => (rmonBy.get(d.id) ?? []).length >= 1) ? true : undefined), 30_000);
  rmonBy = new Map();
  await until('two rounds of RMON polls', () => (lab.devices.every((d) => (rmonBy.get(d.id) ?? []).length >= 2) ? true : undefined), 30_000);
  for (const d of lab.devices) expect({ device: d.id, collectors: [...new Set(rmonBy.get(d.id))] }).toEqual({ device: d.id, collectors: [expect.any(String)] });
  const per = rmon.map((p) => [...rmonBy.values()].filter((c) => c.includes(p.name)).length);
  process.stdout.write(`e2e rmon: ${lab.devices.length} devices over 2 rmon-collectors ${JSON.stringify(per)}\n`);
});

it('3 pollers: each device polled by one replica once per interval; a SIGKILLed replica\'s devices polled again', async () => {
  await until('the 3 pollers to share the targets', async () => {
    const owned = await Promise.all(pollers().map((p) => metric(p, 'sonde_snmp_poller_owned_targets')));
    return owned.reduce((a, b) => a + b, 0) === lab.devices.length && owned.every((n) => n > 0) ? true : undefined;
  }, 60_000);
  // one round first (cycles started before the last rebalance may still land), then count
  polls = new Map();
  await until('a round of polls', () => (lab.devices.every((d) => (polls.get(d.id) ?? []).length >= 1) ? true : undefined), 30_000);
  polls = new Map();
  const from = Date.now();
  await until('three rounds of polls', () => (lab.devices.every((d) => (polls.get(d.id) ?? []).length >= 3) ? true : undefined), 30_000);
  const windowMs = Date.now() - from;
  const steady = new Map(polls);
  for (const d of lab.devices) {
    const by = steady.get(d.id) ?? [];
    expect({ device: d.id, pollers: [...new Set(by)] }).toEqual({ device: d.id, pollers: [expect.any(String)] });
    // at most one poll per interval (+1 for a window that starts and ends on a poll)
    expect(by.length).toBeLessThanOrEqual(Math.floor(windowMs / INTERVAL_MS) + 1);
  }
  const perPoller = pollers().map((p) => [...steady.values()].filter((c) => c.includes(p.name)).length);
  process.stdout.write(`e2e steady state: ${lab.devices.length} devices over ${pollers().length} pollers ${JSON.stringify(perPoller)}, window ${windowMs} ms, polls per device ${JSON.stringify([...steady].map(([, c]) => c.length))}\n`);

  const victim = pollers()[perPoller.indexOf(Math.max(...perPoller))]!;
  const survivors = pollers().filter((p) => p !== victim).map((p) => p.name);
  victim.child.kill('SIGKILL');
  const killedAt = Date.now();
  polls = new Map();
  pollTimes = new Map();
  // a hang guard (×3 for a loaded machine); the promise itself is asserted below
  await until('every device polled by the survivors', () => (lab.devices.every((d) => (polls.get(d.id) ?? []).some((c) => survivors.includes(c))) ? true : undefined), 3 * (SESSION_TIMEOUT_MS + 2 * INTERVAL_MS));
  // failover = when a survivor polled the last of the devices after the SIGKILL (the events'
  // ts: the poll itself, not its delivery to this test)
  const firstPolls = lab.devices.map((d) => Math.min(...(pollTimes.get(d.id) ?? []).filter((p) => survivors.includes(p.by) && p.ts >= killedAt).map((p) => p.ts)));
  const failoverMs = Math.max(...firstPolls) - killedAt;
  const boundMs = SESSION_TIMEOUT_MS + INTERVAL_MS;
  process.stdout.write(`e2e poller failover: every device polled again ${failoverMs} ms after SIGKILL of ${victim.name} (it polled ${Math.max(...perPoller)} of ${lab.devices.length}; bound: session ${SESSION_TIMEOUT_MS} ms + interval ${INTERVAL_MS} ms = ${boundMs} ms)\n`);
  // design.md §5's promise: a SIGKILLed replica's targets are taken over within one interval
  // plus the group's session timeout
  expect(failoverMs).toBeLessThanOrEqual(boundMs);
});

it('event-writer SIGKILLed mid-stream and restarted: rows = events, no duplicates', async () => {
  const writer = procs.find((p) => p.name === 'writer-1')!;
  await until('the writer to have written events', async () => ((await metric(writer, 'sonde_event_writer_events_written_total')) >= 100 ? true : undefined), 60_000);
  writer.child.kill('SIGKILL');
  await writer.exited;
  // same config file, same group: the restarted writer resumes from the committed offsets
  const file = path.join(dir, 'writer-1.json');
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'services/event-writer/dist/main.js'), '--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const second: Proc = { name: 'writer-2', child, out: () => out, exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
  procs.push(second);
  await started(second);
  // events keep flowing for a while, then the collectors stop gracefully (they flush) and the lab stops
  await until('the restarted writer to write', async () => ((await metric(second, 'sonde_event_writer_events_written_total')) > 0 ? true : undefined), 60_000);
  for (const p of procs.filter((q) => !q.name.startsWith('writer'))) await stop(p, 'SIGTERM');
  await lab.close();
  await until('the writer and the test consumer to catch up', async () => ((await lag(writerGroup)) === 0 && (await lag(testGroup)) === 0 ? true : undefined), 120_000);
  expect(await stop(second, 'SIGTERM')).toBe(0);

  const store = createEventStore({ type: 'chdb', chdb: { path: path.join(dir, 'chdb') } });
  try {
    for (const [kind, table] of [['icmp.probe', 'icmp_probe'], ['snmp.trap', 'snmp_trap'], ['syslog.message', 'syslog_message']] as const) {
      const [r] = await store.query<{ rows: string; ids: string }>(`SELECT count() AS rows, uniqExact(id) AS ids FROM ${table}`);
      expect({ table, rows: Number(r?.rows), ids: Number(r?.ids) }).toEqual({ table, rows: seen.get(kind)!.size, ids: seen.get(kind)!.size });
    }
    for (const [kind, table] of [['snmp.metric', 'snmp_metric'], ['rmon.sample', 'rmon_sample']] as const) {
      const samples = [...seen.get(kind)!.values()].reduce((a, b) => a + b, 0);
      const [m] = await store.query<{ rows: string; keys: string; ids: string }>(`SELECT count() AS rows, uniqExact(id, sample_index) AS keys, uniqExact(id) AS ids FROM ${table}`);
      expect({ table, rows: Number(m?.rows), keys: Number(m?.keys), ids: Number(m?.ids) }).toEqual({ table, rows: samples, keys: samples, ids: seen.get(kind)!.size });
    }
    const samples = [...seen.get('snmp.metric')!.values()].reduce((a, b) => a + b, 0);
    process.stdout.write(`e2e storage: ${KINDS.map((k) => `${k}=${seen.get(k)!.size}`).join(' ')} events, ${samples} metric samples — all stored once after a writer SIGKILL\n`);
  } finally {
    await store.close();
  }
});
