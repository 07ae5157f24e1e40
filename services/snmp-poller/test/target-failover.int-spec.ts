import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { busConfigSchema } from '@sonde/bus/bus.config';
import { createEventBus } from '@sonde/bus/create-event-bus';
import { BusMetrics } from '@sonde/bus/bus.metrics';
import type { EventBus, Subscription } from '@sonde/bus/event-bus';
import { Lab } from '@sonde/lab/lab';
import { realService } from '@sonde/testing/real-services';
import { failoverMs, ServiceReplicas } from '@sonde/testing/service-replicas';
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

let lab: Lab;
let bus: EventBus;
let sub: Subscription;
const set = new ServiceReplicas('snmp-poller');
const replicas = set.replicas;
/** device id → collectors (replica instance names) seen on sonde.snmp.v1 since the last reset */
let seen = new Map<string, string[]>();
/** device id → collector and poll time (the event's ts) of every poll since the last reset */
let polledAt = new Map<string, { by: string; ts: number }[]>();

/** Waits until every device was seen `times` times since the last reset; returns who polled each. */
async function everyDevicePolled(times: number, timeoutMs: number, by?: string): Promise<Map<string, Set<string>>> {
  return set.until(
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
    set.startWith(name, dir, {
      site,
      state: { type: 'memory' },
      bus: busSection,
      credentials: { lab: { type: 'snmp-community', community: { value: lab.devices[0]?.community ?? 'public' } } },
      devices: lab.devices.map((d) => ({ id: d.id, name: d.name, address: d.address, snmp: { version: 'v2c', port: d.port, credential: 'lab' } })),
      snmpPoller: { intervalMs: INTERVAL_MS, jitter: 0, timeoutMs: 500, retries: 1 },
    });
  }
  await set.started();
}, 120_000);

afterAll(async () => {
  set.killAll();
  await sub?.close();
  await bus?.close();
  await lab?.close();
});

it('splits the devices between the replicas, and the survivor takes them all over after a SIGKILL', async () => {
  // 1. both replicas joined and the group's 12 partitions are split between them, disjointly
  await set.until('both replicas to share the partitions', () => (set.shareDisjointly(replicas, 12) ? true : undefined), 60_000);
  const owned = await set.until('the owned_targets gauges to add up to 6', async () => {
    const counts = await Promise.all(replicas.map((r) => set.metric(r, 'sonde_snmp_poller_owned_targets')));
    return counts[0]! + counts[1]! === 6 ? counts : undefined;
  }, 30_000);
  for (const r of replicas) expect(await set.metric(r, 'sonde_snmp_poller_targets')).toBe(6);

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
  expect(await set.metric(survivor, 'sonde_snmp_poller_owned_targets')).toBe(6);
  expect(set.lastAssignment(survivor)).toHaveLength(12);
  // failover = when the survivor polled the last of the devices (the events' ts: the poll
  // itself, not its delivery to this test) after the SIGKILL
  const failover = failoverMs(polledAt, lab.devices.map((d) => d.id), [survivor.name], killedAt);
  const rebalanceMs = set.lastAssignmentLine(survivor)!.time - killedAt;
  const boundMs = SESSION_TIMEOUT_MS + INTERVAL_MS;
  process.stdout.write(
    `failover: every device polled by ${survivor.name} ${failover} ms after SIGKILL of ${victim.name} (new assignment after ${rebalanceMs} ms; ` +
      `bound: session ${SESSION_TIMEOUT_MS} ms + interval ${INTERVAL_MS} ms = ${boundMs} ms)\n`,
  );
  // design.md §5's promise: a SIGKILLed replica's targets are taken over within one interval
  // plus the group's session timeout
  expect(failover).toBeLessThanOrEqual(boundMs);
}, 240_000);
