import { decodeEvent, encodeEvent } from '@sonde/events/event-codec';
import { interfaceRate } from '@sonde/lab/if-mib';
import { Lab } from '@sonde/lab/lab';
import { counter32, COUNTER32_MODULUS } from '@sonde/lab/lab-counters';
import { etherCounter, type EtherCounter } from '@sonde/lab/rmon-traffic';
import type { LabRequest } from '@sonde/lab/lab-agent';
import { LAB_PROTOCOLS, protocolDist } from '@sonde/lab/rmon2-mib';
import { conversationCount, hostAddress, hostCount, hostOutNonUnicast, LAB_CONVERSATIONS, LAB_HOSTS } from '@sonde/lab/rmon2-hosts';
import { NL_TOP } from '../src/rmon2-host-samples';
import { ETHER_HISTORY_COLUMNS, ETHER_STATS_COLUMNS, RMON_TABLES } from '../src/rmon-tables';
import { ETHER_STATS_COUNTERS } from '../src/ether-stats-samples';
import { RmonCollector } from '../src/rmon-collector';
import { RecordingBus, target, testConfig } from './rmon-fixture';

/**
 * The collector against the lab's RMON agents over real UDP (libs/lab: the agents answer from
 * the same deterministic counters the expectations are computed with). One shared clock: the
 * test moves it, so "down for several intervals" takes no wall time.
 */
let now = Date.UTC(2026, 11, 1, 12, 0, 0);
const clock = () => now;
let lab: Lab;

const LAB_COUNTER: Record<string, EtherCounter> = {
  etherStatsDropEvents: 'dropEvents', etherStatsOctets: 'octets', etherStatsPkts: 'pkts', etherStatsBroadcastPkts: 'broadcastPkts',
  etherStatsMulticastPkts: 'multicastPkts', etherStatsCRCAlignErrors: 'crcAlignErrors', etherStatsUndersizePkts: 'undersizePkts',
  etherStatsOversizePkts: 'oversizePkts', etherStatsFragments: 'fragments', etherStatsJabbers: 'jabbers', etherStatsCollisions: 'collisions',
  etherStatsPkts64Octets: 'pkts64Octets', etherStatsPkts65to127Octets: 'pkts65to127Octets', etherStatsPkts128to255Octets: 'pkts128to255Octets',
  etherStatsPkts256to511Octets: 'pkts256to511Octets', etherStatsPkts512to1023Octets: 'pkts512to1023Octets', etherStatsPkts1024to1518Octets: 'pkts1024to1518Octets',
};

beforeAll(async () => {
  lab = await Lab.start(
    {
      devices: 2,
      interfaces: 3,
      // router: HC-RMON; server: RMON-MIB only (32-bit)
      profiles: ['router', 'server'],
      // etherStatsOctets.1 (in + out, each from the offset: 2 × offset + 187 500 B/s × 100 s) is
      // 10^6 below 2^32 at the first poll and wraps before the second
      counterOffset: String(COUNTER32_MODULUS - 9_875_000n),
      initialUptimeSeconds: 100,
      rmon: { historyIntervalSeconds: 5, historyBuckets: 4, burst: { everySeconds: 60, forSeconds: 20, crcErrorsPerSec: 50 }, alarm: { intervalSeconds: 5, risingThreshold: 100, fallingThreshold: 10 } },
    },
    { clock },
  );
});
afterAll(async () => lab?.close());

function collector(bus: RecordingBus) {
  return new RmonCollector({ config: testConfig(), bus, origin: { site: 'lab', collector: 'test' }, now: clock });
}

describe('rmon-collector against the lab probes (real UDP)', () => {
  it('decodes every etherStats column, mapped to its interface; rates right across Counter32 wraps, 64-bit where the probe has HC', async () => {
    const bus = new RecordingBus();
    const c = collector(bus);
    const targets = lab.devices.map((d) => target(d.id, d.address, d.port, d.community));
    try {
      await Promise.all(targets.map((t) => c.cycle(t)));
      const t0 = now;
      now += 10_000;
      bus.clear();
      await Promise.all(targets.map((t) => c.cycle(t)));
      for (const e of bus.events) expect(decodeEvent(encodeEvent(e))).toEqual(JSON.parse(JSON.stringify(e)));

      for (const d of lab.devices) {
        const device = lab.agent(d.id).device;
        const hc = device.spec.profile.rmonHighCapacity;
        for (let i = 1; i <= d.interfaces; i++) {
          const labels = { etherStatsIndex: String(i), ifIndex: String(i), ifName: device.spec.profile.ifName(i) };
          // every column decoded
          const names = new Set(bus.samples(d.id, 'etherStats').filter((s) => s.labels.etherStatsIndex === String(i)).map((s) => s.name));
          for (const col of ETHER_STATS_COLUMNS.filter((n) => n !== 'etherStatsIndex' && n !== 'etherStatsDataSource' && n !== 'etherStatsOwner')) expect(names).toContain(col);
          const status = bus.find(d.id, 'etherStats', 'etherStatsStatus', labels);
          expect(status?.labels).toMatchObject({ owner: 'monitor', status: 'valid', data_source: `1.3.6.1.2.1.2.2.1.1.${i}`, counter_bits: hc ? '64' : '32' });
          for (const name of ETHER_STATS_COUNTERS) {
            const lc = LAB_COUNTER[name] as EtherCounter;
            const raw = bus.find(d.id, 'etherStats', name, labels);
            const truth = etherCounter(device, i, lc, now);
            const usesHc = hc && ['etherStatsOctets', 'etherStatsPkts'].concat(name.startsWith('etherStatsPkts') && name.endsWith('Octets') ? [name] : []).includes(name);
            expect({ name, value: raw?.value }).toEqual({ name, value: usesHc ? Number(truth) : counter32(truth) });
            expect(raw?.labels.column).toBe(usesHc ? name.replace('etherStats', 'etherStatsHighCapacity') : undefined);
            // the rate over the interval, whichever width was read (etherStatsOctets.1 wrapped in between on the 32-bit probe)
            const rate = bus.find(d.id, 'etherStats', `${name}_rate`, labels);
            const expected = Number(truth - etherCounter(device, i, lc, t0)) / 10;
            expect({ name, rate: rate?.value }).toEqual({ name, rate: expected });
          }
          // utilization: octets × 8 / speed (ifHighSpeed for the 10G ports whose ifSpeed saturates)
          const octetsPerSec = (interfaceRate(device.spec.rates, i, 'inOctets') + interfaceRate(device.spec.rates, i, 'outOctets'));
          const util = bus.find(d.id, 'etherStats', 'rmon_utilization_pct', labels);
          expect(util?.value).toBeCloseTo(((octetsPerSec * 8) / device.spec.profile.ifSpeed(i)) * 100, 6);
          const sizes = bus.samples(d.id, 'etherStats').filter((s) => s.name === 'rmon_size_pct' && s.labels.etherStatsIndex === String(i));
          expect(sizes.map((s) => s.labels.size)).toEqual(['64', '65-127', '128-255', '256-511', '512-1023', '1024-1518']);
          expect(sizes.reduce((a, s) => a + s.value, 0)).toBeCloseTo(100, 6);
          expect(bus.find(d.id, 'etherStats', 'rmon_broadcast_pct', labels)?.value).toBeGreaterThan(0);
          expect(bus.find(d.id, 'etherStats', 'rmon_error_pct', labels)).toBeDefined();
        }
        // the 32-bit counters really wrapped between the two polls
        expect(counter32(etherCounter(device, 1, 'octets', now))).toBeLessThan(counter32(etherCounter(device, 1, 'octets', t0)));
      }
      expect(c.supportSummary().sort((a, b) => a.groups.localeCompare(b.groups))).toEqual([
        { groups: 'statistics+history+alarm', highCapacity: false, probes: 1 },
        { groups: 'statistics+history+alarm', highCapacity: true, probes: 1 },
      ].sort((a, b) => Number(a.highCapacity) - Number(b.highCapacity)));
    } finally {
      await c.stop();
    }
  });

  it('publishes each history bucket once with its interval start; after several intervals down, reports exactly the aged-out buckets', async () => {
    const bus = new RecordingBus();
    const c = collector(bus);
    const d = lab.devices[0]!;
    const device = lab.agent(d.id).device;
    const t = target(d.id, d.address, d.port, d.community);
    const boot = device.bootAtMs(now);
    const heldLast = () => Math.floor((now - boot) / 5000);
    try {
      await c.cycle(t);
      const first = heldLast();
      // first poll: the 4 buckets the probe holds, per control row (3 interfaces)
      const sampleIndexes = (table = 'etherHistory') => bus.tables(d.id, table).map((e) => `${e.payload.samples[0]?.labels.historyIndex}.${e.payload.samples[0]?.labels.sampleIndex}`);
      expect(sampleIndexes().filter((k) => k.startsWith('1.'))).toEqual([first - 3, first - 2, first - 1, first].map((s) => `1.${s}`));
      // each bucket is stamped with its own interval start
      for (const e of bus.tables(d.id, 'etherHistory')) {
        const s = Number(e.payload.samples[0]?.labels.sampleIndex);
        expect(e.ts).toBe(boot + (s - 1) * 5000);
        const octets = e.payload.samples.find((x) => x.name === 'etherHistoryOctets');
        const ifIndex = Number(e.payload.samples[0]?.labels.historyIndex);
        expect(octets?.value).toBe(Number(etherCounter(device, ifIndex, 'octets', boot + s * 5000) - etherCounter(device, ifIndex, 'octets', boot + (s - 1) * 5000)));
        expect(octets?.labels.counter_bits).toBe('64');
      }
      // one interval later: exactly the new bucket, nothing lost
      bus.clear();
      now += 5000;
      await c.cycle(t);
      expect(sampleIndexes().filter((k) => k.startsWith('1.'))).toEqual([`1.${first + 1}`]);
      expect(bus.tables(d.id, 'etherHistoryLoss')).toEqual([]);
      // down for 7 intervals: the probe holds the last 4, the 3 before them aged out
      bus.clear();
      now += 7 * 5000;
      await c.cycle(t);
      const last = heldLast();
      expect(last).toBe(first + 8);
      expect(sampleIndexes().filter((k) => k.startsWith('1.'))).toEqual([last - 3, last - 2, last - 1, last].map((s) => `1.${s}`));
      const loss = bus.samples(d.id, 'etherHistoryLoss').filter((s) => s.labels.historyIndex === '1');
      expect(loss.map((s) => ({ first: s.labels.first_sample_index, last: s.labels.last_sample_index, n: s.value }))).toEqual([{ first: String(first + 2), last: String(first + 4), n: 3 }]);
      // a second collector (another replica, or a restart) with a shared state store would not republish: covered by the state spec
    } finally {
      await c.stop();
    }
  });

  it('reads only the buckets new since the last poll (counted on the wire); after an agent restart publishes every bucket of the new life, no duplicate', async () => {
    const bus = new RecordingBus();
    const c = collector(bus);
    const d = lab.devices[0]!;
    const agent = lab.agent(d.id);
    const controls = agent.device.spec.interfaces;
    const t = target(d.id, d.address, d.port, d.community);
    const historyColumns = RMON_TABLES.etherHistory.table!.columns.map((col) => col.oid);
    const hcColumns = RMON_TABLES.etherHistoryHighCapacity.table!.columns.map((col) => col.oid);
    /** The historyControlIndex of a bucket OID of one of `cols` (undefined: another table). */
    const controlOf = (cols: string[], oid: string) => {
      const col = cols.find((x) => oid.startsWith(`${x}.`));
      return col === undefined ? undefined : oid.slice(col.length + 1).split('.')[0];
    };
    /**
     * The requests for one table, and the varbinds that came back inside the column and control
     * row each repeater asked for (GETBULK answers repetition by repetition, RFC 3416 §4.2.3).
     */
    const wire = (log: LabRequest[], cols: string[]) => {
      const reqs = log.filter((r) => r.oids.every((o) => controlOf(cols, o) !== undefined));
      const varbinds = reqs.reduce((n, r) => {
        const rows = r.oids.map((o) => {
          const col = cols.find((x) => o.startsWith(`${x}.`))!;
          return `${col}.${controlOf(cols, o)}.`;
        });
        return n + r.answered.filter((o, i) => o.startsWith(rows[i % rows.length]!)).length;
      }, 0);
      return { requests: reqs, varbinds };
    };
    const published = new Map<string, number>();
    const collect = (life: number) => {
      for (const e of bus.tables(d.id, 'etherHistory')) {
        const l = e.payload.samples[0]!.labels;
        const key = `${life}/${l.historyIndex}.${l.sampleIndex}`;
        published.set(key, (published.get(key) ?? 0) + 1);
      }
    };
    const bucketsPerRow = (n: number) => bus.tables(d.id, 'etherHistory').filter((e) => e.payload.samples[0]?.labels.historyIndex === String(n)).length;
    try {
      // first poll: everything the probe holds (historyBuckets per control row)
      let log = agent.recordRequests();
      await c.cycle(t);
      collect(0);
      const whole = wire(log, historyColumns);
      expect(bucketsPerRow(1)).toBe(4);
      expect(whole.varbinds).toBe(controls * 4 * ETHER_HISTORY_COLUMNS.length);

      // steady state, one bucket interval later: per control row one GETBULK from the last
      // bucket published (the anchor) on; the anchor and the one new bucket come back
      const last = Number(bus.tables(d.id, 'etherHistory').map((e) => e.payload.samples[0]!.labels).filter((l) => l.historyIndex === '1').map((l) => Number(l.sampleIndex)).sort((a, b) => b - a)[0]);
      bus.clear();
      now += 5000;
      log = agent.recordRequests();
      await c.cycle(t);
      collect(0);
      const steady = wire(log, historyColumns);
      expect(steady.requests).toHaveLength(controls);
      for (const [k, r] of steady.requests.entries()) {
        expect(r.pdu).toBe('getBulk');
        expect(r.oids).toEqual(historyColumns.map((col) => `${col}.${k + 1}.${last - 1}`));
      }
      expect(steady.varbinds).toBe(controls * 2 * ETHER_HISTORY_COLUMNS.length);
      // repetitions sized to the buckets expected: at most one row more than kept comes back
      expect(steady.requests.flatMap((r) => r.answered).length).toBeLessThanOrEqual(controls * 3 * ETHER_HISTORY_COLUMNS.length);
      const steadyHc = wire(log, hcColumns);
      expect(steadyHc.requests).toHaveLength(controls);
      expect(steadyHc.varbinds).toBe(controls * 2 * hcColumns.length);
      for (let n = 1; n <= controls; n++) expect(bucketsPerRow(n)).toBe(1);
      expect(bus.tables(d.id, 'etherHistoryLoss')).toEqual([]);
      expect(whole.varbinds).toBeGreaterThan(steady.varbinds);

      // the probe reboots and runs long enough for its new sample indexes to pass the old ones:
      // the same index with the same interval start is another bucket, read from the new life
      const before = last + 1;
      agent.restart();
      bus.clear();
      now += (before + 2) * 5000;
      log = agent.recordRequests();
      await c.cycle(t);
      collect(1);
      const newLast = Math.floor((now - agent.device.bootAtMs(now)) / 5000);
      expect(newLast).toBeGreaterThan(before);
      const row1 = bus.tables(d.id, 'etherHistory').map((e) => e.payload.samples[0]!.labels).filter((l) => l.historyIndex === '1').map((l) => Number(l.sampleIndex));
      expect(row1).toEqual([newLast - 3, newLast - 2, newLast - 1, newLast]);
      expect(bus.samples(d.id, 'etherHistoryLoss').filter((x) => x.name === 'etherHistoryBucketsLost')).toEqual([]);
      expect(bus.samples(d.id, 'etherHistoryLoss').filter((x) => x.name === 'etherHistoryRestarted')).toHaveLength(controls);

      // and steady again in the new life
      bus.clear();
      now += 5000;
      log = agent.recordRequests();
      await c.cycle(t);
      collect(1);
      expect(wire(log, historyColumns).varbinds).toBe(controls * 2 * ETHER_HISTORY_COLUMNS.length);
      expect(bus.tables(d.id, 'etherHistoryLoss')).toEqual([]);
      for (let n = 1; n <= controls; n++) expect(bucketsPerRow(n)).toBe(1);
      expect([...published.values()].every((n) => n === 1)).toBe(true);
    } finally {
      agent.stopRecording();
      await c.stop();
    }
  });

  it('shows the probe alarm definitions, and each new log entry once as an event (the alarm fires in a burst and clears)', async () => {
    const bus = new RecordingBus();
    const c = collector(bus);
    const d = lab.devices[1]!;
    const t = target(d.id, d.address, d.port, d.community);
    try {
      await c.cycle(t);
      const alarm = bus.find(d.id, 'alarmTable', 'alarmRisingThreshold', { alarmIndex: '1' });
      expect(alarm).toMatchObject({ value: 100, labels: { variable: '1.3.6.1.2.1.16.1.1.1.8.1', variable_name: 'etherStatsCRCAlignErrors.1', sample_type: 'deltaValue', owner: 'monitor', status: 'valid' } });
      expect(bus.find(d.id, 'eventTable', 'eventLastTimeSent', { eventIndex: '1' })?.labels.type).toBe('logandtrap');
      const before = bus.tables(d.id, 'logTable').length;
      // through one burst (20 s of 50 CRC errors/s every 60 s) and its end
      const seen = new Set<string>();
      for (let step = 0; step < 16; step++) {
        bus.clear();
        now += 5000;
        await c.cycle(t);
        for (const e of bus.tables(d.id, 'logTable')) {
          const s = e.payload.samples[0]!;
          const key = `${s.labels.eventIndex}.${s.labels.logIndex}`;
          expect(seen.has(key)).toBe(false);
          seen.add(key);
        }
      }
      const kinds = [...seen].map((k) => k.split('.')[0]);
      expect(kinds).toContain('1'); // rising
      expect(kinds).toContain('2'); // falling
      expect(before).toBeGreaterThanOrEqual(0);
    } finally {
      await c.stop();
    }
  });

  it('RMON2 present (probeCapabilities, protocolDirTable, protocolDistStatsTable): capabilities named, distribution by protocol, support published', async () => {
    const lab2 = await Lab.start({ devices: 1, interfaces: 2, profiles: ['switch'], initialUptimeSeconds: 100, rmon: { rmon2: true } }, { clock });
    const bus = new RecordingBus();
    const c = collector(bus);
    try {
      const d = lab2.devices[0]!;
      const device = lab2.agent(d.id).device;
      await c.cycle(target(d.id, d.address, d.port, d.community));
      const caps = bus.samples(d.id, 'rmon2').filter((x) => x.name === 'probeCapability').map((x) => x.labels.capability);
      expect(caps.sort()).toEqual(['alarm', 'etherHistory', 'etherStats', 'event', 'historyControl', 'nlHost', 'nlMatrix', 'protocolDirectory', 'protocolDistribution']);
      for (let ifIndex = 1; ifIndex <= 2; ifIndex++) {
        for (const p of LAB_PROTOCOLS) {
          for (const [name, what] of [['protocolDistStatsPkts', 'pkts'], ['protocolDistStatsOctets', 'octets']] as const) {
            const got = bus.find(d.id, 'rmon2', name, { protocolDistControlIndex: String(ifIndex), protocol: p.descr });
            expect(got?.value).toBe(protocolDist(device, ifIndex, p.localIndex, what, now));
          }
        }
      }
      expect(bus.find(d.id, 'rmonSupport', 'rmon_supported', { group: 'rmon2' })?.value).toBe(1);
      expect(c.supportSummary()).toEqual([{ groups: 'statistics+history+alarm+rmon2', highCapacity: true, probes: 1 }]);
    } finally {
      await c.stop();
      await lab2.close();
    }
  });

  it('RMON2 nlHost / nlMatrixSD (time-filtered): per control row every host and conversation counted once, the busiest published with the lab\'s values, read at timeMark 0 in bounded requests', async () => {
    const lab2 = await Lab.start({ devices: 1, interfaces: 2, profiles: ['switch'], initialUptimeSeconds: 100, rmon: { rmon2: true } }, { clock });
    const bus = new RecordingBus();
    const c = new RmonCollector({ config: testConfig({ groups: ['rmon2'] }), bus, origin: { site: 'lab', collector: 'test' }, now: clock });
    try {
      const d = lab2.devices[0]!;
      const agent = lab2.agent(d.id);
      const device = agent.device;
      const log = agent.recordRequests();
      await c.cycle(target(d.id, d.address, d.port, d.community));
      agent.stopRecording();
      expect(bus.find(d.id, 'rmon_poll', 'rmon_poll_errors')?.value).toBe(0);
      const rmon2 = bus.samples(d.id, 'rmon2');
      const dotted = (ifIndex: number, octet: number) => hostAddress(device, ifIndex, octet).join('.');
      for (const ifIndex of [1, 2]) {
        const control = { hlHostControlIndex: String(ifIndex), data_source: `1.3.6.1.2.1.2.2.1.1.${ifIndex}`, ifIndex: String(ifIndex) };
        expect(bus.find(d.id, 'rmon2', 'nlHostEntries', control)).toMatchObject({ value: LAB_HOSTS.length, labels: { owner: 'monitor', status: 'active' } });
        expect(bus.find(d.id, 'rmon2', 'hlHostControlNlInserts', control)?.value).toBe(LAB_HOSTS.length);
        // fewer hosts than NL_TOP: each of them, with the lab's counts
        for (const h of LAB_HOSTS) {
          const labels = { ...control, protocol: 'ip', address: dotted(ifIndex, h.octet) };
          expect(bus.find(d.id, 'rmon2', 'nlHostInOctets', labels)?.value).toBe(hostCount(device, ifIndex, h.octet, 'in', 'octets', now));
          expect(bus.find(d.id, 'rmon2', 'nlHostOutPkts', labels)?.value).toBe(hostCount(device, ifIndex, h.octet, 'out', 'pkts', now));
          expect(bus.find(d.id, 'rmon2', 'nlHostOutMacNonUnicastPkts', labels)?.value).toBe(hostOutNonUnicast(device, ifIndex, h.octet, now));
        }
        const matrix = { hlMatrixControlIndex: String(ifIndex), data_source: `1.3.6.1.2.1.2.2.1.1.${ifIndex}`, ifIndex: String(ifIndex) };
        expect(bus.find(d.id, 'rmon2', 'nlMatrixSDEntries', matrix)?.value).toBe(LAB_CONVERSATIONS.length);
        // more conversations than NL_TOP: exactly the busiest NL_TOP by octets
        const published = rmon2.filter((x) => x.name === 'nlMatrixSDOctets' && x.labels.hlMatrixControlIndex === String(ifIndex));
        const busiest = [...LAB_CONVERSATIONS].sort((a, b) => conversationCount(device, ifIndex, b, 'octets', now) - conversationCount(device, ifIndex, a, 'octets', now)).slice(0, NL_TOP);
        expect(LAB_CONVERSATIONS.length).toBeGreaterThan(NL_TOP);
        expect(published.map((x) => [x.labels.source, x.labels.destination, x.value]).sort()).toEqual(
          busiest.map((x) => [dotted(ifIndex, x.src), dotted(ifIndex, x.dst), conversationCount(device, ifIndex, x, 'octets', now)]).sort(),
        );
      }
      // the time-filtered tables were walked per control row under timeMark 0 only: every request
      // for them starts at <column>.<control>.0… and nothing under another timeMark was asked for
      const nl = log.filter((r) => r.oids.some((o) => o.startsWith('1.3.6.1.2.1.16.14.2.1.') || o.startsWith('1.3.6.1.2.1.16.15.2.1.')));
      expect(nl.length).toBeGreaterThan(0);
      for (const r of nl) for (const o of r.oids) expect(o.split('.').slice(11, 13)).toEqual([expect.stringMatching(/^[12]$/), '0']);
      const varbinds = nl.reduce((n, r) => n + r.answered.length, 0);
      // hosts × 5 columns + conversations × 2 per control row, plus at most one GETBULK's worth past each row's end
      const rows = 2 * (LAB_HOSTS.length * 5 + LAB_CONVERSATIONS.length * 2);
      expect(varbinds).toBeGreaterThanOrEqual(rows);
      expect(varbinds).toBeLessThanOrEqual(rows + 2 * 2 * (5 + 2) * 25);
    } finally {
      await c.stop();
      await lab2.close();
    }
  });
});
