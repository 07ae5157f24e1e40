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
import { TestReceiver } from './notify-harness';

/**
 * The notification config reloads without restart in the built alert-engine (real Kafka for
 * `sonde.alert.v1`, real webhook receivers on loopback): SIGHUP applies a new receiver URL and an
 * added route, `POST /api/rules/reload` refuses a bad file (422, the old config keeps sending),
 * and no transition reaches a receiver twice. Needs the build (`tsc -b services/alert-engine`).
 */
const run = randomUUID().slice(0, 8);
const dir = mkdtempSync(path.join(tmpdir(), 'sonde-notify-reload-'));
const configFile = path.join(dir, 'sonde.yaml');
const before = new TestReceiver();
const after = new TestReceiver();
const ROUTE = { receiver: 'hook', group_by: ['alertname', 'device'], group_wait: '0s', group_interval: '1s', repeat_interval: '24h' };
let bus: EventBus;
let busSection: Record<string, unknown>;
let child: ChildProcess;
let out = '';
let apiUrl = '';

function writeConfig(notify: Record<string, unknown>): void {
  // JSON is YAML: the file an operator edits between two reloads
  const config = {
    site: 'lab',
    instance: 'notify-reload',
    telemetry: { http: { host: '127.0.0.1', port: 0 }, logLevel: 'info' },
    bus: { ...busSection, kafka: { ...(busSection.kafka as object), spool: { dir: path.join(dir, 'spool-engine') } } },
    state: { type: 'memory' },
    alertEngine: { defaultRules: false, notify: { group: `notify-reload-${run}`, syncInterval: '1s', maxBatchWaitMs: 50, ...notify } },
  };
  writeFileSync(configFile, JSON.stringify(config, null, 2));
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (child.exitCode !== null) throw new Error(`alert-engine exited ${child.exitCode} while waiting for ${what}:\n${out.slice(-4000)}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${out.slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let seq = 0;
function alertEvent(device: string, ifIndex: number, state: 'firing' | 'resolved', transitionSeq = ++seq): EventOfKind<'alert.state'> {
  const labels = { alertname: 'ReloadTest', device, site: 'lab', severity: 'warning', ifIndex: String(ifIndex) };
  const fingerprint = `reload-${run}-${device}-${ifIndex}`;
  const now = Date.now();
  return createEvent('alert.state', { site: 'lab', collector: 'reload-test' }, { id: device, address: '10.0.0.1' }, {
    ruleId: 'reload',
    ruleName: 'ReloadTest',
    state,
    severity: 'warning',
    fingerprint,
    since: now,
    summary: `${device} ${ifIndex}`,
    labels,
    annotations: { summary: `${device} ${ifIndex}` },
    startsAt: now,
    ...(state === 'resolved' ? { endsAt: now } : {}),
    inhibitedBy: [],
    flapping: false,
    transition: state,
    transitionId: `${fingerprint}:${transitionSeq}`,
    groupKey: `{}:{alertname="ReloadTest", device="${device}"}`,
  });
}

/** `path fingerprint/status` → idempotency keys seen by a receiver. */
function seen(receiver: TestReceiver): Map<string, Set<string>> {
  const m = new Map<string, Set<string>>();
  for (const r of receiver.received) {
    const body = JSON.parse(r.body) as { alerts: { fingerprint: string; status: string }[] };
    for (const a of body.alerts) {
      const k = `${r.path} ${a.fingerprint.replace(`reload-${run}-`, '')}/${a.status}`;
      m.set(k, (m.get(k) ?? new Set()).add(String(r.headers['idempotency-key'])));
    }
  }
  return m;
}

const logLines = (msg: string) => out.split('\n').filter((l) => l.includes(msg));

beforeAll(async () => {
  await before.start();
  await after.start();
  const brokers = (realService('kafka').SONDE_TEST_KAFKA_BROKERS ?? '').split(',');
  busSection = { type: 'kafka', kafka: { brokers, topicPrefix: `notifyreload-${run}-`, partitions: 2, consumer: { sessionTimeoutMs: 6000, heartbeatIntervalMs: 1000, maxBatchWaitMs: 100, minBytes: 1 } } };
  bus = await createEventBus(busConfigSchema.parse({ ...busSection, kafka: { ...(busSection.kafka as object), spool: { dir: path.join(dir, 'spool-test') } } }), { metrics: new BusMetrics(new Registry()) });
  writeConfig({ route: ROUTE, receivers: [{ name: 'hook', notifiers: [{ type: 'webhook', url: `${before.url}/hook` }] }] });
  child = spawn(process.execPath, [path.join(REPO_ROOT, 'services/alert-engine/dist/main.js'), '--config', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const started = await until('the alert-engine to start', () => logLines('alert-engine started')[0]);
  apiUrl = /"url":"([^"]+)"/.exec(started)?.[1] ?? '';
  // the notification consumer joined its group: a first alert goes through before the test starts
  await bus.publish([alertEvent('d0', 0, 'firing')]);
  await until('the warm-up alert', () => (seen(before).has('/hook d0-0/firing') ? true : undefined));
}, 240_000);

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await bus?.close();
  await before.stop();
  await after.stop();
});

it('SIGHUP applies a new receiver URL and an added route; POST /api/rules/reload refuses a bad file; nothing is sent twice', async () => {
  const x = alertEvent('d1', 1, 'firing');
  await bus.publish([x]);
  await until('X at the first receiver', () => (seen(before).has('/hook d1-1/firing') ? true : undefined));

  // B: receiver "hook" moves to another URL, a route for d2 goes to a new receiver
  writeConfig({
    route: { ...ROUTE, routes: [{ matchers: ['device="d2"'], receiver: 'pager' }] },
    receivers: [
      { name: 'hook', notifiers: [{ type: 'webhook', url: `${after.url}/hook` }] },
      { name: 'pager', notifiers: [{ type: 'webhook', url: `${after.url}/pager` }] },
    ],
  });
  child.kill('SIGHUP');
  await until('the SIGHUP reload', () => logLines('notification config reloaded')[0]);

  await bus.publish([x]); // the bus redelivers X: already notified, not again
  await bus.publish([alertEvent('d1', 2, 'firing'), alertEvent('d2', 1, 'firing')]);
  await until('Y and Z at the new receivers', () => {
    const m = seen(after);
    return m.has('/hook d1-2/firing') && m.has('/pager d2-1/firing') ? true : undefined;
  });
  await bus.publish([alertEvent('d1', 1, 'resolved'), alertEvent('d1', 2, 'resolved')]);
  await until('X and Y resolved at the new URL', () => {
    const m = seen(after);
    return m.has('/hook d1-1/resolved') && m.has('/hook d1-2/resolved') ? true : undefined;
  });

  // C: a route to a receiver that does not exist — refused with the file and the path; B keeps running
  writeConfig({
    route: { ...ROUTE, routes: [{ matchers: ['device="d2"'], receiver: 'nobody' }] },
    receivers: [{ name: 'hook', notifiers: [{ type: 'webhook', url: `${before.url}/hook` }] }],
  });
  const res = await fetch(`${apiUrl}/api/rules/reload`, { method: 'POST' });
  expect(res.status).toBe(422);
  const body = (await res.json()) as { ok: boolean; notify: { ok: boolean; file: string; path: string; error: string } };
  expect(body).toMatchObject({ ok: false, notify: { ok: false, file: configFile, path: 'alertEngine.notify.route.routes[0].receiver' } });
  expect(body.notify.error).toContain('unknown receiver "nobody"');
  await until('the refusal in the log', () => logLines('notification config not reloaded')[0]);
  const metrics = await (await fetch(`${apiUrl}/metrics`)).text();
  expect(metrics).toMatch(/sonde_alert_notify_config_reloads_total\{result="ok"[^}]*\} 1/);
  expect(metrics).toMatch(/sonde_alert_notify_config_reloads_total\{result="error"[^}]*\} 1/);

  await bus.publish([alertEvent('d3', 1, 'firing'), alertEvent('d2', 2, 'firing')]);
  await until('W and V through config B', () => {
    const m = seen(after);
    return m.has('/hook d3-1/firing') && m.has('/pager d2-2/firing') ? true : undefined;
  });
  // Let group_interval ticks and redeliveries run: nothing more may arrive.
  await new Promise((r) => setTimeout(r, 3000));

  const refusedLines = logLines('notification config not reloaded');
  expect(refusedLines).toHaveLength(1); // logged once
  expect(refusedLines[0]).toContain(configFile);
  expect(refusedLines[0]).toContain('alertEngine.notify.route.routes[0].receiver');
  expect([...seen(before).keys()].sort()).toEqual(['/hook d0-0/firing', '/hook d1-1/firing']);
  // Every transition reached the new receivers. A group notification carries the whole group
  // (X rides along with Y, as in Alertmanager), but no notification came twice: no two requests
  // with the same content, one request per idempotency key, and none for the redelivered X alone.
  const m = seen(after);
  expect([...m.keys()].sort()).toEqual(['/hook d1-1/firing', '/hook d1-1/resolved', '/hook d1-2/firing', '/hook d1-2/resolved', '/hook d3-1/firing', '/pager d2-1/firing', '/pager d2-2/firing'].sort());
  const contents = after.received.map((r) => {
    const alerts = (JSON.parse(r.body) as { alerts: { fingerprint: string; status: string }[] }).alerts;
    return `${r.path} ${alerts.map((a) => `${a.fingerprint.replace(`reload-${run}-`, '')}/${a.status}`).sort().join(',')}`;
  });
  expect(new Set(contents).size).toBe(contents.length);
  expect(contents).not.toContain('/hook d1-1/firing');
  const keys = after.received.map((r) => String(r.headers['idempotency-key']));
  expect(new Set(keys).size).toBe(keys.length);
  expect(child.exitCode).toBeNull();
}, 300_000);
