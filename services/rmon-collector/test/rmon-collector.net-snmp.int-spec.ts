import { rmonSnmpdBinary, runSnmpTool, startSnmpd, type SnmpdPeer } from '@sonde/testing/snmpd-peer';
import { RmonCollector } from '../src/rmon-collector';
import { RecordingBus, target, testConfig } from './rmon-fixture';

/**
 * Against RMON agents we did not write:
 * - net-snmp's own RMON module (agent/mibgroup/Rmon), snmpd built from Debian's net-snmp source
 *   package by `scripts/peers.sh install snmpd_rmon`. Rows are created the way an operator
 *   does it, with Debian's `snmpset` through EntryStatus (createRequest → valid); the collector
 *   reads them back. Its statistics are emulated by that module.
 * - Debian's stock snmpd, which has no RMON: one clear "not supported", no error per cycle.
 */
const RW = 'private';
let rmon: SnmpdPeer;
let stock: SnmpdPeer;

beforeAll(async () => {
  rmon = await startSnmpd({ binary: rmonSnmpdBinary(), extraConfig: [`rwcommunity ${RW} 127.0.0.1`] });
  stock = await startSnmpd();
});
afterAll(async () => {
  await rmon?.stop();
  await stock?.stop();
});

const set = (port: number, ...args: string[]) => runSnmpTool('snmpset', ['-v2c', '-c', RW, '-On', `127.0.0.1:${port}`, ...args]);

describe('rmon-collector against net-snmp RMON and a stock snmpd', () => {
  it('reads back rows created through EntryStatus on net-snmp RMON: statistics with rates and the event definition; removes exactly those rows', async () => {
    const STATS = '1.3.6.1.2.1.16.1.1.1';
    const EVENT = '1.3.6.1.2.1.16.9.1.1';
    // etherStats row 7 on ifIndex 1, owned by "sonde-test": createRequest(2), then the columns and valid(1)
    set(rmon.port, `${STATS}.21.7`, 'i', '2');
    set(rmon.port, `${STATS}.2.7`, 'o', '1.3.6.1.2.1.2.2.1.1.1', `${STATS}.20.7`, 's', 'sonde-test', `${STATS}.21.7`, 'i', '1');
    // event 3: log(2)
    set(rmon.port, `${EVENT}.7.3`, 'i', '2');
    set(rmon.port, `${EVENT}.2.3`, 's', 'pkts rising', `${EVENT}.3.3`, 'i', '2', `${EVENT}.6.3`, 's', 'sonde-test', `${EVENT}.7.3`, 'i', '1');
    // Alarm rows, their sampling and log entries: probe-alarm.net-snmp.int-spec.ts.

    const bus = new RecordingBus();
    const c = new RmonCollector({ config: testConfig(), bus, origin: { site: 'lab', collector: 'test' } });
    const t = target('net-snmp-rmon', '127.0.0.1', rmon.port);
    try {
      await c.cycle(t);
      const status = bus.find(t.device.id, 'etherStats', 'etherStatsStatus', { etherStatsIndex: '7' });
      expect(status?.labels).toMatchObject({ owner: 'sonde-test', status: 'valid', data_source: '1.3.6.1.2.1.2.2.1.1.1', ifIndex: '1', counter_bits: '32' });
      // the values it read are the agent's, value for value (snmpget right after: the module's counters only grow)
      const pkts = bus.find(t.device.id, 'etherStats', 'etherStatsPkts', { etherStatsIndex: '7' });
      const after = Number(/Counter32: (\d+)/.exec(runSnmpTool('snmpget', ['-v2c', '-c', 'public', '-On', `127.0.0.1:${rmon.port}`, `${STATS}.5.7`]))?.[1]);
      expect(pkts?.value).toBeGreaterThanOrEqual(0);
      expect(pkts!.value).toBeLessThanOrEqual(after);
      expect(bus.find(t.device.id, 'eventTable', 'eventLastTimeSent', { eventIndex: '3' })?.labels).toMatchObject({ description: 'pkts rising', type: 'log', owner: 'sonde-test' });
      expect(bus.find(t.device.id, 'rmonSupport', 'rmon_supported', { group: 'statistics' })?.value).toBe(1);
      expect(bus.find(t.device.id, 'rmonSupport', 'rmon_supported', { group: 'alarm' })?.value).toBe(1);

      // a second cycle: the probe's counters only grow, so the rate is there and never negative
      await new Promise((r) => setTimeout(r, 1100));
      bus.clear();
      await c.cycle(t);
      expect(bus.find(t.device.id, 'rmon_poll', 'rmon_poll_errors')?.value).toBe(0);
      // and the rate of a counter it read twice is never negative
      const rate = bus.find(t.device.id, 'etherStats', 'etherStatsPkts_rate', { etherStatsIndex: '7' });
      expect(rate?.value).toBeGreaterThanOrEqual(0);
      // support is published once: not again on the second cycle
      expect(bus.tables(t.device.id, 'rmonSupport')).toEqual([]);
    } finally {
      await c.stop();
      // clean up exactly our rows: invalid(4)
      set(rmon.port, `${EVENT}.7.3`, 'i', '4');
      set(rmon.port, `${STATS}.21.7`, 'i', '4');
    }
    for (const col of [`${STATS}.20`, `${EVENT}.6`]) {
      const left = runSnmpTool('snmpbulkwalk', ['-v2c', '-c', 'public', '-On', `127.0.0.1:${rmon.port}`, col]);
      expect(left).not.toContain('sonde-test');
    }
  });

  it('says "not supported" once for an agent without RMON (Debian snmpd), with no error per cycle', async () => {
    const bus = new RecordingBus();
    const c = new RmonCollector({ config: testConfig(), bus, origin: { site: 'lab', collector: 'test' } });
    const t = target('stock-snmpd', '127.0.0.1', stock.port);
    try {
      for (let i = 0; i < 3; i++) await c.cycle(t);
      const support = bus.tables(t.device.id, 'rmonSupport');
      expect(support).toHaveLength(1);
      expect(support[0]!.payload.samples.map((s) => [s.labels.group, s.value, s.labels.detail])).toEqual([
        ['statistics', 0, 'not supported'],
        ['highCapacity', 0, 'not supported'],
        ['history', 0, 'not supported'],
        ['alarm', 0, 'not supported'],
        ['rmon2', 0, 'not supported'],
      ]);
      const errors = bus.samples(t.device.id, 'rmon_poll').filter((s) => s.name === 'rmon_poll_errors').map((s) => s.value);
      expect(errors).toEqual([0, 0, 0]);
      expect(bus.samples(t.device.id, 'rmon_poll').filter((s) => s.name === 'rmon_poll_reachable').map((s) => s.value)).toEqual([1, 1, 1]);
      expect(bus.tables(t.device.id, 'etherStats')).toEqual([]);
      expect(c.supportSummary()).toEqual([{ groups: 'none', highCapacity: false, probes: 1 }]);
    } finally {
      await c.stop();
    }
  });
});
