import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { busConfigSchema } from '@sonde/bus/bus.config';
import { createEventBus } from '@sonde/bus/create-event-bus';
import { BusMetrics } from '@sonde/bus/bus.metrics';
import type { EventBus, Subscription } from '@sonde/bus/event-bus';
import { Lab } from '@sonde/lab/lab';
import { REPO_ROOT, realService } from '@sonde/testing/real-services';
import { Registry } from 'prom-client';

/**
 * design.md §5 end to end: two built poller processes of one site share six lab devices through
 * the Kafka consumer group of `sonde.targets.<site>`; every device is polled by exactly one of
 * them (seen on `sonde.snmp.v1`, by the events' collector); one is SIGKILLed and the survivor
 * polls all six once the group's session timeout dropped the dead member.
 * Needs the built service: `node node_modules/typescript/bin/tsc -b services/snmp-poller`.
 */
const INTERVAL_MS = 2000;
const SESSION_TIMEOUT_MS = 6000;

interface Replica {
  name: string;
  child: ChildProcess;
  out: () => string;
  url?: string;
}

let lab: Lab;
let bus: EventBus;
let sub: Subscription;
const replicas: Replica[] = [];
/** device id → collectors (replica instance names) seen on sonde.snmp.v1 since the last reset */
let seen = new Map<string, string[]>();
/** device id → collector and poll time (the event's ts) of every poll since the last reset */
let polledAt = new Map<string, { by: string; ts: number }[]>();

function startReplica(name: string, configFile: string): Replica {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'services/snmp-poller/dist/main.js'), '--config', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return { name, child, out: () => out };
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out (${timeoutMs} ms) waiting for ${what}\n${replicas.map((r) => `--- ${r.name}\n${r.out().slice(-3000)}`).join('\n')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The partitions each replica's last `target assignment changed` log line gave it, and when. */
function lastAssignment(r: Replica): number[] | undefined {
  return lastAssignmentLine(r)?.owned;
}

function lastAssignmentLine(r: Replica): { owned: number[]; time: number } | undefined {
  let last: { owned: number[]; time: number } | undefined;
  for (const line of r.out().split('\n')) {
    if (!line.includes('target assignment changed')) continue;
    last = JSON.parse(line) as { owned: number[]; time: number };
  }
  return last;
}

async function metric(r: Replica, name: string): Promise<number> {
  const text = await (await fetch(`${r.url}/metrics`)).text();
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
  if (!m?.[1]) throw new Error(`${r.name}: ${name} missing from /metrics`);
  return Number(m[1]);
}

/** Waits until every device was seen `times` times since the last reset; returns who polled each. */
async function everyDevicePolled(times: number, timeoutMs: number, by?: string): Promise<Map<string, Set<string>>> {
  return until(
    `every lab device polled ${times}× ${by ? `by ${by}` : ''}`,
    () => {
      const ok = lab.devices.every((d) => (seen.get(d.id) ?? []).filter((c) => by === undefined || c === by).length >= times);
      return ok ? new Map(lab.devices.map((d) => [d.id, new Set(seen.get(d.id))])) : undefined;
    },
    timeoutMs,
  );
}

beforeAll(async () => {
  const brokers = realService('kafka').SONDE_TEST_KAFKA_BROKERS ?? '';
  const run = randomUUID().slice(0, 8);
  const prefix = `failover-${run}-`;
  const site = `site-${run}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'sonde-failover-'));
  lab = await Lab.start({ devices: 6, distinctAddresses: true });

  const busSection = {
    type: 'kafka' as const,
    kafka: { brokers: brokers.split(','), topicPrefix: prefix, targets: { sessionTimeoutMs: SESSION_TIMEOUT_MS } },
  };
  bus = await createEventBus(busConfigSchema.parse({ ...busSection, kafka: { ...busSection.kafka, spool: { dir: path.join(dir, 'spool-test') }, consumer: { minBytes: 1, maxBatchWaitMs: 100 } } }), {
    metrics: new BusMetrics(new Registry()),
  });
  sub = await bus.subscribe({
    group: `failover-test-${run}`,
    families: ['snmp'],
    maxBatchWaitMs: 100,
    handler: async (batch) => {
      for (const e of batch.events) {
        if (e.kind !== 'snmp.metric' || e.payload.group !== 'snmp_poll') continue;
        const list = seen.get(e.device.id) ?? [];
        list.push(e.collector);
        seen.set(e.device.id, list);
        polledAt.set(e.device.id, [...(polledAt.get(e.device.id) ?? []), { by: e.collector, ts: e.ts }]);
      }
    },
  });

  for (const name of ['replica-a', 'replica-b']) {
    const file = path.join(dir, `${name}.json`);
    // JSON is YAML: the config file as an operator would write it, one per replica (own spool)
    writeFileSync(
      file,
      JSON.stringify({
        site,
        instance: name,
        telemetry: { http: { port: 0 }, logLevel: 'info' },
        state: { type: 'memory' },
        bus: { ...busSection, kafka: { ...busSection.kafka, spool: { dir: path.join(dir, `spool-${name}`) } } },
        credentials: { lab: { type: 'snmp-community', community: { value: lab.devices[0]?.community ?? 'public' } } },
        devices: lab.devices.map((d) => ({ id: d.id, name: d.name, address: d.address, snmp: { version: 'v2c', port: d.port, credential: 'lab' } })),
        snmpPoller: { intervalMs: INTERVAL_MS, jitter: 0, timeoutMs: 500, retries: 1 },
      }),
    );
    const r = startReplica(name, file);
    replicas.push(r);
  }
  for (const r of replicas) {
    r.url = await until(`${r.name} to start`, () => {
      if (r.child.exitCode !== null) throw new Error(`${r.name} exited ${r.child.exitCode}:\n${r.out()}`);
      return /"url":"([^"]+)"[^\n]*started/.exec(r.out())?.[1]?.replace('[::1]', '127.0.0.1');
    }, 60_000);
  }
}, 120_000);

afterAll(async () => {
  for (const r of replicas) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
  await sub?.close();
  await bus?.close();
  await lab?.close();
});

it('splits the devices between the replicas, and the survivor takes them all over after a SIGKILL', async () => {
  // 1. both replicas joined and the group's 12 partitions are split between them, disjointly
  await until('both replicas to share the partitions', () => {
    const [a, b] = replicas.map(lastAssignment);
    if (!a || !b) return undefined;
    const all = new Set([...a, ...b]);
    return all.size === 12 && a.length + b.length === 12 ? true : undefined;
  }, 60_000);
  const owned = await until('the owned_targets gauges to add up to 6', async () => {
    const counts = await Promise.all(replicas.map((r) => metric(r, 'sonde_snmp_poller_owned_targets')));
    return counts[0]! + counts[1]! === 6 ? counts : undefined;
  }, 30_000);
  for (const r of replicas) expect(await metric(r, 'sonde_snmp_poller_targets')).toBe(6);

  // 2. every device is polled, each by exactly one replica (one round first: cycles that were
  //    in flight during the join may still publish)
  seen = new Map();
  await everyDevicePolled(1, 30_000);
  seen = new Map();
  const pollers = await everyDevicePolled(2, 30_000);
  for (const [device, collectors] of pollers) expect({ device, collectors: [...collectors] }).toEqual({ device, collectors: [expect.any(String)] });
  const perReplica = replicas.map((r) => [...pollers.values()].filter((c) => c.has(r.name)).length);
  expect(perReplica).toEqual(owned);

  // 3. SIGKILL the replica polling more devices (no leave-group: Kafka must notice the silence)
  const victim = perReplica[0]! >= perReplica[1]! ? replicas[0]! : replicas[1]!;
  const survivor = victim === replicas[0] ? replicas[1]! : replicas[0]!;
  victim.child.kill('SIGKILL');
  const killedAt = Date.now();
  seen = new Map();
  polledAt = new Map();
  // a hang guard (×3 for a loaded machine); the promise itself is asserted below
  await everyDevicePolled(1, 3 * (SESSION_TIMEOUT_MS + 2 * INTERVAL_MS), survivor.name);
  expect(await metric(survivor, 'sonde_snmp_poller_owned_targets')).toBe(6);
  expect(lastAssignment(survivor)).toHaveLength(12);
  // failover = when the survivor polled the last of the devices (the events' ts: the poll
  // itself, not its delivery to this test) after the SIGKILL
  const firstPolls = lab.devices.map((d) => Math.min(...(polledAt.get(d.id) ?? []).filter((p) => p.by === survivor.name && p.ts >= killedAt).map((p) => p.ts)));
  const failoverMs = Math.max(...firstPolls) - killedAt;
  const rebalanceMs = lastAssignmentLine(survivor)!.time - killedAt;
  const boundMs = SESSION_TIMEOUT_MS + INTERVAL_MS;
  process.stdout.write(
    `failover: every device polled by ${survivor.name} ${failoverMs} ms after SIGKILL of ${victim.name} (new assignment after ${rebalanceMs} ms; ` +
      `bound: session ${SESSION_TIMEOUT_MS} ms + interval ${INTERVAL_MS} ms = ${boundMs} ms)\n`,
  );
  // design.md §5's promise: a SIGKILLed replica's targets are taken over within one interval
  // plus the group's session timeout
  expect(failoverMs).toBeLessThanOrEqual(boundMs);
}, 240_000);
