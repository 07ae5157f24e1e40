import type { SondeEvent } from '@sonde/events/sonde-event';
import { createEventStore } from '../src/clickhouse/create-event-store';
import type { ClickHouseEventStore } from '../src/clickhouse/clickhouse-event-store';
import { EVENT_TABLES } from '../src/schema/event-tables';
import { MIGRATIONS } from '../src/schema/migrations';
import { migrate } from '../src/schema/migrator';
import { storeConfigSchema } from '../src/store.config';
import { chdbTestConfig } from './chdb-test-config';
import { sampleEvents } from './sample-events';

// Retention is proven, not only declared: each case forces the TTL merge (OPTIMIZE … FINAL)
// and counts what is left. On chDB, the ClickHouse 26.x engine (design.md §7).
const DB = `retention_it_${process.pid}`;
const DAY = 86_400_000;
let store: ClickHouseEventStore;

const count = async (table: string, where: string): Promise<number> => {
  const [row] = await store.query<{ n: string }>(`SELECT count() AS n FROM ${DB}.${table} WHERE ${where}`);
  return Number(row?.n);
};

const optimizeAll = async (): Promise<void> => {
  for (const spec of EVENT_TABLES) await store.command(`OPTIMIZE TABLE ${DB}.${spec.table} FINAL`);
};

/** Every kind, with the device's clock at `ts` and Sonde's receive time `receivedAt` (undefined: none carried). */
function eventsAt(ts: number, receivedAt: number | undefined): SondeEvent[] {
  return sampleEvents(ts).map((e) => {
    const { receivedAt: _drop, ...rest } = e;
    return (receivedAt === undefined ? rest : { ...rest, receivedAt }) as SondeEvent;
  });
}

beforeAll(async () => {
  store = createEventStore(chdbTestConfig(DB));
  await store.migrate();
});

afterAll(async () => {
  await store.command(`DROP DATABASE IF EXISTS ${DB}`);
  await store.close();
});

describe('retention by receive time (issue 11, item 1)', () => {
  it('stores and keeps events whose device clock says two months ago or two days ahead', async () => {
    const now = Date.now();
    const past = eventsAt(now - 60 * DAY, now);
    const future = eventsAt(now + 2 * DAY, now);
    await store.insert([...past, ...future], { dedupToken: `skew-${now}` });
    await optimizeAll();
    for (const events of [past, future]) {
      for (const e of events) {
        const spec = EVENT_TABLES.find((t) => t.kind === e.kind)!;
        expect(await count(spec.table, `id = '${e.id}'`)).toBeGreaterThan(0);
      }
    }
    // queryable by the device's time, as a dashboard asks for it
    const [old] = await store.query<{ n: string }>(
      `SELECT count() AS n FROM ${DB}.syslog_message WHERE ts < now64(3) - INTERVAL 59 DAY AND id = '${past[3]!.id}'`,
    );
    expect(Number(old?.n)).toBe(1);
  });

  it('stamps a missing receive time with the store clock, so a client-published old event is kept too', async () => {
    const before = Date.now();
    const old = eventsAt(before - 60 * DAY, undefined);
    await store.insert(old);
    await optimizeAll();
    const rows = await store.query<{ received: number }>(
      `SELECT toUnixTimestamp64Milli(received_at) AS received FROM ${DB}.icmp_probe WHERE id = '${old[0]!.id}'
       SETTINGS output_format_json_quote_64bit_integers = 0`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.received).toBeGreaterThanOrEqual(before);
    expect(rows[0]!.received).toBeLessThanOrEqual(Date.now());
  });

  it('expires rows by receive time: received beyond the retention is gone after the TTL merge', async () => {
    const now = Date.now();
    // device clock is current, but Sonde received them 31+ days ago (the longest default of
    // these tables is 30 days; traps keep 90 and alert states 365)
    const stale = eventsAt(now, now - 400 * DAY);
    const fresh = eventsAt(now - 400 * DAY, now);
    await store.insert([...stale, ...fresh], { dedupToken: `expiry-${now}` });
    await optimizeAll();
    for (const e of stale) {
      const spec = EVENT_TABLES.find((t) => t.kind === e.kind)!;
      expect(await count(spec.table, `id = '${e.id}'`)).toBe(0);
    }
    for (const e of fresh) {
      const spec = EVENT_TABLES.find((t) => t.kind === e.kind)!;
      expect(await count(spec.table, `id = '${e.id}'`)).toBeGreaterThan(0);
    }
  });

  it('upgrades a data folder made before migration 3: old rows stay, new TTL by receive time', async () => {
    const db = `${DB}_upgrade`;
    const runner = {
      command: (sql: string) => store.command(sql),
      select: <T extends Record<string, unknown>>(sql: string) => store.query<T>(sql),
      insertRows: (table: string, rows: readonly Record<string, unknown>[]) => store.insertRows(table, rows),
    };
    const settings = storeConfigSchema.parse({ database: db });
    try {
      await migrate(runner, settings, MIGRATIONS.filter((m) => m.version < 3));
      const now = Date.now();
      // a row as the old mapping wrote it: no receive time
      await store.insertRows(`${db}.syslog_message`, [
        { id: sampleEvents(now)[3]!.id, ts: now, received_at: null, site: 'lab', collector: 'c', device_id: 'd', device_name: '', device_address: '',
          facility: 1, severity: 1, format: 'rfc5424', hostname: '', app_name: '', proc_id: '', msg_id: '', message: 'before', structured_data: {},
          fields: {}, time_source: 'message', transport: 'udp', source_address: '', source_port: 0, truncated: false },
      ]);
      const report = await migrate(runner, settings);
      expect(report).toEqual({ applied: MIGRATIONS.filter((m) => m.version >= 3).map((m) => `${m.version}-${m.name}`), alreadyApplied: ['1-event-tables', '2-metric-rollups'] });
      const [t] = await store.query<{ q: string }>(`SELECT create_table_query AS q FROM system.tables WHERE database = '${db}' AND name = 'syslog_message'`);
      expect(t?.q).toContain('TTL toDateTime(coalesce(received_at, ts)) + toIntervalDay(30)');
      await store.command(`OPTIMIZE TABLE ${db}.syslog_message FINAL`);
      const [n] = await store.query<{ n: string }>(`SELECT count() AS n FROM ${db}.syslog_message WHERE message = 'before'`);
      expect(Number(n?.n)).toBe(1);
    } finally {
      await store.command(`DROP DATABASE IF EXISTS ${db}`);
    }
  });
});
