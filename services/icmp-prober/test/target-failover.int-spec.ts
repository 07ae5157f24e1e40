import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { busConfigSchema } from '@sonde/bus/bus.config';
import { BusMetrics } from '@sonde/bus/bus.metrics';
import { createEventBus } from '@sonde/bus/create-event-bus';
import type { EventBus, Subscription } from '@sonde/bus/event-bus';
import { realService } from '@sonde/testing/real-services';
import { failoverMs, ServiceReplicas } from '@sonde/testing/service-replicas';
import { Registry } from 'prom-client';

/**
 * design.md §5 for the prober: three built icmp-prober processes of one site share eight
 * loopback targets (127.0.0.x: Linux answers echo for all of 127/8) through the Kafka consumer
 * group `sonde-icmp-prober-<site>` on `sonde.targets.<site>`. In steady state every target is
 * probed by exactly one replica (seen on `sonde.icmp.v1`, by the events' collector); one replica
 * is SIGKILLed (no leave-group) and the survivors probe its targets once the session timeout
 * dropped it. Raw sockets: needs root or CAP_NET_RAW (the test runs as root). Needs the build:
 * `node node_modules/typescript/bin/tsc -b services/icmp-prober`.
 */
const INTERVAL_MS = 1500;
const SESSION_TIMEOUT_MS = 6000;
const TARGETS = Array.from({ length: 8 }, (_, i) => ({ id: `loop-${i + 1}`, address: `127.0.0.${21 + i}` }));

let bus: EventBus;
let sub: Subscription;
/** device id → collectors of its (non-transition) icmp.probe events since the last reset */
let seen = new Map<string, string[]>();
/** device id → collector and cycle start (the event's ts) of every probe cycle since the last reset */
let probedAt = new Map<string, { by: string; ts: number }[]>();
const set = new ServiceReplicas('icmp-prober', { pollMs: 100, describe: () => `seen ${JSON.stringify([...seen])}` });
const replicas = set.replicas;

/** Waits until every target was probed `times` times since the last reset (by `among` only, if given). */
async function everyTargetProbed(times: number, timeoutMs: number, among?: readonly string[]): Promise<Map<string, string[]>> {
  return set.until(
    `every target probed ${times}×${among ? ` by ${among.join('/')}` : ''}`,
    () => {
      const ok = TARGETS.every((t) => (seen.get(t.id) ?? []).filter((c) => !among || among.includes(c)).length >= times);
      return ok ? new Map(TARGETS.map((t) => [t.id, [...(seen.get(t.id) ?? [])]])) : undefined;
    },
    timeoutMs,
  );
}

beforeAll(async () => {
  const brokers = realService('kafka').SONDE_TEST_KAFKA_BROKERS ?? '';
  const run = randomUUID().slice(0, 8);
  const site = `icmp-${run}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'sonde-icmp-failover-'));
  const busSection = { type: 'kafka' as const, kafka: { brokers: brokers.split(','), topicPrefix: `icmpfo-${run}-`, targets: { sessionTimeoutMs: SESSION_TIMEOUT_MS } } };
  bus = await createEventBus(busConfigSchema.parse({ ...busSection, kafka: { ...busSection.kafka, spool: { dir: path.join(dir, 'spool-test') } } }), { metrics: new BusMetrics(new Registry()) });
  sub = await bus.subscribe({
    group: `icmp-failover-test-${run}`,
    families: ['icmp'],
    maxBatchWaitMs: 100,
    handler: async (batch) => {
      for (const e of batch.events) {
        if (e.kind !== 'icmp.probe' || e.payload.transition) continue; // a transition repeats the cycle's measurements
        seen.set(e.device.id, [...(seen.get(e.device.id) ?? []), e.collector]);
        probedAt.set(e.device.id, [...(probedAt.get(e.device.id) ?? []), { by: e.collector, ts: e.ts }]);
      }
    },
  });
  for (const name of ['prober-a', 'prober-b', 'prober-c']) {
    set.startWith(name, dir, {
      site,
      bus: busSection,
      devices: TARGETS,
      icmpProber: { cycleIntervalMs: INTERVAL_MS, probesPerCycle: 2, probeSpacingMs: 100, timeoutMs: 400 },
    });
  }
  await set.started();
}, 120_000);

afterAll(async () => {
  set.killAll();
  await sub?.close();
  await bus?.close();
});

it('probes each target from exactly one replica, and the survivors take a SIGKILLed replica\'s targets over', async () => {
  // 1. the group's 12 partitions are split among the three, disjointly
  await set.until('the three replicas to share the partitions', () => (set.shareDisjointly(replicas, 12) ? true : undefined), 60_000);

  // 2. steady state: after one round (cycles begun before the last rebalance may still land),
  //    two rounds in which every target is probed by one replica only
  seen = new Map();
  await everyTargetProbed(1, 30_000);
  seen = new Map();
  const steady = await everyTargetProbed(2, 30_000);
  for (const [device, collectors] of steady) expect({ device, probedBy: [...new Set(collectors)] }).toEqual({ device, probedBy: [expect.any(String)] });
  const byReplica = new Map(replicas.map((r) => [r.name, [...steady].filter(([, c]) => c.includes(r.name)).map(([d]) => d)]));

  // 3. SIGKILL the replica probing the most targets; the survivors must probe all eight
  const victim = [...replicas].sort((a, b) => (byReplica.get(b.name)?.length ?? 0) - (byReplica.get(a.name)?.length ?? 0))[0]!;
  expect(byReplica.get(victim.name)!.length).toBeGreaterThan(0);
  const survivors = replicas.filter((r) => r !== victim).map((r) => r.name);
  victim.child.kill('SIGKILL');
  const killedAt = Date.now();
  seen = new Map();
  probedAt = new Map();
  // a hang guard (×3 for a loaded machine); the promise itself is asserted below
  await everyTargetProbed(1, 3 * (SESSION_TIMEOUT_MS + 2 * INTERVAL_MS), survivors);
  // failover = when the survivors started the last target's first cycle after the SIGKILL
  // (the events' ts: the probing itself, not its delivery to this test)
  const failover = failoverMs(probedAt, TARGETS.map((t) => t.id), survivors, killedAt);
  const boundMs = SESSION_TIMEOUT_MS + INTERVAL_MS;

  // 4. steady again with two replicas: one prober per target
  await set.until('the survivors to share all 12 partitions', () => (set.shareDisjointly(replicas.filter((r) => r !== victim), 12) ? true : undefined), 30_000);
  seen = new Map();
  await everyTargetProbed(1, 30_000, survivors);
  seen = new Map();
  const after = await everyTargetProbed(2, 30_000, survivors);
  for (const [device, collectors] of after) {
    const probedBy = [...new Set(collectors)];
    expect({ device, probedBy }).toEqual({ device, probedBy: [expect.any(String)] });
    expect(survivors).toContain(probedBy[0]);
  }
  process.stdout.write(
    `icmp failover: every target probed by ${survivors.join('/')} ${failover} ms after SIGKILL of ${victim.name} ` +
      `(it probed ${byReplica.get(victim.name)!.length} of ${TARGETS.length}; bound: session ${SESSION_TIMEOUT_MS} ms + interval ${INTERVAL_MS} ms = ${boundMs} ms)\n`,
  );
  // design.md §5's promise: a SIGKILLed replica's targets are taken over within one interval
  // plus the group's session timeout
  expect(failover).toBeLessThanOrEqual(boundMs);
}, 240_000);
