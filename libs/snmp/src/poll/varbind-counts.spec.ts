import { Registry } from 'prom-client';
import { StubNetSnmpAgent, stubAgents } from '../session/stub-net-snmp-agent';
import type { GroupSelector, PollTarget } from './device-poller';
import { metricGroupSchema } from './metric-group';
import { PollEngine, type PollEngineConfig } from './poll-engine';
import { PollEngineMetrics } from './poll-engine.metrics';

const config: PollEngineConfig = {
  intervalMs: 60_000, jitter: 0, lateAfterMs: 5000, maxGapIntervals: 3, maxSamplesPerEvent: 500,
  bulkVarbindBudget: 25, maxVarbindsPerWalk: 10_000,
  concurrency: { perDevice: 2, overall: 16 }, sockets: { shared: 0, recvBufferBytes: 65536, maxOpenSessions: 100 },
};
const SCALARS = metricGroupSchema.parse({ name: 'scalars', scalars: [{ oid: '1.3.6.1.4.1.99999.2.1.0', name: 'present' }, { oid: '1.3.6.1.4.1.99999.2.2.0', name: 'absent' }] });
const TABLE = metricGroupSchema.parse({ name: 'table', table: { columns: [{ oid: '1.3.6.1.4.1.99999.3.1.1', name: 'pkts', type: 'counter' }] } });
const groups: GroupSelector = { select: () => ({ name: 'test', groups: [SCALARS, TABLE] }), named: () => undefined };
const target: PollTarget = {
  device: { id: 'd1', address: '192.0.2.1' },
  snmp: { device: 'd1', address: '192.0.2.1', port: 161, credential: { version: 'v2c', community: 'public' }, timeoutMs: 50, retries: 0, backoff: 1 },
  intervalMs: 60_000,
  maxRepetitions: 25,
};

async function counts(registry: Registry, name: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const v of (await registry.getSingleMetric(name)!.get()).values) out[Object.values(v.labels).join('/') || 'all'] = v.value;
  return out;
}

describe('poll engine varbind accounting', () => {
  it('counts an exception answered to a GET as unsupported and the varbinds of a walk that timed out as incomplete', async () => {
    const agent = new StubNetSnmpAgent();
    agent.set('1.3.6.1.2.1.1.3.0', 'TimeTicks', 100).set('1.3.6.1.2.1.1.2.0', 'OID', '1.3.6.1.4.1.8072');
    agent.set('1.3.6.1.4.1.99999.2.1.0', 'Gauge', 5);
    for (let i = 1; i <= 60; i++) agent.set(`1.3.6.1.4.1.99999.3.1.1.${i}`, 'Counter', i);
    // sysUpTime/sysObjectID GET, the scalar GET, one GETBULK page of 25 rows, then silence
    agent.silentAfter = 3;
    const registry = new Registry();
    const metrics = new PollEngineMetrics(registry, { prefix: 'test_', peers: 'agents', eventKind: 'snmp.metric' });
    const engine = new PollEngine({
      config, kind: 'snmp.metric', groups, statusGroup: 'snmp_poll', origin: { site: 'lab', collector: 'spec' },
      bus: { publish: async () => undefined }, metrics, openSession: stubAgents(new Map([['192.0.2.1', agent]])),
    });
    const outcome = await engine.cycle(target);
    await engine.stop();
    expect(outcome.status.errors.map((e) => e.reason)).toEqual(['timeout']);
    expect(await counts(registry, 'test_varbinds_received_total')).toEqual({ all: 2 + 2 + 25 });
    expect(await counts(registry, 'test_varbinds_parsed_total')).toEqual({ all: 2 + 1 });
    expect(await counts(registry, 'test_varbinds_dropped_total')).toEqual({ 'unsupported/decode': 1, 'incomplete/receive': 25 });
    expect(outcome.groups.map((g) => g.group)).toEqual(['scalars']);
  });
});
