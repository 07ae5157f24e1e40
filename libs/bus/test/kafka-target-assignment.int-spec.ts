import { randomUUID } from 'node:crypto';
import { realService } from '@sonde/testing/real-services';
import { busConfigSchema } from '../src/bus.config';
import { KafkaTargetAssignment } from '../src/kafka/kafka-target-assignment';
import { partitionOf } from '../src/target-assignment';

/** The Kafka TargetAssignment adapter on a real broker: the group's partitions are the shards. */
const brokers = () => (realService('kafka').SONDE_TEST_KAFKA_BROKERS ?? '').split(',');

function member(prefix: string, partitions: number) {
  const config = busConfigSchema.parse({ type: 'kafka', kafka: { brokers: brokers(), topicPrefix: prefix, targets: { partitions, sessionTimeoutMs: 6000 } } });
  const assignment = new KafkaTargetAssignment(config, { service: 'test-poller', site: 'lab' });
  const changes: Array<ReadonlySet<number>> = [];
  const started = assignment.start((owned) => {
    if (owned !== 'all') changes.push(owned);
  });
  return { assignment, changes, started, last: () => changes.at(-1) };
}

async function until(what: string, cond: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const devices = Array.from({ length: 200 }, (_, i) => `device-${i}`);

it('splits the partitions between members disjointly, and hands them all to the one left', async () => {
  const prefix = `ta-${randomUUID().slice(0, 8)}-`;
  const a = member(prefix, 6);
  await a.started;
  expect(a.assignment.topic).toBe(`${prefix}sonde.targets.lab`);
  expect(a.assignment.groupId).toBe('sonde-test-poller-lab');
  expect([...(a.last() ?? [])].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  expect(devices.every((d) => a.assignment.owns(d))).toBe(true);

  const b = member(prefix, 6);
  await b.started;
  await until('a and b to hold 3 partitions each', () => a.last()?.size === 3 && b.last()?.size === 3);
  // every device has exactly one owner, the one holding its partition
  for (const d of devices) {
    expect([a.assignment.owns(d), b.assignment.owns(d)].filter(Boolean)).toHaveLength(1);
    expect(a.assignment.owns(d)).toBe(a.last()?.has(partitionOf(d, 6)));
  }

  await b.assignment.close(); // leaves the group: a rebalance, no session timeout to wait for
  await until('a to own all 6 partitions again', () => a.last()?.size === 6);
  expect(devices.every((d) => a.assignment.owns(d))).toBe(true);
  await a.assignment.close();
}, 120_000);

it('uses the partition count of an existing topic over the configured one', async () => {
  const prefix = `ta-${randomUUID().slice(0, 8)}-`;
  const first = member(prefix, 4);
  await first.started;
  await first.assignment.close();
  const second = member(prefix, 12);
  await second.started;
  expect([...(second.last() ?? [])].sort()).toEqual([0, 1, 2, 3]);
  expect(devices.every((d) => second.assignment.owns(d))).toBe(true);
  await second.assignment.close();
}, 120_000);
