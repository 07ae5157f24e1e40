import { SnmpSessionPool } from '@sonde/snmp/session/snmp-session-pool';
import { DEFAULT_WALK_OPTIONS } from '@sonde/snmp/walk/table-walk';
import { rmonSnmpdBinary, runSnmpTool, startSnmpd, type SnmpdPeer } from '@sonde/testing/snmpd-peer';
import { ProbeConfigurator, probeSessionOf, type ProbeSession } from '../src/probe-configurator';
import { rmonCollectorConfigSchema, type ProbeConfig } from '../src/rmon-collector.config';
import { RmonCollector } from '../src/rmon-collector';
import type { ReconcileResult } from '../src/probe-configurator';
import { RecordingBus, target, testConfig } from './rmon-fixture';

/**
 * Probe configuration against net-snmp's own RMON agent (agent/mibgroup/Rmon, built from
 * Debian's net-snmp source by `scripts/peers.sh install snmpd_rmon`), read back with Debian's
 * `snmpwalk`/`snmpget`. Alarm rows (with their sampling, log entries and a refused SET) are
 * probe-alarm.net-snmp.int-spec.ts'.
 */
const RW = 'private';
const STATS = '1.3.6.1.2.1.16.1.1.1';
const HIST = '1.3.6.1.2.1.16.2.1.1';
const EVENT = '1.3.6.1.2.1.16.9.1.1';
const IF_INDEX = '1.3.6.1.2.1.2.2.1.1';
let agent: SnmpdPeer;
let pool: SnmpSessionPool;
let session: ProbeSession;

beforeAll(async () => {
  agent = await startSnmpd({ binary: rmonSnmpdBinary(), extraConfig: [`rwcommunity ${RW} 127.0.0.1`] });
  pool = new SnmpSessionPool();
  session = probeSessionOf(await pool.session(target('rmon-probe', '127.0.0.1', agent.port, RW).snmp), DEFAULT_WALK_OPTIONS);
});
afterAll(async () => {
  await pool?.close();
  await agent?.stop();
});

const tool = (name: string, community: string, ...args: string[]) => runSnmpTool(name, ['-v2c', '-c', community, '-On', `127.0.0.1:${agent.port}`, ...args]);
/** Debian snmpwalk of one column: index → value text. */
function column(base: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of tool('snmpwalk', 'public', base).split('\n')) {
    const m = /^\.?([\d.]+) = (?:[\w-]+: )?(.*)$/.exec(line.trim());
    if (m && m[1]!.startsWith(`${base}.`)) out.set(Number(m[1]!.slice(base.length + 1)), m[2]!.replace(/^"|"$/g, '').replace(/^\./, ''));
  }
  return out;
}
const ownedBy = (base: string, owner: string) => [...column(base)].filter(([, v]) => v === owner).map(([i]) => i);

function probeConfig(devices: unknown[]): ProbeConfig {
  return rmonCollectorConfigSchema.parse({ probeConfig: { enabled: true, owner: 'sonde-probe', tables: ['etherStats', 'history', 'event'], devices } }).probeConfig;
}

describe('ProbeConfigurator against net-snmp RMON', () => {
  it('creates etherStats, historyControl and event rows with its owner, leaves a foreign row alone, removes exactly its rows', async () => {
    // "someone else": an etherStats row on ifIndex 1 and an event, owner "noc", made with Debian snmpset
    tool('snmpset', RW, `${STATS}.21.1`, 'i', '2');
    tool('snmpset', RW, `${STATS}.2.1`, 'o', `${IF_INDEX}.1`, `${STATS}.20.1`, 's', 'noc', `${STATS}.21.1`, 'i', '1');
    tool('snmpset', RW, `${EVENT}.7.1`, 'i', '2');
    tool('snmpset', RW, `${EVENT}.2.1`, 's', 'noc event', `${EVENT}.3.1`, 'i', '2', `${EVENT}.6.1`, 's', 'noc', `${EVENT}.7.1`, 'i', '1');
    const foreign = () => [column(`${STATS}.20`).get(1), column(`${STATS}.21`).get(1), column(`${STATS}.2`).get(1), column(`${EVENT}.6`).get(1), column(`${EVENT}.7`).get(1)];
    expect(foreign()).toEqual(['noc', '1', `${IF_INDEX}.1`, 'noc', '1']);

    // the same content as the foreign row (etherStats on ifIndex 1): still a row of our own
    const wanted = probeConfig([
      { device: 'rmon-probe', etherStats: [{ ifIndex: 1 }, { ifIndex: 2 }], history: [{ ifIndex: 1, buckets: 20, intervalS: 30 }], events: [{ description: 'sonde rising', type: 'log-and-trap' }] },
    ]);
    const first = await new ProbeConfigurator(wanted).reconcile('rmon-probe', session);
    expect(first.failed).toEqual([]);
    expect(first.unreadable).toEqual([]);
    expect(first.removed).toEqual([]);
    expect(first.created.map((c) => [c.table, c.index])).toEqual([
      ['etherStats', 2],
      ['etherStats', 3],
      ['history', 1],
      ['event', 2],
    ]);

    // read back with snmpwalk: owner, status valid(1), data source, columns
    const statsOwner = column(`${STATS}.20`);
    const statsStatus = column(`${STATS}.21`);
    const statsSource = column(`${STATS}.2`);
    for (const [index, ifIndex] of [[2, 1], [3, 2]] as const) {
      expect([statsOwner.get(index), statsStatus.get(index), statsSource.get(index)]).toEqual(['sonde-probe', '1', `${IF_INDEX}.${ifIndex}`]);
    }
    expect([column(`${HIST}.6`).get(1), column(`${HIST}.7`).get(1), column(`${HIST}.2`).get(1), column(`${HIST}.3`).get(1), column(`${HIST}.5`).get(1)]).toEqual(['sonde-probe', '1', `${IF_INDEX}.1`, '20', '30']);
    expect([column(`${EVENT}.6`).get(2), column(`${EVENT}.7`).get(2), column(`${EVENT}.2`).get(2), column(`${EVENT}.3`).get(2)]).toEqual(['sonde-probe', '1', 'sonde rising', '4']);
    expect(foreign()).toEqual(['noc', '1', `${IF_INDEX}.1`, 'noc', '1']);

    // reconcile again: nothing to do
    const second = await new ProbeConfigurator(wanted).reconcile('rmon-probe', session);
    expect([second.created, second.removed, second.failed]).toEqual([[], [], []]);

    // one etherStats row less: exactly that one removed
    const fewer = probeConfig([{ device: 'rmon-probe', etherStats: [{ ifIndex: 2 }], history: [{ ifIndex: 1, buckets: 20, intervalS: 30 }], events: [{ description: 'sonde rising', type: 'log-and-trap' }] }]);
    const third = await new ProbeConfigurator(fewer).reconcile('rmon-probe', session);
    expect(third.removed).toEqual([{ table: 'etherStats', index: 2 }]);
    expect(third.created).toEqual([]);
    expect(ownedBy(`${STATS}.20`, 'sonde-probe')).toEqual([3]);

    // the config gone (the probe wants nothing): exactly our rows removed, the foreign ones intact
    const gone = await new ProbeConfigurator(probeConfig([])).reconcile('rmon-probe', session);
    expect(gone.removed).toEqual([
      { table: 'etherStats', index: 3 },
      { table: 'history', index: 1 },
      { table: 'event', index: 2 },
    ]);
    for (const base of [`${STATS}.20`, `${HIST}.6`, `${EVENT}.6`]) expect(ownedBy(base, 'sonde-probe')).toEqual([]);
    expect(foreign()).toEqual(['noc', '1', `${IF_INDEX}.1`, 'noc', '1']);
  });

  it('a SET the agent refuses mid-way leaves no underCreation row behind', async () => {
    const before = [column(`${HIST}.7`), column(`${STATS}.21`)].map((c) => [...c]);
    // historyControlInterval 0 is outside RFC 2819's 1..3600: the agent answers badValue to the
    // columns SET after accepting createRequest. zod refuses it too, so the config is built directly.
    const config = probeConfig([]);
    const bad: ProbeConfig = { ...config, devices: [{ device: 'rmon-probe', etherStats: [], events: [], alarms: [], history: [{ ifIndex: 1, buckets: 10, intervalS: 0 }] }] };
    const r = await new ProbeConfigurator(bad).reconcile('rmon-probe', session);
    expect(r.created).toEqual([]);
    expect(r.failed).toHaveLength(1);
    expect(r.failed[0]).toMatchObject({ table: 'history', index: 1 });
    expect(r.failed[0]!.message).toMatch(/rmon-probe.*SET.*BadValue|badValue/i);
    // nothing underCreation(3) and nothing new in the table: exactly what was there before
    expect([...column(`${HIST}.7`).values()]).not.toContain('3');
    expect([column(`${HIST}.7`), column(`${STATS}.21`)].map((c) => [...c])).toEqual(before);
    // and the agent is still answering
    expect(tool('snmpget', 'public', '1.3.6.1.2.1.1.3.0')).toMatch(/Timeticks/);
  });

  it('the collector reconciles its probes at start and every interval (rmonCollector.probeConfig)', async () => {
    const config = testConfig({
      probeConfig: { enabled: true, owner: 'sonde-sched', intervalMs: 1000, tables: ['etherStats', 'event'], devices: [{ device: 'rmon-probe', etherStats: [{ ifIndex: 2 }] }] },
    });
    const results: ReconcileResult[] = [];
    const c = new RmonCollector({ config, bus: new RecordingBus(), origin: { site: 'lab', collector: 'test' } });
    c.setTargets([target('rmon-probe', '127.0.0.1', agent.port, RW)]);
    const passes = async (n: number) => {
      for (let i = 0; i < 200 && results.length < n; i++) await new Promise((r) => setTimeout(r, 50));
    };
    try {
      c.startProbeConfig((r) => results.push(r));
      await passes(2);
      expect(results[0]!.created.map((x) => x.table)).toEqual(['etherStats']);
      // the second pass (one interval later) finds the row and changes nothing
      expect(results[1]).toMatchObject({ created: [], removed: [], failed: [] });
      const owned = ownedBy(`${STATS}.20`, 'sonde-sched');
      expect(owned).toHaveLength(1);
      expect(column(`${STATS}.2`).get(owned[0]!)).toBe(`${IF_INDEX}.2`);
    } finally {
      await c.stop();
    }
    // clean up with a configurator that wants nothing for this owner
    const none = rmonCollectorConfigSchema.parse({ probeConfig: { enabled: true, owner: 'sonde-sched', tables: ['etherStats'] } }).probeConfig;
    await new ProbeConfigurator(none).reconcile('rmon-probe', session);
    expect(ownedBy(`${STATS}.20`, 'sonde-sched')).toEqual([]);
  });
});
