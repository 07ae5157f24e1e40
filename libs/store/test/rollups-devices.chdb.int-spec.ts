import { createEvent } from '@sonde/events/create-event';
import type { MetricSample } from '@sonde/events/payloads/metric-sample';
import type { SondeEvent } from '@sonde/events/sonde-event';
import { createEventStore } from '../src/clickhouse/create-event-store';
import type { ClickHouseEventStore } from '../src/clickhouse/clickhouse-event-store';
import type { StoreConfigInput } from '../src/store.config';
import { chdbTestConfig } from './chdb-test-config';

// Rollups (metrics by site and type, ICMP), the devices table, and retention proven by forcing
// the TTL merge — on chDB, the ClickHouse 26.x engine (design.md §7).
const DB = `rollups_it_${process.pid}`;
const DAY = 86_400_000;
const stores: ClickHouseEventStore[] = [];

async function storeFor(database: string, extra: StoreConfigInput = {}): Promise<ClickHouseEventStore> {
  const store = createEventStore(chdbTestConfig(database, extra));
  await store.migrate();
  stores.push(store);
  return store;
}

const rows = <T extends Record<string, unknown>>(store: ClickHouseEventStore, sql: string) =>
  store.query<T>(`${sql} SETTINGS output_format_json_quote_64bit_integers = 0`);

afterAll(async () => {
  for (const s of stores) {
    await s.command(`DROP DATABASE IF EXISTS ${DB}`).catch(() => undefined);
    await s.command(`DROP DATABASE IF EXISTS ${DB}_ttl`).catch(() => undefined);
  }
  for (const s of stores) await s.close();
});

const metric = (site: string, device: string, samples: MetricSample[], ts: number): SondeEvent =>
  createEvent('snmp.metric', { site, collector: 'c1' }, { id: device, address: '127.0.0.5' }, { group: 'if', samples }, ts);

const probe = (device: string, received: number, rtt: number | null, ts: number, receivedAt = ts): SondeEvent =>
  createEvent('icmp.probe', { site: 'par1', collector: 'prober-1' }, { id: device, address: '127.0.0.6' }, {
    target: '127.0.0.6', family: 4, sent: 5, received, lossPct: ((5 - received) / 5) * 100,
    rttMinMs: rtt === null ? null : rtt / 2, rttAvgMs: rtt, rttMaxMs: rtt === null ? null : rtt * 2, rttStddevMs: null,
    errors: {}, reachability: received > 0 ? 'up' : 'down',
  }, ts, receivedAt);

describe('metric rollups (migration 5)', () => {
  it('key by site and type, hash labels in any order, and do not sum counters', async () => {
    const store = await storeFor(DB);
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000;
    const s = (name: string, labels: Record<string, string>, value: number, type: MetricSample['type']): MetricSample => ({ name, labels, value, unit: 'By', type });
    await store.insert([
      metric('par1', 'r1', [s('ifHCInOctets', { ifIndex: '1', ifName: 'eth0' }, 1_000, 'counter'), s('ifHCInOctets_rate', { ifIndex: '1', ifName: 'eth0' }, 10, 'rate')], hour + 1000),
      // same label set, other order; a later counter reading
      metric('par1', 'r1', [s('ifHCInOctets', { ifName: 'eth0', ifIndex: '1' }, 4_000, 'counter'), s('ifHCInOctets_rate', { ifName: 'eth0', ifIndex: '1' }, 30, 'rate')], hour + 31_000),
      // same device id at another site: its own row
      metric('ams1', 'r1', [s('ifHCInOctets_rate', { ifIndex: '1', ifName: 'eth0' }, 99, 'rate')], hour + 2000),
    ]);
    await store.command(`OPTIMIZE TABLE ${DB}.snmp_metric_1m FINAL`);
    const got = await rows<{ site: string; name: string; type: string; n: number; sum: number; count: number; last: number; max: number }>(
      store,
      `SELECT site, name, type, count() AS n, sum(sum) AS sum, sum(count) AS count, argMaxMerge(last) AS last, max(max) AS max
       FROM ${DB}.snmp_metric_1m WHERE device_id = 'r1' GROUP BY site, name, type, labels_hash ORDER BY site, name`,
    );
    expect(got).toEqual([
      { site: 'ams1', name: 'ifHCInOctets_rate', type: 'rate', n: 1, sum: 99, count: 1, last: 99, max: 99 },
      { site: 'par1', name: 'ifHCInOctets', type: 'counter', n: 1, sum: 0, count: 2, last: 4_000, max: 4_000 },
      { site: 'par1', name: 'ifHCInOctets_rate', type: 'rate', n: 1, sum: 40, count: 2, last: 30, max: 30 },
    ]);
    const [stored] = await rows<{ n: number }>(store, `SELECT count() AS n FROM ${DB}.snmp_metric_1m WHERE device_id = 'r1' AND name = 'ifHCInOctets_rate' AND site = 'par1'`);
    expect(stored?.n).toBe(1); // one row after the merge: {ifIndex, ifName} and {ifName, ifIndex} are one series
  });
});

describe('ICMP rollups (migration 6)', () => {
  it('keep RTT min/avg/max, loss and the reachability share per bucket', async () => {
    const store = await storeFor(DB);
    const minute = Math.floor(Date.now() / 60_000) * 60_000 - 120_000;
    await store.insert([probe('p1', 5, 0.4, minute + 1000), probe('p1', 0, null, minute + 11_000), probe('p1', 5, 0.8, minute + 21_000)]);
    for (const t of ['icmp_probe_1m', 'icmp_probe_1h']) {
      const [r] = await rows<{ loss: number; share: number; avg: number; lo: number; hi: number }>(
        store,
        `SELECT 1 - sum(received) / sum(sent) AS loss, sum(up) / sum(probes) AS share, sum(rtt_sum_ms) / sum(replies) AS avg,
                min(rtt_min_ms) AS lo, max(rtt_max_ms) AS hi
         FROM ${DB}.${t} WHERE device_id = 'p1' AND target = '127.0.0.6'`,
      );
      expect(r?.loss).toBeCloseTo(1 / 3, 10);
      expect(r?.share).toBeCloseTo(2 / 3, 10);
      expect(r?.avg).toBeCloseTo(0.6, 10);
      expect([r?.lo, r?.hi]).toEqual([0.2, 1.6]);
    }
  });
});

describe('devices table (migrations 7 and 9)', () => {
  it('keeps the latest sysName, tags, SNMP version and security level, reachability and last seen per collector', async () => {
    const store = await storeFor(DB);
    const now = Date.now();
    // the device's tags as its events carry them (ADR 0006): retagged in the inventory meanwhile
    const before = { id: 'sw-7', name: 'Switch 7', address: '127.0.0.7', tags: ['staging'] };
    const dev = { ...before, tags: ['core', 'par1-dc'] };
    const o = { site: 'par1', collector: 'poller-1' };
    const poll = (version: string, level: string, reachable: number, ts: number, d = dev) =>
      createEvent('snmp.metric', o, d, { group: 'snmp_poll', samples: [{ name: 'snmp_poll_reachable', labels: { version, security_level: level, profile: 'default' }, value: reachable, unit: '', type: 'status' }] }, ts);
    const sys = (sysName: string, ts: number, d = dev) =>
      createEvent('snmp.metric', o, d, { group: 'system', samples: [{ name: 'sysUpTime', labels: { sysName, sysDescr: 'Linux lab', sysObjectID: '1.3.6.1.4.1.8072.3.2.10' }, value: 42, unit: 's', type: 'gauge' }] }, ts);
    await store.insert([sys('old-name', now - 60_000, before), poll('v2c', 'noAuthNoPriv', 1, now - 60_000, before)]);
    await store.insert([sys('sw-7.lab', now - 1000), poll('v3', 'authPriv', 0, now - 1000), probe('sw-7', 5, 0.5, now - 500)]);
    const got = await rows(store, `SELECT * EXCEPT (first_seen, last_seen) FROM ${DB}.devices_latest WHERE device_id = 'sw-7' ORDER BY collector`);
    expect(got).toEqual([
      { device_id: 'sw-7', collector: 'poller-1', site: 'par1', device_name: 'Switch 7', device_address: '127.0.0.7', sys_name: 'sw-7.lab',
        sys_descr: 'Linux lab', sys_object_id: '1.3.6.1.4.1.8072.3.2.10', snmp_version: 'v3', security_level: 'authPriv', snmp_reachable: '0',
        icmp_reachability: '', tags: ['core', 'par1-dc'], events: 4 },
      // the probe's event named no tags (an address-only device ref)
      { device_id: 'sw-7', collector: 'prober-1', site: 'par1', device_name: '', device_address: '127.0.0.6', sys_name: '', sys_descr: '',
        sys_object_id: '', snmp_version: '', security_level: '', snmp_reachable: '', icmp_reachability: 'up', tags: [], events: 1 },
    ]);
    const [seen] = await rows<{ last: number }>(store, `SELECT toUnixTimestamp64Milli(max(last_seen)) AS last FROM ${DB}.devices_latest WHERE device_id = 'sw-7'`);
    expect(seen?.last).toBe(now - 500);
  });
});

describe('retention proven with short TTLs', () => {
  it('expires raw rows after their TTL while the rollups keep them, and the rollups expire by their own', async () => {
    const db = `${DB}_ttl`;
    const store = await storeFor(db, { ttlDays: { icmpProbe: 1, snmpMetric: 1, rollup1m: 2, icmpRollup1m: 2, rollup1h: 30, icmpRollup1h: 30 } });
    const now = Date.now();
    const s = (value: number): MetricSample[] => [{ name: 'ifHCInOctets_rate', labels: { ifIndex: '1' }, value, unit: 'By/s', type: 'rate' }];
    const events = [
      // received 1.5 days ago: past the raw tables' 1 day, inside the 1 min rollups' 2 days
      probe('t1', 5, 0.3, now - 1.5 * DAY, now - 1.5 * DAY),
      createEvent('snmp.metric', { site: 'par1', collector: 'c1' }, { id: 't1', address: '127.0.0.8' }, { group: 'if', samples: s(7) }, now - 1.5 * DAY, now - 1.5 * DAY),
      // observed 5 days ago: past the 1 min rollups' 2 days, inside the 1 h rollups' 30
      probe('t2', 5, 0.3, now - 5 * DAY, now - 5 * DAY),
      createEvent('snmp.metric', { site: 'par1', collector: 'c1' }, { id: 't2', address: '127.0.0.8' }, { group: 'if', samples: s(8) }, now - 5 * DAY, now - 5 * DAY),
    ];
    await store.insert(events, { dedupToken: `ttl-${now}` });
    const tables = ['icmp_probe', 'snmp_metric', 'icmp_probe_1m', 'icmp_probe_1h', 'snmp_metric_1m', 'snmp_metric_1h'];
    for (const t of tables) await store.command(`OPTIMIZE TABLE ${db}.${t} FINAL`);
    const counts: Record<string, string[]> = {};
    for (const t of tables) {
      const got = await rows<{ device_id: string }>(store, `SELECT DISTINCT device_id FROM ${db}.${t} ORDER BY device_id`);
      counts[t] = got.map((r) => r.device_id);
    }
    expect(counts).toEqual({
      icmp_probe: [], snmp_metric: [],
      icmp_probe_1m: ['t1'], snmp_metric_1m: ['t1'],
      icmp_probe_1h: ['t1', 't2'], snmp_metric_1h: ['t1', 't2'],
    });
  });
});
