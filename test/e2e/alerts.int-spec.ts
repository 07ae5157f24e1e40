import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { busConfigSchema } from '@sonde/bus/bus.config';
import { BusMetrics } from '@sonde/bus/bus.metrics';
import { createEventBus } from '@sonde/bus/create-event-bus';
import type { EventBus, Subscription } from '@sonde/bus/event-bus';
import { Lab } from '@sonde/lab/lab';
import { REPO_ROOT, realService } from '@sonde/testing/real-services';
import { Registry } from 'prom-client';

/**
 * Issue 13 item 5, alerting across processes: a built snmp-poller and two built alert-engine
 * replicas on real Kafka + Redis, the lab in front, the DEFAULT rule set (alertEngine.defaultRules,
 * InterfaceDown `for: 30s`) and a real HTTP webhook receiver. The lab's outage takes an interface
 * of lab-switch-2 down, then up again. While the alert is pending, the replica that evaluates
 * the device (the `collector` of its alert.state event) is SIGKILLed: the survivor takes the device
 * over from its Redis checkpoint, fires, resolves, and the webhook gets each notification exactly
 * once (counted by the notifier's Idempotency-Key and by fingerprint/status).
 * Needs the build (`tsc -b tsconfig.build.json`).
 */
const INTERVAL_MS = 2000;
const SESSION_TIMEOUT_MS = 6000;
const INTERFACE_DOWN_MS = 55_000;

interface Proc {
  name: string;
  child: ChildProcess;
  out: () => string;
}
interface Delivery {
  key: string;
  alerts: { fingerprint: string; status: string; labels: Record<string, string> }[];
}

const procs: Proc[] = [];
const deliveries: Delivery[] = [];
/** alert.state transitions seen on the bus */
const transitions: { rule: string; device: string; transition: string; collector: string }[] = [];
let server: http.Server;
let hookUrl = '';
let lab: Lab;
let bus: EventBus;
let sub: Subscription;

async function until<T>(what: string, probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out (${timeoutMs} ms) waiting for ${what}; transitions ${JSON.stringify(transitions)}; deliveries ${JSON.stringify(deliveries)}\n${procs.map((p) => `--- ${p.name}\n${p.out().slice(-2000)}`).join('\n')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function start(name: string, service: string, config: Record<string, unknown>, dir: string): Proc {
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ ...config, instance: name, telemetry: { http: { port: 0 }, logLevel: 'info' } }));
  const child = spawn(process.execPath, [path.join(REPO_ROOT, `services/${service}/dist/main.js`), '--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const p = { name, child, out: () => out };
  procs.push(p);
  return p;
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { alerts?: Delivery['alerts'] };
      deliveries.push({ key: String(req.headers['idempotency-key']), alerts: body.alerts ?? [] });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

  const brokers = (realService('kafka').SONDE_TEST_KAFKA_BROKERS ?? '').split(',');
  const redisUrl = realService('redis').SONDE_TEST_REDIS_URL ?? '';
  const run = randomUUID().slice(0, 8);
  const prefix = `e2ealert-${run}-`;
  const dir = mkdtempSync(path.join(tmpdir(), 'sonde-e2e-alerts-'));
  lab = await Lab.start({
    devices: 2,
    interfaces: 2,
    distinctAddresses: true,
    // the interface goes down once the processes had time to start, the device never (in this test)
    outages: { enabled: true, firstAfterMs: 20_000, everyMs: 600_000, ifIndex: 2, interfaceDownMs: INTERFACE_DOWN_MS, deviceDownAfterMs: 590_000, deviceDownMs: 1000 },
  });
  const busFor = (name: string) => ({
    type: 'kafka',
    kafka: { brokers, topicPrefix: prefix, partitions: 3, targets: { sessionTimeoutMs: SESSION_TIMEOUT_MS }, consumer: { sessionTimeoutMs: SESSION_TIMEOUT_MS, heartbeatIntervalMs: 1000, maxBatchWaitMs: 100, minBytes: 1 }, spool: { dir: path.join(dir, `spool-${name}`) } },
  });
  const core = {
    site: `e2ealert-${run}`,
    credentials: { lab: { type: 'snmp-community', community: { value: lab.config.community } } },
    devices: lab.devices.map((d) => ({ id: d.id, name: d.name, address: d.address, snmp: { version: 'v2c', port: d.port, credential: 'lab' } })),
  };
  const state = { type: 'redis', redis: { url: redisUrl, keyPrefix: `${prefix}:` } };
  bus = await createEventBus(busConfigSchema.parse(busFor('test')), { metrics: new BusMetrics(new Registry()) });
  sub = await bus.subscribe({
    group: `e2e-alerts-test-${run}`,
    families: ['alert'],
    maxBatchWaitMs: 100,
    handler: async (batch) => {
      for (const e of batch.events) if (e.kind === 'alert.state') transitions.push({ rule: e.payload.ruleId, device: e.device.id, transition: e.payload.transition, collector: e.collector });
    },
  });
  start('poller-1', 'snmp-poller', { ...core, bus: busFor('poller'), state, snmpPoller: { intervalMs: INTERVAL_MS, jitter: 0, timeoutMs: 300, retries: 0 } }, dir);
  for (const n of ['a', 'b']) {
    start(`alerts-${n}`, 'alert-engine', {
      ...core,
      bus: busFor(`alerts-${n}`),
      state,
      alertEngine: {
        group: `e2e-eval-${run}`,
        families: ['snmp'],
        tickIntervalMs: 500,
        checkpointKeyPrefix: `${prefix}:alert-engine:`,
        notify: {
          group: `e2e-notify-${run}`,
          route: { receiver: 'hook', group_by: ['...'], group_wait: '0s', group_interval: '1s', repeat_interval: '24h' },
          receivers: [{ name: 'hook', notifiers: [{ type: 'webhook', url: hookUrl }] }],
          maxBatchWaitMs: 50,
        },
      },
    }, dir);
  }
  for (const p of procs) {
    await until(`${p.name} to start`, () => {
      if (p.child.exitCode !== null) throw new Error(`${p.name} exited ${p.child.exitCode}:\n${p.out()}`);
      return /"url":"[^"]+"[^\n]*started/.test(p.out()) ? true : undefined;
    }, 90_000);
  }
}, 180_000);

afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await sub?.close();
  await bus?.close();
  await lab?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

it('the default InterfaceDown rule fires on the lab outage and reaches the webhook exactly once, across a SIGKILLed replica', async () => {
  const device = lab.devices.find((d) => d.id.includes('switch'))?.id ?? lab.devices[1]!.id;
  const of = (t: string) => () => transitions.find((x) => x.rule === 'interface-down' && x.device === device && x.transition === t);
  const pending = await until('InterfaceDown pending on the switch', of('pending'), 120_000);
  const victim = procs.find((p) => p.name === pending.collector);
  expect(victim).toBeDefined();
  victim!.child.kill('SIGKILL');
  const killedAt = Date.now();
  const survivor = procs.find((p) => p.name.startsWith('alerts-') && p !== victim)!.name;

  const firing = await until('InterfaceDown firing (by the survivor)', of('firing'), 120_000);
  expect(firing.collector).toBe(survivor);
  const firedAfterKillMs = Date.now() - killedAt;
  await until('InterfaceDown resolved', of('resolved'), INTERFACE_DOWN_MS + 60_000);
  const status = (s: string) => deliveries.filter((d) => d.alerts.some((a) => a.labels.alertname === 'InterfaceDown' && a.labels.device === device && a.status === s));
  await until('the resolved notification', () => (status('resolved').length > 0 ? true : undefined), 30_000);
  // let redeliveries settle: a duplicate would arrive within a few batch waits
  await new Promise((r) => setTimeout(r, 3000));

  expect(status('firing')).toHaveLength(1);
  expect(status('resolved')).toHaveLength(1);
  // no notification of any alert twice: one request per idempotency key, one key per fingerprint/status
  expect(new Set(deliveries.map((d) => d.key)).size).toBe(deliveries.length);
  const perAlert = new Map<string, number>();
  for (const d of deliveries) for (const a of d.alerts) perAlert.set(`${a.fingerprint}/${a.status}`, (perAlert.get(`${a.fingerprint}/${a.status}`) ?? 0) + 1);
  expect([...perAlert].filter(([, n]) => n > 1)).toEqual([]);
  process.stdout.write(`e2e alerts: InterfaceDown ${device} pending on ${victim!.name} (SIGKILLed), fired by ${survivor} ${firedAfterKillMs} ms later, resolved; webhook requests ${deliveries.length}, firing ${status('firing').length}, resolved ${status('resolved').length}\n`);
}, 300_000);
