import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { busConfigSchema } from '@sonde/bus/bus.config';
import { BusMetrics } from '@sonde/bus/bus.metrics';
import { createEventBus } from '@sonde/bus/create-event-bus';
import type { EventBus, Subscription } from '@sonde/bus/event-bus';
import { createEvent } from '@sonde/events/create-event';
import type { SondeEvent } from '@sonde/events/sonde-event';
import { RedisStateStore } from '@sonde/state/redis/redis-state-store';
import { realService } from '@sonde/testing/real-services';
import { AlertCheckpointStore } from '../src/alert-checkpoint-store';
import { AlertEngineMetrics } from '../src/alert-engine.metrics';
import type { AlertStateEvent } from '../src/alert-transition-sink';
import { BusTransitionSink } from '../src/bus-transition-sink';
import { CEL_ENGINES } from '../src/cel-engine';
import { EvaluationPipeline } from '../src/evaluation-pipeline';
import { loadRuleSet } from '../src/rule-set-loader';

/**
 * The evaluation half on the real adapters (issue 9 item 10): events come from real Kafka through
 * a consumer group, transitions go back to Kafka (sonde.alert.v1), per-device state is
 * checkpointed in real Redis. An evaluator stopped mid-way and replaced by a fresh one (new
 * process memory, same group, same Redis) continues the pending timer and the firing alert:
 * the next transitions keep the series' startsAt and transition sequence.
 */
const rules = loadRuleSet(
  {
    rules: [
      { id: 'device-unreachable', type: 'state', state: 'icmp-unreachable', for: '1m', severity: 'critical', inhibits: { sameDevice: 'all', children: true } },
      { id: 'interface-down', type: 'state', state: 'interface-down' },
    ],
    inhibitRules: [],
    ruleFiles: [],
    defaultRules: false,
  },
  { cel: CEL_ENGINES['cel-js'] },
);

const origin = { site: 'int', collector: 'icmp-1' };
const icmp = (device: string, ts: number, down: boolean) =>
  createEvent('icmp.probe', origin, { id: device, name: device, address: '192.0.2.1' }, {
    target: '192.0.2.1', family: 4, sent: 3, received: down ? 0 : 3, lossPct: down ? 100 : 0, rttMinMs: null, rttAvgMs: null, rttMaxMs: null,
    rttStddevMs: null, errors: {}, reachability: down ? 'down' : 'up',
  }, ts);
const ifRow = (device: string, ts: number, oper: number) => {
  const labels = { ifIndex: '2', ifName: 'eth2' };
  return createEvent('snmp.metric', { site: 'int', collector: 'poller-1' }, { id: device, name: device, address: '192.0.2.1' }, {
    group: 'interfaces',
    samples: [
      { name: 'ifAdminStatus', labels, value: 1, unit: '', type: 'status' },
      { name: 'ifOperStatus', labels, value: oper, unit: '', type: 'status' },
    ],
  }, ts);
};

async function until<T>(what: string, check: () => T | undefined, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('alert evaluation on real Kafka + Redis', () => {
  const prefix = `ae${Date.now().toString(36)}.`;
  const keyPrefix = `sonde-test:alert-engine:${process.pid}:${Date.now().toString(36)}:`;
  let bus: EventBus;
  const opened: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    const config = busConfigSchema.parse({
      type: 'kafka',
      kafka: {
        brokers: (realService('kafka').SONDE_TEST_KAFKA_BROKERS ?? '').split(','),
        topicPrefix: prefix,
        partitions: 3,
        consumer: { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1_000, rebalanceTimeoutMs: 10_000, minBytes: 1 },
        spool: { dir: mkdtempSync(path.join(tmpdir(), 'sonde-ae-spool-')) },
      },
    });
    bus = await createEventBus(config, { metrics: new BusMetrics(new Registry()) });
  }, 120_000);
  afterAll(async () => {
    for (const o of opened.reverse()) await o.close().catch(() => undefined);
    await bus?.close();
  });

  function evaluator(clock: () => number, ruleSet = rules, registry = new Registry()) {
    const state = new RedisStateStore({ url: realService('redis').SONDE_TEST_REDIS_URL ?? '', keyPrefix });
    opened.push(state);
    return new EvaluationPipeline(ruleSet, {
      collector: 'alert-engine-int',
      sink: new BusTransitionSink(bus),
      checkpoints: new AlertCheckpointStore(state, 'ae:'),
      metrics: new AlertEngineMetrics(registry),
      tagsOf: () => [],
      parentsOf: (id) => (id === 'switch-1' ? ['router-1'] : []),
      onRuleError: (rule, _device, err) => {
        throw new Error(`rule ${rule.id} failed: ${String(err)}`);
      },
      clock,
    });
  }

  it('a replacement evaluator continues pending and firing state from the Redis checkpoint', async () => {
    const transitions: AlertStateEvent[] = [];
    const watcher = await bus.subscribe({
      group: `${prefix}watch`,
      families: ['alert'],
      handler: async (batch) => void transitions.push(...(batch.events.filter((e): e is AlertStateEvent => e.kind === 'alert.state'))),
      maxBatchWaitMs: 100,
    });
    opened.push(watcher);
    const subscribe = (p: EvaluationPipeline): Promise<Subscription> =>
      bus.subscribe({ group: `${prefix}alert-engine`, families: ['icmp', 'snmp'], handler: (b) => p.handle(b), maxBatchWaitMs: 100 });
    const find = (device: string, rule: string, t: string) => () =>
      transitions.find((e) => e.device.id === device && e.payload.ruleId === rule && e.payload.transition === t);

    const t0 = Date.now();
    let now = t0;
    const first = evaluator(() => now);
    const sub1 = await subscribe(first);
    await bus.publish([ifRow('switch-1', t0, 2), icmp('router-1', t0, true)] as SondeEvent[]);
    const pending = await until('router-1 pending', find('router-1', 'device-unreachable', 'pending'));
    const ifFiring = await until('switch-1 interface down', find('switch-1', 'interface-down', 'firing'));
    expect(pending.payload.transitionId).toBe(`${pending.payload.fingerprint}:1`);
    // the group key is the fingerprint (no routing tree here) and keys the Kafka message
    expect(pending.payload.groupKey).toBe(pending.payload.fingerprint);
    await sub1.close();

    // a fresh evaluator: nothing in memory, the same consumer group and Redis
    const second = evaluator(() => now);
    const sub2 = await subscribe(second);
    opened.push(sub2);
    // a device is taken over with its next event (the poller reports the interface down each cycle)
    await bus.publish([icmp('router-1', t0 + 30_000, true), ifRow('switch-1', t0 + 30_000, 2)] as SondeEvent[]);
    await until('the second evaluator to load both devices', () => (second.evaluator.has('router-1') && second.evaluator.has('switch-1') ? true : undefined));
    now = t0 + 61_000;
    await second.tick();
    const firing = await until('router-1 firing', find('router-1', 'device-unreachable', 'firing'));
    expect(firing.payload).toMatchObject({ startsAt: t0, transitionId: `${pending.payload.fingerprint}:2`, fingerprint: pending.payload.fingerprint });
    // the child's interface alert (firing before the restart) is muted by its parent now
    const inhibited = await until('switch-1 muted', find('switch-1', 'interface-down', 'inhibited'));
    expect(inhibited.payload).toMatchObject({ fingerprint: ifFiring.payload.fingerprint, inhibitedBy: [firing.payload.fingerprint], transitionId: `${ifFiring.payload.fingerprint}:2` });

    await bus.publish([icmp('router-1', t0 + 70_000, false), ifRow('switch-1', t0 + 70_000, 1)] as SondeEvent[]);
    const resolved = await until('router-1 resolved', find('router-1', 'device-unreachable', 'resolved'));
    expect(resolved.payload).toMatchObject({ transitionId: `${pending.payload.fingerprint}:3`, endsAt: t0 + 70_000 });
    await until('switch-1 resolved', find('switch-1', 'interface-down', 'resolved'));
    // every transition once: transition ids unique
    const ids = transitions.map((e) => e.payload.transitionId);
    expect(new Set(ids).size).toBe(ids.length);
  }, 300_000);

  it('a device that falls silent while its partition moves is adopted by the new owner and its absence fires', async () => {
    const absenceRules = loadRuleSet(
      { rules: [{ id: 'icmp-absent', type: 'absence', kind: 'icmp.probe', for: '2m', severity: 'warning' }], inhibitRules: [], ruleFiles: [], defaultRules: false },
      { cel: CEL_ENGINES['cel-js'] },
    );
    const group = `${prefix}alert-engine-adopt`;
    const transitions: AlertStateEvent[] = [];
    const watcher = await bus.subscribe({
      group: `${prefix}watch-adopt`,
      families: ['alert'],
      handler: async (batch) => void transitions.push(...(batch.events.filter((e): e is AlertStateEvent => e.kind === 'alert.state'))),
      maxBatchWaitMs: 100,
    });
    opened.push(watcher);
    const subscribe = (p: EvaluationPipeline): Promise<Subscription> =>
      bus.subscribe({ group, families: ['icmp', 'snmp'], handler: (b) => p.handle(b), maxBatchWaitMs: 100, onAssignment: (parts) => void p.assigned(parts) });

    const t0 = Date.now();
    let now = t0;
    const first = evaluator(() => now, absenceRules);
    const sub1 = await subscribe(first);
    const quiet = ['quiet-1', 'quiet-2', 'quiet-3', 'quiet-4'];
    await bus.publish(quiet.map((d) => icmp(d, t0, false)) as SondeEvent[]);
    await until('the first owner to hold every device', () => (quiet.every((d) => first.evaluator.has(d)) ? true : undefined));
    // …and to have put them on their partitions' rosters (the batch is then being committed; close() waits for it)
    const store = new RedisStateStore({ url: realService('redis').SONDE_TEST_REDIS_URL ?? '', keyPrefix });
    opened.push(store);
    const rosters = new AlertCheckpointStore(store, 'ae:');
    const rostered = async () => (await Promise.all([0, 1, 2].map((p) => rosters.roster(p)))).flat();
    const deadline = Date.now() + 60_000;
    let latest = await rostered();
    while (!quiet.every((d) => latest.includes(d))) {
      if (Date.now() > deadline) throw new Error('the devices never reached a roster');
      await new Promise((r) => setTimeout(r, 100));
      latest = await rostered();
    }
    // the devices go silent, and their owner goes away (its partitions move)
    await sub1.close();

    const metrics = new Registry();
    const second = evaluator(() => now, absenceRules, metrics);
    const sub2 = await subscribe(second);
    opened.push(sub2);
    // nothing more is published for them: the new owner must load them from the roster
    await until('the new owner to adopt the silent devices', () => (quiet.every((d) => second.evaluator.has(d)) ? true : undefined));
    // (the group reads the topics from the start, so the first test's devices are adopted too)
    const adopted = Number(/sonde_alert_engine_devices_adopted_total (\d+)/.exec(await metrics.getSingleMetricAsString('sonde_alert_engine_devices_adopted_total'))?.[1]);
    expect(adopted).toBeGreaterThanOrEqual(quiet.length);
    now = t0 + 3 * 60_000;
    await second.tick();
    now = t0 + 6 * 60_000;
    await second.tick();
    for (const d of quiet) await until(`${d} absent: firing`, () => transitions.find((e) => e.device.id === d && e.payload.ruleId === 'icmp-absent' && e.payload.transition === 'firing'));
  }, 300_000);
});
