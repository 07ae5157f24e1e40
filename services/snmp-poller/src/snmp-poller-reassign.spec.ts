import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import type { TargetAssignment } from '@sonde/bus/target-assignment';
import type { SondeEvent } from '@sonde/events/sonde-event';
import type { PollTarget } from '@sonde/snmp/poll/device-poller';
import { SnmpPoller } from './snmp-poller';
import { snmpPollerConfigSchema } from './snmp-poller.config';

/**
 * Ownership changes (design.md §5) with a fake TargetAssignment: a plain object implementing the
 * port whose shard of each device the test decides, and which announces reassignments the way
 * the Kafka adapter does after a rebalance (the whole owned set each time).
 */
class FakeAssignment implements TargetAssignment {
  private owned = new Set<string>();
  private onChange: ((owned: ReadonlySet<number> | 'all') => void) | undefined;
  async start(onChange: (owned: ReadonlySet<number> | 'all') => void): Promise<void> {
    this.onChange = onChange;
  }
  owns(deviceId: string): boolean {
    return this.owned.has(deviceId);
  }
  async close(): Promise<void> {}
  /** A rebalance: this replica now owns exactly these devices. */
  assign(devices: string[]): void {
    this.owned = new Set(devices);
    this.onChange?.(new Set(devices.map((_, i) => i)));
  }
}

const published: SondeEvent[] = [];
const bus = { publish: async (events: readonly SondeEvent[]) => void published.push(...events) };
let blackHole: Socket;
let port: number;

beforeAll(async () => {
  // an "agent" that never answers: every cycle is a quick timeout, published as snmp_poll status
  blackHole = createSocket('udp4');
  await new Promise<void>((resolve) => blackHole.bind(0, '127.0.0.1', resolve));
  port = (blackHole.address() as AddressInfo).port;
});
afterAll(() => blackHole.close());

function target(id: string): PollTarget {
  return {
    device: { id, address: '127.0.0.1' },
    snmp: { device: id, address: '127.0.0.1', port, credential: { version: 'v2c', community: 'public' }, timeoutMs: 50, retries: 0, backoff: 1 },
    intervalMs: 1000,
    maxRepetitions: 10,
  };
}

function setup() {
  const assignment = new FakeAssignment();
  const poller = new SnmpPoller({
    config: snmpPollerConfigSchema.parse({ intervalMs: 1000, jitter: 0 }),
    bus,
    origin: { site: 'lab', collector: 'replica-a' },
    owns: (id) => assignment.owns(id),
  });
  const changes: Array<{ gained: string[]; lost: string[] }> = [];
  void assignment.start(() => changes.push(poller.reassign()));
  poller.setTargets(['r1', 'r2', 'r3', 'r4'].map(target));
  return { assignment, poller, changes };
}

const polled = (device: string) => published.filter((e) => e.device.id === device).length;

async function until(what: string, cond: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

it('owns nothing before the first assignment, then exactly the assigned devices', async () => {
  const { assignment, poller, changes } = setup();
  expect(poller.ownedDeviceIds).toEqual([]);
  expect(poller.siteTargetCount).toBe(4);

  assignment.assign(['r1', 'r3']);
  expect(poller.ownedDeviceIds).toEqual(['r1', 'r3']);
  expect(changes.at(-1)).toEqual({ gained: ['r1', 'r3'], lost: [] });

  // a rebalance: r3 moves away, r2 and r4 come here
  assignment.assign(['r1', 'r2', 'r4']);
  expect(poller.ownedDeviceIds).toEqual(['r1', 'r2', 'r4']);
  expect(poller.targetCount).toBe(3);
  expect(changes.at(-1)).toEqual({ gained: ['r2', 'r4'], lost: ['r3'] });

  // the inventory changes under a stable assignment: only owned devices are scheduled
  poller.setTargets(['r1', 'r3'].map(target));
  expect(poller.ownedDeviceIds).toEqual(['r1']);
  expect(poller.siteTargetCount).toBe(2);
  await poller.stop();
});

it('starts the schedules of gained devices and stops those of lost ones', async () => {
  const { assignment, poller } = setup();
  published.length = 0;
  poller.start();
  assignment.assign(['r1']);
  await until('r1 polled twice', () => polled('r1') >= 2);
  expect(polled('r2')).toBe(0);

  assignment.assign(['r2']);
  // a cycle of r1 in flight at the rebalance may still publish: let two of r2's pass first
  await until('r2 polled twice', () => polled('r2') >= 2);
  published.length = 0;
  await until('r2 polled twice more', () => polled('r2') >= 2);
  expect(polled('r1')).toBe(0);
  expect(published.every((e) => e.device.id === 'r2')).toBe(true);
  await poller.stop();
});
