import { SnmpSessionPool } from '@sonde/snmp/session/snmp-session-pool';
import { DEFAULT_WALK_OPTIONS } from '@sonde/snmp/walk/table-walk';
import { loopbackTraffic } from '@sonde/testing/loopback-traffic';
import { rmonSnmpdBinary, runSnmpTool, startSnmpd, type SnmpdPeer } from '@sonde/testing/snmpd-peer';
import { ProbeConfigurator, probeSessionOf, type ProbeSession } from '../src/probe-configurator';
import { rmonCollectorConfigSchema, type ProbeConfig } from '../src/rmon-collector.config';
import { RmonCollector } from '../src/rmon-collector';
import { RecordingBus, target, testConfig } from './rmon-fixture';

/**
 * The alarm and event groups against net-snmp's own RMON agent (agent/mibgroup/Rmon/alarmTable.c
 * and event.c, snmpd built by `scripts/peers.sh install snmpd_rmon` with
 * scripts/patches/net-snmp-rmon-alarmtable-getnext-past-end.patch): alarm rows created and
 * removed by the ProbeConfigurator through EntryStatus with our owner, the probe sampling the
 * loopback's ifInUcastPkts while this test sends datagrams over it, the rising crossing
 * logged by the probe (logTable) and published by the collector as `logTable`, rows of
 * another owner untouched, and a refused SET leaving no row behind. Read back with Debian's
 * net-snmp tools.
 *
 * The module samples its alarm variable through an internal query (agent/mibgroup/utilities/
 * iquery.c), which needs `iquerySecName` and that user's read access: without them every
 * sample fails and alarmValue stays 0 (net-snmp's documented setup, as for DisMan monitors).
 */
const RW = 'private';
/** A write community whose view leaves out alarmVariable (alarmEntry 3): the columns SET of an alarm is refused. */
const LIMITED = 'limited';
const ALARM = '1.3.6.1.2.1.16.3.1.1';
const EVENT = '1.3.6.1.2.1.16.9.1.1';
const LOG = '1.3.6.1.2.1.16.9.2.1';
/**
 * IF-MIB ifDescr / ifInUcastPkts of ifIndex 1 (the loopback on Linux: net-snmp reads
 * /proc/net/dev). Packets, not ifInOctets: a shared machine's loopback passes 2^31 octets (the
 * Integer32 alarm thresholds) within days.
 */
const IF_DESCR_1 = '1.3.6.1.2.1.2.2.1.2.1';
const IF_IN_UCAST_1 = '1.3.6.1.2.1.2.2.1.11.1';
const OWNER = 'sonde-alarm';
let agent: SnmpdPeer;
let pool: SnmpSessionPool;
let session: ProbeSession;

beforeAll(async () => {
  agent = await startSnmpd({
    binary: rmonSnmpdBinary(),
    users: [{ name: 'rmon-internal' }],
    extraConfig: [
      `rwcommunity ${RW} 127.0.0.1`,
      'iquerySecName rmon-internal',
      'view noAlarmVariable included .1',
      `view noAlarmVariable excluded ${ALARM}.3`,
      `rwcommunity ${LIMITED} 127.0.0.1 -V noAlarmVariable`,
    ],
  });
  pool = new SnmpSessionPool();
  session = probeSessionOf(await pool.session(target('rmon-probe', '127.0.0.1', agent.port, RW).snmp), DEFAULT_WALK_OPTIONS);
});
afterAll(async () => {
  await pool?.close();
  await agent?.stop();
});

const tool = (name: string, community: string, ...args: string[]) => runSnmpTool(name, ['-v2c', '-c', community, '-On', `127.0.0.1:${agent.port}`, ...args]);
/** Debian snmpwalk of one column: index → value text. */
function column(base: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of tool('snmpwalk', 'public', base).split('\n')) {
    const m = /^\.?([\d.]+) = (?:[\w-]+: )?(.*)$/.exec(line.trim());
    if (m && m[1]!.startsWith(`${base}.`)) out.set(m[1]!.slice(base.length + 1), m[2]!.replace(/^"|"$/g, '').replace(/^\./, ''));
  }
  return out;
}
const counter = (oid: string) => Number(/(?:Counter32|INTEGER): (-?\d+)/.exec(tool('snmpget', 'public', oid))?.[1]);
const ownedBy = (base: string, owner: string) => [...column(base)].filter(([, v]) => v === owner).map(([i]) => Number(i));

function probeConfig(owner: string, device: Record<string, unknown> | undefined): ProbeConfig {
  return rmonCollectorConfigSchema.parse({ probeConfig: { enabled: true, owner, tables: ['event', 'alarm'], devices: device ? [{ device: 'rmon-probe', ...device }] : [] } }).probeConfig;
}

describe('RMON alarms and events against net-snmp RMON', () => {
  it('a column-parallel GETNEXT past the last alarmTable row is answered (the patched crash), and the agent keeps running', () => {
    tool('snmpset', RW, `${ALARM}.12.9`, 'i', '2');
    tool('snmpset', RW, `${ALARM}.3.9`, 'o', IF_IN_UCAST_1, `${ALARM}.11.9`, 's', 'probe-test', `${ALARM}.12.9`, 'i', '1');
    try {
      // alarmStatus.9 runs past the table while alarmIndex still lands on row 9: unpatched, snmpd dies here
      const out = tool('snmpgetnext', 'public', `${ALARM}.12.9`, `${ALARM}.1`);
      const lines = out.trim().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).not.toMatch(new RegExp(`^\\.?${ALARM.replace(/\./g, '\\.')}\\.`));
      expect(lines[1]).toMatch(new RegExp(`^\\.?${ALARM.replace(/\./g, '\\.')}\\.1\\.9 = INTEGER: 9$`));
      expect(tool('snmpget', 'public', '1.3.6.1.2.1.1.3.0')).toMatch(/Timeticks/);
    } finally {
      tool('snmpset', RW, `${ALARM}.12.9`, 'i', '4');
    }
    expect(column(`${ALARM}.12`).size).toBe(0);
  });

  it('creates an alarm and its event with our owner, the probe logs the rising crossing, the collector publishes it once; foreign rows untouched; cleanup removes exactly ours', async () => {
    expect(tool('snmpget', 'public', IF_DESCR_1)).toMatch(/STRING: "?lo"?/);
    // "someone else": an event and an alarm owned by "noc", made with Debian snmpset
    tool('snmpset', RW, `${EVENT}.7.1`, 'i', '2');
    tool('snmpset', RW, `${EVENT}.2.1`, 's', 'noc event', `${EVENT}.3.1`, 'i', '2', `${EVENT}.6.1`, 's', 'noc', `${EVENT}.7.1`, 'i', '1');
    tool('snmpset', RW, `${ALARM}.12.1`, 'i', '2');
    tool('snmpset', RW, `${ALARM}.2.1`, 'i', '3600', `${ALARM}.3.1`, 'o', IF_IN_UCAST_1, `${ALARM}.4.1`, 'i', '1', `${ALARM}.7.1`, 'i', '2000000000', `${ALARM}.8.1`, 'i', '0', `${ALARM}.9.1`, 'i', '0', `${ALARM}.10.1`, 'i', '0', `${ALARM}.11.1`, 's', 'noc', `${ALARM}.12.1`, 'i', '1');
    const foreign = () => [column(`${EVENT}.6`).get('1'), column(`${EVENT}.7`).get('1'), column(`${ALARM}.11`).get('1'), column(`${ALARM}.12`).get('1'), column(`${ALARM}.7`).get('1')];
    expect(foreign()).toEqual(['noc', '1', 'noc', '1', '2000000000']);

    // our event first: the alarm names it by its eventIndex on the probe
    const eventOnly = { events: [{ description: 'sonde lo rising', type: 'log' }] };
    const first = await new ProbeConfigurator(probeConfig(OWNER, eventOnly)).reconcile('rmon-probe', session);
    expect(first.failed).toEqual([]);
    expect(first.created.map((c) => c.table)).toEqual(['event']);
    const eventIndex = first.created[0]!.index;
    expect(eventIndex).not.toBe(1);

    // an absolute alarm on the loopback's packets in, rising a little above where it is now
    // net-snmp's ifTable answers 0 packets until its first cache refresh (a few seconds after start)
    let now = counter(IF_IN_UCAST_1);
    for (let i = 0; i < 100 && !(now > 0); i++) {
      await new Promise((r) => setTimeout(r, 100));
      now = counter(IF_IN_UCAST_1);
    }
    expect(now).toBeGreaterThan(0);
    const rising = now + 2000;
    const withAlarm = {
      ...eventOnly,
      alarms: [{ variable: IF_IN_UCAST_1, intervalS: 1, sampleType: 'absolute', startup: 'rising', risingThreshold: rising, fallingThreshold: 0, risingEvent: eventIndex, fallingEvent: 0 }],
    };
    const alarmMadeAt = Date.now();
    const second = await new ProbeConfigurator(probeConfig(OWNER, withAlarm)).reconcile('rmon-probe', session);
    expect([second.failed, second.removed]).toEqual([[], []]);
    expect(second.created.map((c) => c.table)).toEqual(['alarm']);
    const alarmIndex = second.created[0]!.index;
    expect(alarmIndex).not.toBe(1);
    // read back with snmpwalk: owner, valid(1), variable, thresholds, event
    expect([ALARM + '.11', ALARM + '.12', ALARM + '.3', ALARM + '.4', ALARM + '.7', ALARM + '.9'].map((c) => column(c).get(String(alarmIndex)))).toEqual([
      OWNER, '1', IF_IN_UCAST_1, '1', String(rising), String(eventIndex),
    ]);
    // reconciling again changes nothing
    const again = await new ProbeConfigurator(probeConfig(OWNER, withAlarm)).reconcile('rmon-probe', session);
    expect([again.created, again.removed, again.failed]).toEqual([[], [], []]);

    // traffic on lo past the threshold; the probe samples every second and logs the crossing
    await loopbackTraffic(4000);
    let logged: string | undefined;
    // (ifTable values refresh with net-snmp's interface cache, every few seconds)
    for (let i = 0; i < 200 && logged === undefined; i++) {
      logged = [...column(`${LOG}.4`)].find(([index]) => index.startsWith(`${eventIndex}.`))?.[1];
      if (logged === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    expect(logged).toMatch(new RegExp(`^Rising:.*=(\\d+) >= ${rising} :${alarmIndex}, ${eventIndex}$`));
    expect(Number(/=(\d+) >=/.exec(logged!)?.[1])).toBeGreaterThanOrEqual(rising);
    expect(counter(`${ALARM}.5.${alarmIndex}`)).toBeGreaterThanOrEqual(rising);

    // the collector reads what the probe watches and what it raised
    const bus = new RecordingBus();
    const c = new RmonCollector({ config: testConfig({ groups: ['alarm'] }), bus, origin: { site: 'lab', collector: 'test' } });
    const t = target('rmon-probe', '127.0.0.1', agent.port);
    try {
      await c.cycle(t);
      expect(bus.find(t.device.id, 'rmon_poll', 'rmon_poll_errors')?.value).toBe(0);
      const ours = bus.find(t.device.id, 'alarmTable', 'alarmValue', { alarmIndex: String(alarmIndex) });
      expect(ours?.labels).toMatchObject({ variable: IF_IN_UCAST_1, sample_type: 'absoluteValue', rising_event: String(eventIndex), owner: OWNER, status: 'valid' });
      expect(ours!.value).toBeGreaterThanOrEqual(rising);
      expect(bus.find(t.device.id, 'alarmTable', 'alarmRisingThreshold', { alarmIndex: String(alarmIndex) })?.value).toBe(rising);
      expect(bus.find(t.device.id, 'alarmTable', 'alarmValue', { alarmIndex: '1' })?.labels.owner).toBe('noc');
      // fired after the alarm was made and before this cycle (as wall time, seconds)
      const sent = bus.find(t.device.id, 'eventTable', 'eventLastTimeSent', { eventIndex: String(eventIndex) })?.value;
      expect(sent).toBeGreaterThanOrEqual(Math.floor(alarmMadeAt / 1000) - 1);
      expect(sent).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 1);
      const entries = bus.samples(t.device.id, 'logTable').filter((s) => s.labels.eventIndex === String(eventIndex));
      expect(entries.map((s) => [s.labels.description, s.labels.event_description])).toEqual([[logged, 'sonde lo rising']]);
      // the next cycle: the same entry is not published again (rising re-arms only after a falling crossing)
      bus.clear();
      await c.cycle(t);
      expect(bus.samples(t.device.id, 'logTable').filter((s) => s.labels.eventIndex === String(eventIndex))).toEqual([]);
      expect(bus.find(t.device.id, 'alarmTable', 'alarmValue', { alarmIndex: String(alarmIndex) })).toBeDefined();
    } finally {
      await c.stop();
    }
    expect(foreign()).toEqual(['noc', '1', 'noc', '1', '2000000000']);

    // another owner's configurator wants nothing: it touches neither our rows nor noc's
    const other = await new ProbeConfigurator(probeConfig('sonde-other', undefined)).reconcile('rmon-probe', session);
    expect([other.created, other.removed, other.failed]).toEqual([[], [], []]);
    expect(ownedBy(`${ALARM}.11`, OWNER)).toEqual([alarmIndex]);

    // our config gone: exactly our alarm and event removed, noc's intact
    const gone = await new ProbeConfigurator(probeConfig(OWNER, undefined)).reconcile('rmon-probe', session);
    expect(gone.failed).toEqual([]);
    expect(gone.removed).toEqual(expect.arrayContaining([{ table: 'alarm', index: alarmIndex }, { table: 'event', index: eventIndex }]));
    expect(gone.removed).toHaveLength(2);
    expect([ownedBy(`${ALARM}.11`, OWNER), ownedBy(`${EVENT}.6`, OWNER)]).toEqual([[], []]);
    expect(foreign()).toEqual(['noc', '1', 'noc', '1', '2000000000']);
  });

  it('an alarm whose columns SET is refused (no write access to alarmVariable) leaves no half-created row', async () => {
    const before = [...column(`${ALARM}.12`)];
    const limited = probeSessionOf(await pool.session(target('rmon-probe', '127.0.0.1', agent.port, LIMITED).snmp), DEFAULT_WALK_OPTIONS);
    const config = probeConfig(OWNER, { alarms: [{ variable: IF_IN_UCAST_1, intervalS: 5, sampleType: 'delta', risingThreshold: 100, fallingThreshold: 10 }] });
    const r = await new ProbeConfigurator(config).reconcile('rmon-probe', limited);
    expect(r.created).toEqual([]);
    expect(r.failed).toHaveLength(1);
    expect(r.failed[0]).toMatchObject({ table: 'alarm' });
    expect(r.failed[0]!.message).toMatch(/rmon-probe.*SET.*(noAccess|notWritable|NoAccess|NotWritable)/i);
    // createRequest was accepted and undone: no row in createRequest(2)/underCreation(3), nothing new
    expect([...column(`${ALARM}.12`).values()].filter((s) => s === '2' || s === '3')).toEqual([]);
    expect([...column(`${ALARM}.12`)]).toEqual(before);
    expect(ownedBy(`${ALARM}.11`, OWNER)).toEqual([]);
    expect(tool('snmpget', 'public', '1.3.6.1.2.1.1.3.0')).toMatch(/Timeticks/);
  });
});
