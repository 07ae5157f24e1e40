import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Kafka } from 'kafkajs';
import { busConfigSchema } from '@sonde/bus/bus.config';
import { BusMetrics } from '@sonde/bus/bus.metrics';
import { createEventBus } from '@sonde/bus/create-event-bus';
import type { EventBus, Subscription } from '@sonde/bus/event-bus';
import { Lab } from '@sonde/lab/lab';
import { REPO_ROOT, realService } from '@sonde/testing/real-services';
import { Registry } from 'prom-client';

/**
 * Issue 13 item 2 on real Kafka with built processes: a running snmp-poller and icmp-prober (their
 * config files list one lab device) and `sonde inventory apply FILE` (services/standalone/dist/main.js):
 *   - a device added by apply is polled without a restart;
 *   - a device removed by apply stops being polled;
 *   - a bad file is refused with the path named, and changes nothing (no record is written).
 * Needs the build (`tsc -b tsconfig.build.json`) and root or CAP_NET_RAW (the prober's raw sockets).
 */
const INTERVAL_MS = 2000;
const run = promisify(execFile);

let lab: Lab;
let bus: EventBus;
let sub: Subscription;
let poller: ChildProcess;
let pollerOut = '';
let prober: ChildProcess;
let proberOut = '';
let dir: string;
let base: Record<string, unknown>;
let topic: string;
let brokers: string[];
/** device id → polls (snmp_poll status events) seen since the last reset */
let seen = new Map<string, number>();
/** device id → icmp.probe cycles seen since the last reset */
let probed = new Map<string, number>();

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out (${timeoutMs} ms) waiting for ${what}; polls ${JSON.stringify([...seen])} probes ${JSON.stringify([...probed])}\n--- poller\n${pollerOut.slice(-3000)}\n--- prober\n${proberOut.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const polled = (id: string, times: number) => () => ((seen.get(id) ?? 0) >= times ? true : undefined);
const pinged = (id: string, times: number) => () => ((probed.get(id) ?? 0) >= times ? true : undefined);

function deviceEntry(i: number): Record<string, unknown> {
  const d = lab.devices[i]!;
  return { id: d.id, name: d.name, address: d.address, snmp: { version: 'v2c', port: d.port, credential: 'lab' } };
}

async function apply(name: string, devices: Record<string, unknown>[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify({ ...base, devices }));
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(REPO_ROOT, 'services/standalone/dist/main.js'), 'inventory', 'apply', file], { cwd: dir });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

async function endOffsets(): Promise<string> {
  const admin = new Kafka({ clientId: 'inventory-apply-test', brokers, logLevel: 0 }).admin();
  await admin.connect();
  try {
    return JSON.stringify((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, o.high]).sort((a, b) => Number(a[0]) - Number(b[0])));
  } finally {
    await admin.disconnect();
  }
}

beforeAll(async () => {
  brokers = (realService('kafka').SONDE_TEST_KAFKA_BROKERS ?? '').split(',');
  const id = randomUUID().slice(0, 8);
  const site = `inv-${id}`;
  const prefix = `inv-${id}-`;
  topic = `${prefix}sonde.targets.${site}`;
  dir = mkdtempSync(path.join(tmpdir(), 'sonde-inventory-apply-'));
  lab = await Lab.start({ devices: 3, distinctAddresses: true });
  const busSection = { type: 'kafka', kafka: { brokers, topicPrefix: prefix, targets: { sessionTimeoutMs: 6000 }, spool: { dir: path.join(dir, 'spool') } } };
  base = {
    site,
    bus: busSection,
    credentials: { lab: { type: 'snmp-community', community: { value: lab.devices[0]?.community ?? 'public' } } },
  };
  bus = await createEventBus(busConfigSchema.parse({ ...busSection, kafka: { ...busSection.kafka, spool: { dir: path.join(dir, 'spool-test') } } }), { metrics: new BusMetrics(new Registry()) });
  sub = await bus.subscribe({
    group: `inventory-apply-test-${id}`,
    families: ['snmp', 'icmp'],
    maxBatchWaitMs: 100,
    handler: async (batch) => {
      for (const e of batch.events) {
        if (e.kind === 'snmp.metric' && e.payload.group === 'snmp_poll') seen.set(e.device.id, (seen.get(e.device.id) ?? 0) + 1);
        if (e.kind === 'icmp.probe' && !e.payload.transition) probed.set(e.device.id, (probed.get(e.device.id) ?? 0) + 1);
      }
    },
  });
  const file = path.join(dir, 'poller.json');
  writeFileSync(
    file,
    JSON.stringify({
      ...base,
      instance: 'poller-1',
      bus: { ...busSection, kafka: { ...busSection.kafka, spool: { dir: path.join(dir, 'spool-poller') } } },
      telemetry: { http: { port: 0 }, logLevel: 'info' },
      state: { type: 'memory' },
      devices: [deviceEntry(0)],
      snmpPoller: { intervalMs: INTERVAL_MS, jitter: 0, timeoutMs: 500, retries: 1 },
    }),
  );
  poller = spawn(process.execPath, [path.join(REPO_ROOT, 'services/snmp-poller/dist/main.js'), '--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  poller.stdout?.on('data', (d: Buffer) => (pollerOut += d.toString()));
  poller.stderr?.on('data', (d: Buffer) => (pollerOut += d.toString()));
  const proberFile = path.join(dir, 'prober.json');
  writeFileSync(
    proberFile,
    JSON.stringify({
      ...base,
      instance: 'prober-1',
      bus: { ...busSection, kafka: { ...busSection.kafka, spool: { dir: path.join(dir, 'spool-prober') } } },
      telemetry: { http: { port: 0 }, logLevel: 'info' },
      devices: [deviceEntry(0)],
      icmpProber: { cycleIntervalMs: INTERVAL_MS, probesPerCycle: 2, probeSpacingMs: 100, timeoutMs: 400 },
    }),
  );
  prober = spawn(process.execPath, [path.join(REPO_ROOT, 'services/icmp-prober/dist/main.js'), '--config', proberFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  prober.stdout?.on('data', (d: Buffer) => (proberOut += d.toString()));
  prober.stderr?.on('data', (d: Buffer) => (proberOut += d.toString()));
  await until('the poller to own its partitions', () => (pollerOut.includes('snmp targets reassigned') ? true : undefined), 60_000);
  await until('the prober to own its partitions', () => (proberOut.includes('icmp targets reassigned') ? true : undefined), 60_000);
}, 120_000);

afterAll(async () => {
  for (const p of [poller, prober]) if (p && p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  await sub?.close();
  await bus?.close();
  await lab?.close();
});

it('adds a device without a restart, removes one, and a bad file changes nothing', async () => {
  const [d0, d1, d2] = [0, 1, 2].map((i) => lab.devices[i]!.id);
  await until(`${d0} (from the poller's config file) polled`, polled(d0!, 1), 30_000);
  await until(`${d0} (from the prober's config file) probed`, pinged(d0!, 1), 30_000);
  expect(seen.has(d1!)).toBe(false);
  expect(probed.has(d1!)).toBe(false);

  // 1. add d1: published, polled by the running process
  const added = await apply('add.json', [deviceEntry(0), deviceEntry(1)]);
  expect(added).toEqual({ code: 0, stdout: expect.stringContaining(`${topic}: 2 device(s) published`), stderr: expect.not.stringContaining('sonde inventory apply') });
  const appliedAt = Date.now();
  seen = new Map();
  probed = new Map();
  await until(`${d1} polled after apply`, polled(d1!, 1), 3 * (INTERVAL_MS + 2000));
  await until(`${d1} probed after apply`, pinged(d1!, 1), 3 * (INTERVAL_MS + 2000));
  const addMs = Date.now() - appliedAt;
  await until(`${d0} still polled`, polled(d0!, 1), 3 * INTERVAL_MS);

  // 2. remove d1: a tombstone; the poller stops polling it
  const removed = await apply('remove.json', [deviceEntry(0)]);
  expect(removed.code).toBe(0);
  expect(removed.stdout).toContain(`removed: ${d1}`);
  await until(`the poller to drop ${d1}`, () => (new RegExp(`"lost":\\["${d1}"\\]`).test(pollerOut) ? true : undefined), 3 * INTERVAL_MS + 10_000);
  await until(`the prober to drop ${d1}`, () => (/"owned":1,"site":1,"msg":"icmp targets reassigned"/.test(proberOut.split('published inventory changed').pop() ?? '') ? true : undefined), 3 * INTERVAL_MS + 10_000);
  // a cycle in flight at the reassignment may still publish: wait one cycle of d0, then count
  await until(`${d0} polled again`, polled(d0!, (seen.get(d0!) ?? 0) + 1), 3 * INTERVAL_MS);
  await until(`${d0} probed again`, pinged(d0!, (probed.get(d0!) ?? 0) + 1), 3 * INTERVAL_MS);
  seen = new Map();
  probed = new Map();
  await until(`${d0} polled twice more`, polled(d0!, 2), 4 * INTERVAL_MS);
  await until(`${d0} probed twice more`, pinged(d0!, 2), 4 * INTERVAL_MS);
  expect(seen.get(d1!) ?? 0).toBe(0);
  expect(probed.get(d1!) ?? 0).toBe(0);

  // 3. a bad file (d2 with an impossible address): refused, the path named, nothing written
  const offsets = await endOffsets();
  const bad = await apply('bad.json', [deviceEntry(0), { ...deviceEntry(2), address: '10.0.0.300' }]);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toMatch(/bad\.json: devices\[1\]\.address: /);
  expect(bad.stderr).toContain('nothing was published');
  expect(await endOffsets()).toBe(offsets);
  seen = new Map();
  probed = new Map();
  await until(`${d0} polled twice after the bad file`, polled(d0!, 2), 4 * INTERVAL_MS);
  await until(`${d0} probed twice after the bad file`, pinged(d0!, 2), 4 * INTERVAL_MS);
  expect(seen.get(d2!) ?? 0).toBe(0);
  expect(seen.get(d1!) ?? 0).toBe(0);
  expect(probed.get(d2!) ?? 0).toBe(0);
  expect(probed.get(d1!) ?? 0).toBe(0);
  process.stdout.write(`inventory apply: added device first polled ${addMs} ms after \`sonde inventory apply\` returned (interval ${INTERVAL_MS} ms)\n`);
}, 240_000);
