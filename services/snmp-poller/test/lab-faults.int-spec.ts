import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LabAgent } from '@sonde/lab/lab-agent';
import type { LabFaultsInput } from '@sonde/lab/lab-faults';
import { labTestDevice } from '@sonde/lab/lab-test-device';
import type { MetricSample } from '@sonde/events/payloads/metric-sample';
import { SnmpPoller } from '../src/snmp-poller';
import { RecordingBus, target, testConfig, V2C } from './poller-fixture';

// Lab agents (libs/lab) misbehave on purpose. Lab and poller share one fake clock, so counters,
// sysUpTime and the poller's timestamps agree: 60 s between cycles without waiting 60 s.
let clock = 1_800_000_000_000;
const now = () => clock;
const agents: LabAgent[] = [];

async function labAgent(id: string, over: Parameters<typeof labTestDevice>[0] = {}, upMs = 3_600_000): Promise<LabAgent> {
  const a = await LabAgent.start({ device: labTestDevice({ id, name: id, ...over }, clock - upMs), community: 'public', clock: now });
  agents.push(a);
  return a;
}

afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()));
});

const rates = (s: MetricSample[]) => s.filter((x) => x.type === 'rate');

interface Expected {
  status: Record<string, number>;
  error?: string;
  samples: Record<string, number>;
}

describe('snmp-poller against faulty lab agents', () => {
  let bus: RecordingBus;
  let poller: SnmpPoller;
  beforeEach(() => {
    bus = new RecordingBus();
    poller = new SnmpPoller({ config: testConfig(), bus, origin: { site: 'lab', collector: 'test' }, now });
  });
  afterEach(async () => poller.stop());

  it('Counter32 wrap between polls: a rate equal to the traffic, never negative (v1 → ifInOctets)', async () => {
    const a = await labAgent('wrap-1', { counterOffset: 2n ** 32n - 5_000_000n }, 1000);
    const t = target('wrap-1', a.port, { version: 'v1', community: 'public' });
    await poller.cycle(t);
    const first = bus.samples('wrap-1', 'interfaces').find((s) => s.name === 'ifInOctets' && s.labels.ifIndex === '1')!;
    clock += 60_000;
    bus.clear();
    await poller.cycle(t);
    const second = bus.samples('wrap-1', 'interfaces').find((s) => s.name === 'ifInOctets' && s.labels.ifIndex === '1')!;
    expect(second.value).toBeLessThan(first.value); // it wrapped
    const rate = bus.samples('wrap-1', 'interfaces').find((s) => s.name === 'ifInOctets_rate' && s.labels.ifIndex === '1')!;
    expect(rate.value).toBeCloseTo(125_000, -2); // labTestDevice: 125 000 B/s on interface 1
    for (const r of rates(bus.samples('wrap-1'))) expect(r.value).toBeGreaterThanOrEqual(0);
  });

  it('splits a large group into several events (Kafka message size), same samples', async () => {
    const a = await labAgent('big-1', { interfaces: 48 });
    const small = new SnmpPoller({ config: testConfig({ maxSamplesPerEvent: 100 }), bus, origin: { site: 'lab', collector: 'test' }, now });
    await small.cycle(target('big-1', a.port, V2C()));
    await small.stop();
    const ifEvents = bus.events.filter((e) => e.kind === 'snmp.metric' && e.payload.group === 'interfaces');
    expect(ifEvents.length).toBeGreaterThan(5);
    for (const e of ifEvents) if (e.kind === 'snmp.metric') expect(e.payload.samples.length).toBeLessThanOrEqual(100);
    expect(bus.samples('big-1', 'interfaces').filter((s) => s.name === 'ifOperStatus')).toHaveLength(48);
  });

  it('agent restart: no rate for the cycle across the restart (reported), rates again after', async () => {
    const a = await labAgent('restart-1');
    const t = target('restart-1', a.port, V2C());
    await poller.cycle(t);
    clock += 30_000;
    a.restart();
    clock += 30_000;
    bus.clear();
    await poller.cycle(t);
    expect(rates(bus.samples('restart-1', 'interfaces'))).toEqual([]);
    const withheld = bus.samples('restart-1', 'snmp_poll').filter((s) => s.name === 'snmp_poll_rates_withheld');
    expect(withheld.map((s) => s.labels.reason)).toContain('restart');
    clock += 60_000;
    bus.clear();
    await poller.cycle(t);
    const after = rates(bus.samples('restart-1', 'interfaces'));
    expect(after.length).toBeGreaterThan(0);
    for (const r of after) expect(r.value).toBeGreaterThanOrEqual(0);
  });

  it('SNMPv3 AES-256 with Reeder key extension (aes256r, no Debian peer) against a lab agent', async () => {
    const users = [{ name: 'reeder', level: 'authPriv' as const, authProtocol: 'sha' as const, authKey: 'reeder-auth-1', privProtocol: 'aes256r' as const, privKey: 'reeder-priv-1' }];
    const a = await LabAgent.start({ device: labTestDevice({ id: 'reeder-1', name: 'reeder-1' }, clock - 600_000), community: 'public', users, clock: now });
    agents.push(a);
    const t = target('reeder-1', a.port, { version: 'v3', user: 'reeder', level: 'authPriv', authProtocol: 'sha', authKey: 'reeder-auth-1', privProtocol: 'aes256r', privKey: 'reeder-priv-1' });
    await poller.cycle(t);
    expect(bus.status('reeder-1').snmp_poll_reachable).toMatchObject({ value: 1, labels: { version: 'v3', security_level: 'authPriv' } });
    expect(bus.samples('reeder-1').filter((x) => x.name === 'ifHCInOctets')).toHaveLength(4);
  });

  // test/cases/<case>/{faults.json, expected.json}: see test/cases/README.md
  const CASES = path.join(__dirname, 'cases');
  const faults = readdirSync(CASES, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => [
      d.name,
      JSON.parse(readFileSync(path.join(CASES, d.name, 'faults.json'), 'utf8')) as LabFaultsInput,
      JSON.parse(readFileSync(path.join(CASES, d.name, 'expected.json'), 'utf8')) as Expected,
    ] as const);

  it.each(faults)('%s: reported, survived, the healthy device next to it unaffected', async (name, fault, expected) => {
    const id = `fault-${name}`;
    const bad = await labAgent(id);
    const good = await labAgent(`${id}-neighbour`);
    bad.setFaults(fault);
    const tb = target(id, bad.port, V2C());
    const tg = target(`${id}-neighbour`, good.port, V2C());
    await Promise.all([poller.cycle(tb), poller.cycle(tg)]);
    const status = bus.status(id);
    for (const [metric, value] of Object.entries(expected.status)) expect([metric, status[metric]?.value]).toEqual([metric, value]);
    if (expected.error) expect(status.snmp_poll_reachable?.labels.error).toBe(expected.error);
    const samples = bus.samples(id);
    for (const [metric, count] of Object.entries(expected.samples)) expect([metric, samples.filter((x) => x.name === metric).length]).toEqual([metric, count]);
    expect(bus.status(`${id}-neighbour`).snmp_poll_reachable?.value).toBe(1);
    expect(bus.samples(`${id}-neighbour`).filter((x) => x.name === 'ifHCInOctets')).toHaveLength(4);
    // and it recovers when the agent behaves again
    bad.setFaults({});
    bus.clear();
    clock += 60_000;
    await poller.cycle(tb);
    expect(bus.status(id).snmp_poll_reachable?.value).toBe(1);
  });
});
