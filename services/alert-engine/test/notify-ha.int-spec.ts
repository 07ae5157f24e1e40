import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { busConfigSchema } from '@sonde/bus/bus.config';
import { BusMetrics } from '@sonde/bus/bus.metrics';
import { createEventBus } from '@sonde/bus/create-event-bus';
import type { EventBus } from '@sonde/bus/event-bus';
import { createEvent } from '@sonde/events/create-event';
import type { EventOfKind } from '@sonde/events/sonde-event';
import { REPO_ROOT, realService } from '@sonde/testing/real-services';
import { Registry } from 'prom-client';
import { routeConfigSchema } from '../src/notify/notify.config';
import { RouteTree } from '../src/notify/route-tree';
import { TestReceiver } from './notify-harness';

/**
 * Issue 9 item 10 on real Kafka + Redis: built alert-engine processes share `sonde.alert.v1`
 * (consumer group alertEngine.notify.group, alert.state keyed by group key) and one Redis
 * notification log. A replica is SIGKILLed during a burst of firing transitions, another during
 * the burst of resolves; every transition must reach the webhook exactly once, counted at the
 * receiver by idempotency key. Needs the build (`tsc -b services/alert-engine`).
 */
const ALERTS = 120;
const SESSION_TIMEOUT_MS = 6000;
const ROUTE = { receiver: 'hook', group_by: ['...'], group_wait: '0s', group_interval: '1s', repeat_interval: '24h' };

interface Replica {
  name: string;
  child: ChildProcess;
  out: () => string;
}

const run = randomUUID().slice(0, 8);
const dir = mkdtempSync(path.join(tmpdir(), 'sonde-notify-ha-'));
const receiver = new TestReceiver();
const replicas: Replica[] = [];
let bus: EventBus;
let busSection: Record<string, unknown>;
let stateSection: Record<string, unknown>;
const tree = new RouteTree(routeConfigSchema.parse(ROUTE));

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out (${timeoutMs} ms) waiting for ${what}; received ${receiver.received.length}\n${replicas.map((r) => `--- ${r.name}\n${r.out().slice(-4000)}`).join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function startReplica(name: string): Promise<Replica> {
  const file = path.join(dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      site: 'lab',
      instance: name,
      telemetry: { http: { port: 0 }, logLevel: 'info' },
      bus: { ...busSection, kafka: { ...(busSection.kafka as object), spool: { dir: path.join(dir, `spool-${name}`) } } },
      state: stateSection,
      alertEngine: {
        defaultRules: false,
        notify: {
          group: `notify-ha-${run}`,
          route: ROUTE,
          receivers: [{ name: 'hook', notifiers: [{ type: 'webhook', url: `${receiver.url}/hook` }] }],
          notificationLog: { claimTtl: '3s' },
          syncInterval: '1s',
          maxBatchWaitMs: 50,
        },
      },
    }),
  );
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'services/alert-engine/dist/main.js'), '--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const r = { name, child, out: () => out };
  replicas.push(r);
  await until(`${name} to start`, () => {
    if (child.exitCode !== null) throw new Error(`${name} exited ${child.exitCode}:\n${out}`);
    return /alert-engine started/.test(out) ? true : undefined;
  }, 60_000);
  return r;
}

function alertEvent(i: number, state: 'firing' | 'resolved', seq: number): EventOfKind<'alert.state'> {
  const labels = { alertname: 'HaTest', device: `d${i % 20}`, site: 'lab', severity: 'warning', ifIndex: String(i) };
  const fingerprint = `ha-${run}-${i}`;
  const now = Date.now();
  return createEvent('alert.state', { site: 'lab', collector: 'ha-test' }, { id: `d${i % 20}`, address: '10.0.0.1' }, {
    ruleId: 'ha',
    ruleName: 'HaTest',
    state,
    severity: 'warning',
    fingerprint,
    since: now,
    summary: `alert ${i}`,
    labels,
    annotations: { summary: `alert ${i}` },
    startsAt: now,
    ...(state === 'resolved' ? { endsAt: now } : {}),
    inhibitedBy: [],
    flapping: false,
    transition: state,
    transitionId: `${fingerprint}:${seq}`,
    groupKey: tree.groupKeyOf(labels),
  });
}

/** fingerprint/status → idempotency keys seen at the receiver, and the raw request count. */
function received(): Map<string, Set<string>> {
  const m = new Map<string, Set<string>>();
  for (const r of receiver.received) {
    const body = JSON.parse(r.body) as { alerts: { fingerprint: string; status: string }[] };
    for (const a of body.alerts) {
      const k = `${a.fingerprint}/${a.status}`;
      const keys = m.get(k) ?? new Set<string>();
      keys.add(String(r.headers['idempotency-key']));
      m.set(k, keys);
    }
  }
  return m;
}

async function burst(state: 'firing' | 'resolved', seq: number, killAt: number, victim: Replica): Promise<void> {
  for (let i = 0; i < ALERTS; i += 10) {
    await bus.publish(Array.from({ length: 10 }, (_, j) => alertEvent(i + j, state, seq)));
    if (i === killAt) victim.child.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  await receiver.start();
  const brokers = (realService('kafka').SONDE_TEST_KAFKA_BROKERS ?? '').split(',');
  const redis = realService('redis').SONDE_TEST_REDIS_URL ?? '';
  busSection = { type: 'kafka', kafka: { brokers, topicPrefix: `notifyha-${run}-`, partitions: 6, consumer: { sessionTimeoutMs: SESSION_TIMEOUT_MS, heartbeatIntervalMs: 1000, maxBatchWaitMs: 100, minBytes: 1 } } };
  stateSection = { type: 'redis', redis: { url: redis, keyPrefix: `notifyha-${run}:` } };
  bus = await createEventBus(busConfigSchema.parse({ ...busSection, kafka: { ...(busSection.kafka as object), spool: { dir: path.join(dir, 'spool-test') } } }), { metrics: new BusMetrics(new Registry()) });
  await startReplica('notify-a');
  await startReplica('notify-b');
}, 180_000);

afterAll(async () => {
  for (const r of replicas) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
  await bus?.close();
  await receiver.stop();
});

it('every transition reaches the webhook exactly once across SIGKILLs of replicas', async () => {
  const [a, b] = replicas;
  if (!a || !b) throw new Error('replicas missing');
  await burst('firing', 1, 60, a);
  await until('every firing transition delivered', () => {
    const m = received();
    return Array.from({ length: ALERTS }, (_, i) => `ha-${run}-${i}/firing`).every((k) => m.has(k)) ? true : undefined;
  }, 120_000);

  const c = await startReplica('notify-c');
  await burst('resolved', 2, 60, b);
  await until('every resolve delivered', () => {
    const m = received();
    return Array.from({ length: ALERTS }, (_, i) => `ha-${run}-${i}/resolved`).every((k) => m.has(k)) ? true : undefined;
  }, 120_000);
  // Let redeliveries and claim takeovers settle: nothing more may arrive.
  await new Promise((r) => setTimeout(r, 5000));

  const m = received();
  expect(m.size).toBe(2 * ALERTS);
  // Exactly once per transition, counted by idempotency key: one key per fingerprint/status.
  const multi = [...m].filter(([, keys]) => keys.size !== 1);
  expect(multi).toEqual([]);
  const keys = new Set(receiver.received.map((r) => String(r.headers['idempotency-key'])));
  expect(keys.size).toBe(2 * ALERTS);
  const repeats = receiver.received.length - keys.size;
  process.stdout.write(`notify-ha: ${receiver.received.length} requests, ${keys.size} idempotency keys, ${repeats} repeated deliveries of a key (crash between a 2xx and the log write)\n`);
  expect(c.child.exitCode).toBeNull();
}, 400_000);
