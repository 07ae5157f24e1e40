import fc from 'fast-check';
import type { SondeEvent } from '@sonde/events/sonde-event';
import { createEvent } from '@sonde/events/create-event';
import { createEventStore } from '../src/clickhouse/create-event-store';
import type { ClickHouseEventStore } from '../src/clickhouse/clickhouse-event-store';
import { batchRows, eventRows } from '../src/rows/event-rows';
import { EVENT_TABLES } from '../src/schema/event-tables';
import { MIGRATIONS } from '../src/schema/migrations';
import { StoreError } from '../src/store-error';
import { chdbTestConfig } from './chdb-test-config';
import { arbitraryEvent } from '@sonde/testing/event-arbitraries';
import { sampleEvents } from './sample-events';

// Schema, queries and dedup are proven here on chDB: the ClickHouse 26.x engine in-process
// (design.md §7). The HTTP transport is proven against a real server in event-store.http.int-spec.ts.
const DB = `store_it_${process.pid}`;
let store: ClickHouseEventStore;

const count = async (table: string, where = '1'): Promise<number> => {
  const [row] = await store.query<{ n: string }>(`SELECT count() AS n FROM ${DB}.${table} WHERE ${where}`);
  return Number(row?.n);
};

beforeAll(async () => {
  store = createEventStore(chdbTestConfig(DB));
});

afterAll(async () => {
  await store.command(`DROP DATABASE IF EXISTS ${DB}`);
  await store.close();
});

describe('chDB event store', () => {
  it('migrates once: the second run applies nothing', async () => {
    const first = await store.migrate();
    const all = MIGRATIONS.map((m) => `${m.version}-${m.name}`);
    expect(all).toEqual(expect.arrayContaining(['1-event-tables', '2-metric-rollups', '3-ttl-by-received-at', '4-alert-state-transitions']));
    expect(first).toEqual({ applied: all, alreadyApplied: [] });
    const second = await store.migrate();
    expect(second).toEqual({ applied: [], alreadyApplied: all });
    expect(await count('schema_migrations')).toBe(all.length);
  });

  it('creates every table with its TTL, dedup window and the rollup views', async () => {
    const tables = await store.query<{ name: string; engine: string; create_table_query: string }>(
      `SELECT name, engine, create_table_query FROM system.tables WHERE database = {db:String} ORDER BY name`,
      { db: DB },
    );
    const byName = new Map(tables.map((t) => [t.name, t]));
    for (const spec of EVENT_TABLES) {
      const t = byName.get(spec.table);
      expect(t?.engine).toBe('MergeTree');
      expect(t?.create_table_query).toMatch(/TTL toDateTime\(coalesce\(received_at, ts\)\) \+ toIntervalDay\(\d+\)/);
      expect(t?.create_table_query).toContain('non_replicated_deduplication_window = 1000');
    }
    for (const source of ['snmp_metric', 'rmon_sample']) {
      for (const r of ['1m', '1h']) {
        expect(byName.get(`${source}_${r}`)?.engine).toBe('AggregatingMergeTree');
        expect(byName.get(`${source}_${r}`)?.create_table_query).toMatch(/TTL bucket \+ toIntervalDay\(\d+\)/);
        expect(byName.get(`${source}_${r}_mv`)?.engine).toBe('MaterializedView');
      }
    }
  });

  it('inserts every kind and reads back what was written', async () => {
    const events = sampleEvents();
    const before = Date.now();
    await store.insert(events);
    const after = Date.now();
    for (const event of events) {
      const { table, rows: mapped } = eventRows(event);
      // an event without a receive time takes the store's clock (rows expire by it)
      const rows = mapped.map((r) => ({ ...r, received_at: event.receivedAt ?? expect.any(Number) }));
      // DateTime64 columns are read back as epoch ms, to compare with the rows as mapped
      const times = table === 'alert_state' ? ['ts', 'received_at', 'since', 'starts_at', 'ends_at'] : ['ts', 'received_at'];
      const back = await store.query(
        `SELECT * EXCEPT (${times.join(', ')}), ${times.map((c) => `toUnixTimestamp64Milli(${c}) AS ${c}`).join(', ')}
         FROM ${DB}.${table} WHERE id = {id:UUID} ORDER BY ${'sample_index' in (rows[0] ?? {}) ? 'sample_index' : 'ts'}
         SETTINGS output_format_json_quote_64bit_integers = 0`,
        { id: event.id },
      );
      expect(back).toEqual(rows);
      for (const row of back) {
        if (event.receivedAt === undefined) expect(row.received_at).toBeGreaterThanOrEqual(before);
        if (event.receivedAt === undefined) expect(row.received_at).toBeLessThanOrEqual(after);
      }
    }
  });

  it('stores a trap\'s sysUpTime in seconds, in a column named for the unit (TimeTicks are 1/100 s)', async () => {
    const trap = sampleEvents().find((e) => e.kind === 'snmp.trap');
    if (!trap || trap.kind !== 'snmp.trap') throw new Error('sample trap missing');
    await store.insert([trap]);
    const [row] = await store.query<{ uptime_seconds: number }>(`SELECT uptime_seconds FROM ${DB}.snmp_trap WHERE id = {id:UUID}`, { id: trap.id });
    expect(row?.uptime_seconds).toBe((trap.payload.uptime ?? 0) / 100);
  });

  it('stores the same batch once when it is inserted twice with the same token', async () => {
    const now = Date.now();
    const batch = [...sampleEvents(now), ...sampleEvents(now + 1)];
    const ids = batch.map((e) => `'${e.id}'`).join(',');
    await store.insert(batch, { dedupToken: 'topic/0/100-111' });
    await store.insert(batch, { dedupToken: 'topic/0/100-111' });
    for (const spec of EVENT_TABLES) {
      const expected = batch.filter((e) => e.kind === spec.kind).reduce((n, e) => n + eventRows(e).rows.length, 0);
      expect(await count(spec.table, `id IN (${ids})`)).toBe(expected);
    }
    // the rollups saw the batch once too (a deduplicated insert does not feed the views again)
    const [rolled] = await store.query<{ n: number }>(
      `SELECT sum(count) AS n FROM ${DB}.snmp_metric_1m WHERE device_id = 'router-1' AND bucket >= toStartOfMinute(fromUnixTimestamp64Milli(${now}))
       SETTINGS output_format_json_quote_64bit_integers = 0`,
    );
    expect(rolled?.n).toBeGreaterThanOrEqual(4);
    const [direct] = await store.query<{ n: number }>(
      `SELECT count() AS n FROM ${DB}.snmp_metric WHERE device_id = 'router-1' AND toStartOfMinute(ts) >= toStartOfMinute(fromUnixTimestamp64Milli(${now}))
       SETTINGS output_format_json_quote_64bit_integers = 0`,
    );
    expect(rolled?.n).toBe(direct?.n);
  });

  it('inserts prepared rows under a token per table and tells which event ids of rows are stored (the event-writer path)', async () => {
    const stored = sampleEvents(Date.now());
    const fresh = sampleEvents(Date.now());
    const tables = batchRows(stored, Date.now());
    await store.insertTableRows(tables, { dedupToken: 'prepared/0/0-9' });
    await store.insertTableRows(tables, { dedupToken: 'prepared/0/0-9' }); // same token: dropped
    expect(await count('icmp_probe', `id = '${stored.find((e) => e.kind === 'icmp.probe')!.id}'`)).toBe(1);
    const asked = batchRows([...stored, ...fresh], Date.now());
    expect(await store.storedEventIds(asked)).toEqual(new Set(stored.map((e) => e.id.toLowerCase())));
  });

  it('tells which kinds of a possibly redelivered batch were stored already (issue 11 item 8)', async () => {
    const batch = sampleEvents(Date.now());
    const kinds = new Set(batch.map((e) => e.kind));
    // first delivery: nothing there yet, even when asked
    expect((await store.insert(batch, { dedupToken: 'redelivered/0/0-9', mayBeRedelivered: true })).deduplicatedKinds).toEqual(new Set());
    // the same batch redelivered (same token): every kind was stored already, nothing is written again
    expect((await store.insert(batch, { dedupToken: 'redelivered/0/0-9', mayBeRedelivered: true })).deduplicatedKinds).toEqual(kinds);
    expect(await count('icmp_probe', `id = '${batch.find((e) => e.kind === 'icmp.probe')!.id}'`)).toBe(1);
    // not asked (a first delivery): not checked, reported as new
    expect((await store.insert(batch, { dedupToken: 'redelivered/0/0-9' })).deduplicatedKinds).toEqual(new Set());
  });

  it('writes the batch again under a different token (the token is the identity, not the content)', async () => {
    const batch = sampleEvents();
    await store.insert(batch, { dedupToken: 'a' });
    await store.insert(batch, { dedupToken: 'b' });
    expect(await count('icmp_probe', `id = '${batch[0]!.id}'`)).toBe(2);
    // chDB applies settings as session-wide SETs: an insert without a token right after one with
    // a token must not inherit it (it would be dropped as a duplicate of 'c')
    const next = sampleEvents();
    await store.insert(next, { dedupToken: 'c' });
    await store.insert([...next, ...sampleEvents()]);
    expect(await count('icmp_probe', `id = '${next[0]!.id}'`)).toBe(2);
  });

  it('rolls metrics up per minute and per hour: min, max, avg, count, last', async () => {
    const origin = { site: 'lab', collector: 'rollup' };
    const device = { id: 'rollup-device', address: '127.0.0.9' };
    const minute = Math.floor(Date.now() / 3_600_000) * 3_600_000; // start of this hour
    const values = [5, 1, 9, 3];
    const events: SondeEvent[] = values.map((value, i) =>
      createEvent('snmp.metric', origin, device, {
        group: 'if', samples: [{ name: 'ifInErrors', labels: { ifName: 'eth0' }, value, unit: '1', type: 'gauge' }],
      }, minute + i * 1000),
    );
    await store.insert(events);
    for (const table of ['snmp_metric_1m', 'snmp_metric_1h']) {
      const rows = await store.query(
        `SELECT labels, unit, min(min) AS lo, max(max) AS hi, sum(sum) / sum(count) AS mean, sum(count) AS n,
                argMaxMerge(last) AS latest, toUnixTimestamp(bucket) * 1000 AS bucket_ms
         FROM ${DB}.${table} WHERE device_id = 'rollup-device' AND name = 'ifInErrors'
         GROUP BY labels_hash, labels, unit, bucket SETTINGS output_format_json_quote_64bit_integers = 0`,
      );
      expect(rows).toEqual([{ labels: { ifName: 'eth0' }, unit: '1', lo: 1, hi: 9, mean: 4.5, n: 4, latest: 3, bucket_ms: minute }]);
    }
  });

  it('accepts any valid event the contract allows', async () => {
    const now = Date.now();
    const events = fc.sample(arbitraryEvent(now - 86_400_000, now), { numRuns: 300, seed: 42 });
    await store.insert(events, { dedupToken: `arbitrary-${now}` });
    const ids = events.map((e) => `'${e.id}'`).join(',');
    let stored = 0;
    for (const spec of EVENT_TABLES) stored += await count(spec.table, `id IN (${ids})`);
    expect(stored).toBe(events.reduce((n, e) => n + eventRows(e).rows.length, 0));
  });

  it('reports an unknown table as not-found and bad SQL as malformed', async () => {
    await expect(store.query(`SELECT * FROM ${DB}.nope`)).rejects.toMatchObject({ code: 'not-found', context: { store: 'chdb' } });
    const err = await store.query('SELEC 1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect(err).toMatchObject({ code: 'malformed' });
  });
});
