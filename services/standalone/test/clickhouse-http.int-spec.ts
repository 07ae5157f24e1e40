import { gzipSync } from 'node:zlib';
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { createEvent } from '@sonde/events/create-event';
import type { SondeEvent } from '@sonde/events/sonde-event';
import { createEventStore } from '@sonde/store/clickhouse/create-event-store';
import type { ClickHouseEventStore } from '@sonde/store/clickhouse/clickhouse-event-store';
import { batchRows } from '@sonde/store/rows/event-rows';
import { EVENT_TABLES } from '@sonde/store/schema/event-tables';
import { MIGRATIONS } from '@sonde/store/schema/migrations';
import fc from 'fast-check';
import { arbitraryEvent } from '@sonde/testing/event-arbitraries';
import { writeCompressedBlocks } from '../src/clickhouse-http/compressed-block';
import { buildClickhouseGoProbe, runClickhouseGo, type ProbeQuery } from './clickhouse-go-probe';
import { CHDB_PATH, startClickHouseHttp, type RunningInterface } from './chdb/clickhouse-http-harness';

// `sonde up`'s ClickHouse HTTP interface, proven with real clients: clickhouse-go/v2 over HTTP
// (the driver inside Grafana's ClickHouse data source, built from the Go module proxy, with the
// plugin's options) and @clickhouse/client, against the interface's server class on a chDB store.
const DB = `chhttp_it_${process.pid}`;
const origin = { site: 'lab', collector: 'http-test' };
const router = { id: 'router-1', name: 'Router 1', address: '127.0.0.2' };

let store: ClickHouseEventStore;
let server: RunningInterface;
let probe: string;
const events: SondeEvent[] = [];

beforeAll(async () => {
  probe = await buildClickhouseGoProbe();
  store = createEventStore({ type: 'chdb', database: DB, chdb: { path: CHDB_PATH }, retry: { retries: 0 } });
  await store.migrate();
  const now = Date.now();
  for (let i = 0; i < 3; i++) {
    events.push(
      createEvent('snmp.metric', origin, router, {
        group: 'interfaces',
        samples: [{ name: 'ifHCInOctets_rate', labels: { ifName: 'eth0', ifIndex: '1' }, value: 100 * (i + 1), unit: 'By/s', type: 'rate' }],
      }, now - (3 - i) * 60_000),
      createEvent('snmp.trap', origin, router, {
        version: 'v3', pdu: 'trap', trapOid: '1.3.6.1.6.3.1.1.5.3', trapName: 'IF-MIB::linkDown', uptime: 100 + i,
        source: { address: router.address, port: 162 }, security: { user: 'monitor', level: 'authPriv' },
        varbinds: [{ oid: '1.3.6.1.2.1.2.2.1.1.3', name: 'IF-MIB::ifIndex.3', type: 'Integer', value: '3', display: '3' }],
      }, now - i * 1000, now - i * 1000),
    );
  }
  await store.insert(events);
  server = await startClickHouseHttp({ database: DB });
}, 900_000);

afterAll(async () => {
  await server?.close();
  await store?.command(`DROP DATABASE IF EXISTS ${DB}`);
  await store?.close();
});

describe('ClickHouse HTTP interface through clickhouse-go/v2 (Grafana plugin options: HTTP, gzip)', () => {
  it('pings and decodes Native results of every column shape the schema has', async () => {
    const out = await runClickhouseGo(probe, { addr: server.addr, database: DB }, [
      { id: 'metric', sql: `SELECT ts, device_id, name, labels, value FROM snmp_metric ORDER BY ts` },
      { id: 'trap', sql: `SELECT id, trap_name, uptime_seconds, varbinds.oid, security_level, received_at FROM snmp_trap ORDER BY ts` },
      { id: 'agg', sql: `SELECT device_id, count() AS n, avg(value) AS mean, max(ts) AS last FROM snmp_metric GROUP BY device_id` },
      { id: 'empty', sql: `SELECT * FROM icmp_probe WHERE device_id = 'nobody'` },
      { id: 'hello', sql: 'SELECT displayName(), version(), revision(), timezone()' },
    ]);
    expect(out.ping).toBe('ok');
    const byId = new Map(out.results.map((r) => [r.id, r]));
    for (const r of out.results) expect(r.error).toBeUndefined();
    const metric = byId.get('metric')!;
    expect(metric.columns?.map((c) => c.type)).toEqual(["DateTime64(3, 'UTC')", 'LowCardinality(String)', 'LowCardinality(String)', 'Map(LowCardinality(String), String)', 'Float64']);
    const metricEvents = events.filter((e) => e.kind === 'snmp.metric');
    expect(metric.rows).toEqual(metricEvents.map((e) => [e.ts, 'router-1', 'ifHCInOctets_rate', { ifName: 'eth0', ifIndex: '1' }, e.kind === 'snmp.metric' ? e.payload.samples[0]!.value : 0]));
    const traps = byId.get('trap')!;
    expect(traps.rows).toHaveLength(3);
    expect(traps.rows[0]?.slice(1, 5)).toEqual(['IF-MIB::linkDown', 1.02, ['1.3.6.1.2.1.2.2.1.1.3'], 'authPriv']);
    expect(byId.get('agg')?.rows).toEqual([['router-1', '3', 200, Math.max(...metricEvents.map((e) => e.ts))]]);
    expect(byId.get('empty')?.rows).toEqual([]);
  });

  it('answers errors as ClickHouse does: code, name, status', async () => {
    const out = await runClickhouseGo(probe, { addr: server.addr, database: DB }, [
      { id: 'unknown-table', sql: 'SELECT * FROM nope' },
      { id: 'syntax', sql: 'SELEC 1' },
      { id: 'readonly', sql: `INSERT INTO snmp_metric (id) VALUES (generateUUIDv7())`, exec: true },
      { id: 'ddl', sql: 'DROP TABLE snmp_metric', exec: true },
      { id: 'setting', sql: 'SELECT 1', settings: { merge_tree_min_rows_for_concurrent_read: 1 } },
    ]);
    const codes = Object.fromEntries(out.results.map((r) => [r.id, [r.exception?.code, r.exception?.name, /\[HTTP (\d+)\]/.exec(r.error ?? '')?.[1]]]));
    expect(codes).toEqual({
      'unknown-table': [60, 'UNKNOWN_TABLE', '404'],
      syntax: [62, 'SYNTAX_ERROR', '400'],
      readonly: [164, 'READONLY', '403'],
      ddl: [164, 'READONLY', '403'],
      setting: [452, 'SETTING_CONSTRAINT_VIOLATION', '403'],
    });
    // the store's own session is untouched by the interface's read-only sessions
    const [n] = await store.query<{ n: string }>(`SELECT count() AS n FROM ${DB}.snmp_metric`);
    expect(Number(n?.n)).toBe(3);
  });

  it('applies allow-listed per-query settings to that query only', async () => {
    const out = await runClickhouseGo(probe, { addr: server.addr, database: DB }, [
      { id: 'limited', sql: 'SELECT number FROM system.numbers LIMIT 10', settings: { max_result_rows: 2, result_overflow_mode: 'break', max_block_size: 1 } },
      { id: 'after', sql: 'SELECT number FROM system.numbers LIMIT 10' },
      { id: 'tz', sql: "SELECT toString(toDateTime(0)) AS t", settings: { session_timezone: 'Asia/Tokyo' } },
    ]);
    const byId = new Map(out.results.map((r) => [r.id, r]));
    expect(byId.get('limited')?.rows.length).toBeLessThan(10);
    expect(byId.get('after')?.rows).toHaveLength(10);
    expect(byId.get('tz')?.rows).toEqual([['1970-01-01 09:00:00']]);
  });

  it.each(['gzip', 'deflate', 'br'] as const)('compresses answers with %s when the client enables HTTP compression', async (compression) => {
    const queries: ProbeQuery[] = [{ id: 'n', sql: 'SELECT number, toString(number) AS s FROM system.numbers LIMIT 5000' }];
    const out = await runClickhouseGo(probe, { addr: server.addr, database: DB, compression, httpCompression: true }, queries);
    expect(out.results[0]?.error).toBeUndefined();
    expect(out.results[0]?.rows).toHaveLength(5000);
    expect(out.results[0]?.rows[4999]).toEqual(['4999', '4999']);
    const raw = await fetch(`${server.url}/?enable_http_compression=1&query=${encodeURIComponent('SELECT number FROM system.numbers LIMIT 5000')}`, {
      headers: { 'Accept-Encoding': compression },
    });
    expect(raw.headers.get('content-encoding')).toBe(compression);
  });
});

describe("ClickHouse HTTP interface through clickhouse-go/v2 with ClickHouse's block compression (LZ4, ZSTD)", () => {
  it.each([['lz4', undefined], ['zstd', undefined], ['zstd', 9]] as const)('queries with %s (level %s): answers in compressed blocks, errors too', async (compression, level) => {
    const out = await runClickhouseGo(probe, { addr: server.addr, database: DB, compression, level }, [
      { id: 'metric', sql: `SELECT ts, device_id, name, labels, value FROM snmp_metric ORDER BY ts` },
      { id: 'many', sql: 'SELECT number, toString(number) AS s, repeat(toString(number), 20) AS r FROM system.numbers LIMIT 200000' },
      { id: 'empty', sql: `SELECT * FROM icmp_probe WHERE device_id = 'nobody'` },
      { id: 'unknown-table', sql: 'SELECT * FROM nope' },
    ]);
    expect(out.ping).toBe('ok');
    const byId = new Map(out.results.map((r) => [r.id, r]));
    expect(byId.get('metric')?.error).toBeUndefined();
    expect(byId.get('metric')?.rows.map((r) => r[4])).toEqual(events.flatMap((e) => (e.kind === 'snmp.metric' ? [e.payload.samples[0]?.value] : [])));
    const many = byId.get('many');
    expect(many?.error).toBeUndefined();
    expect(many?.rows).toHaveLength(200_000);
    expect(many?.rows[199_999]).toEqual(['199999', '199999', '199999'.repeat(20)]);
    expect(byId.get('empty')).toMatchObject({ rows: [] });
    expect(byId.get('unknown-table')?.exception).toMatchObject({ code: 60, name: 'UNKNOWN_TABLE' });
  });

  it('answers raw compress=1 requests in LZ4 unless network_compression_method says ZSTD', async () => {
    const sql = encodeURIComponent('SELECT number FROM system.numbers LIMIT 1000 FORMAT TSV');
    const lz4 = Buffer.from(await (await fetch(`${server.url}/?compress=1&query=${sql}`)).arrayBuffer());
    const zstd = Buffer.from(await (await fetch(`${server.url}/?compress=1&network_compression_method=ZSTD&query=${sql}`)).arrayBuffer());
    expect([lz4[16], zstd[16]]).toEqual([0x82, 0x90]);
    const corrupt = writeCompressedBlocks(Buffer.from('SELECT 1'), 'LZ4');
    corrupt[corrupt.length - 1] = (corrupt[corrupt.length - 1] ?? 0) ^ 1;
    const err = await fetch(`${server.url}/?decompress=1`, { method: 'POST', body: corrupt });
    expect([err.status, err.headers.get('x-clickhouse-exception-code')]).toEqual([500, '40']);
    expect(await err.text()).toMatch(/^Code: 40\. DB::Exception: Checksum doesn't match: corrupted data/);
  });

  it.each(['lz4', 'zstd'] as const)('inserts a batch with %s (Native blocks, decompress=1) and reads it back', async (compression) => {
    const writable = await startClickHouseHttp({ database: DB, allowWrites: true });
    const table = `batch_${compression}`;
    try {
      const rows = Array.from({ length: 5000 }, (_, i) => [`device-${i % 7}`, `if-${i}\u00e9\u0000`, i * 0.5]);
      const out = await runClickhouseGo(probe, { addr: writable.addr, database: DB, compression }, [
        { id: 'create', sql: `CREATE TABLE ${table} (device_id String, name String, value Float64) ENGINE = MergeTree ORDER BY device_id`, exec: true },
        { id: 'insert', sql: `INSERT INTO ${table} (device_id, name, value)`, insert: rows },
        { id: 'read', sql: `SELECT count(), sum(value), countDistinct(device_id), max(length(name)) FROM ${table}` },
        { id: 'row', sql: `SELECT device_id, name, value FROM ${table} WHERE value = 2499.5` },
      ]);
      for (const r of out.results) expect([r.id, r.error]).toEqual([r.id, undefined]);
      const byId = new Map(out.results.map((r) => [r.id, r]));
      expect(byId.get('read')?.rows).toEqual([['5000', rows.reduce((a, r) => a + Number(r[2]), 0), '7', '10']]);
      expect(byId.get('row')?.rows).toEqual([rows[4999]]);
    } finally {
      await store.command(`DROP TABLE IF EXISTS ${DB}.${table}`);
      await writable.close();
    }
  });
});

describe('ClickHouse HTTP interface through @clickhouse/client', () => {
  it('queries in JSON formats, with response and request compression, and reads the summary', async () => {
    const client = createClient({ url: server.url, database: DB, compression: { response: true, request: true }, log: { level: ClickHouseLogLevel.OFF } });
    try {
      const rows = await (await client.query({ query: 'SELECT device_id, count() AS n FROM snmp_trap GROUP BY device_id', format: 'JSONEachRow' })).json();
      expect(rows).toEqual([{ device_id: 'router-1', n: '3' }]);
      const params = await (await client.query({ query: 'SELECT {d:String} AS d, {n:UInt32} + 1 AS n', query_params: { d: 'x', n: 41 }, format: 'JSONEachRow' })).json();
      expect(params).toEqual([{ d: 'x', n: '42' }]); // UInt64, quoted as a server does
      const err = await client.query({ query: 'SELECT * FROM nope', format: 'JSONEachRow' }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: '60', type: 'UNKNOWN_TABLE' });
      expect((await client.ping()).success).toBe(true);
    } finally {
      await client.close();
    }
  });

  it.each(['zstd', 'br'] as const)('queries and inserts with %s HTTP compression both ways (the codecs it offers besides gzip; it has no block compression)', async (codec) => {
    const writable = await startClickHouseHttp({ database: DB, allowWrites: true });
    const table = `js_${codec}`;
    const client = createClient({ url: writable.url, database: DB, compression: { response: { codec }, request: { codec } }, log: { level: ClickHouseLogLevel.OFF } });
    try {
      await client.command({ query: `CREATE TABLE ${table} (name String, value Float64) ENGINE = MergeTree ORDER BY name` });
      const values = Array.from({ length: 3000 }, (_, i) => ({ name: `n${i}`, value: i }));
      await client.insert({ table, values, format: 'JSONEachRow' });
      const rows = await (await client.query({ query: `SELECT count() AS n, sum(value) AS s FROM ${table}`, format: 'JSONEachRow' })).json();
      expect(rows).toEqual([{ n: '3000', s: (2999 * 3000) / 2 }]);
      const raw = await fetch(`${writable.url}/?enable_http_compression=1&query=${encodeURIComponent(`SELECT name FROM ${DB}.${table}`)}`, { headers: { 'Accept-Encoding': codec } });
      expect(raw.headers.get('content-encoding')).toBe(codec);
    } finally {
      await client.command({ query: `DROP TABLE IF EXISTS ${table}` }).catch(() => undefined);
      await client.close();
      await writable.close();
    }
  });

  it('sends X-ClickHouse-* headers, query_id, FORMAT, and reads a gzip request body', async () => {
    const res = await fetch(`${server.url}/?query_id=q-1&database=${DB}`, {
      method: 'POST',
      headers: { 'Content-Encoding': 'gzip' },
      body: gzipSync(Buffer.from('SELECT count() AS n FROM snmp_metric FORMAT JSONEachRow')),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"n":"3"}\n');
    expect(res.headers.get('x-clickhouse-query-id')).toBe('q-1');
    expect(res.headers.get('x-clickhouse-format')).toBe('JSONEachRow');
    expect(res.headers.get('x-clickhouse-timezone')).toBeTruthy();
    expect(res.headers.get('x-clickhouse-server-display-name')).toBe('sonde-test');
    expect(JSON.parse(res.headers.get('x-clickhouse-summary') ?? '{}')).toMatchObject({ read_rows: expect.any(String), elapsed_ns: expect.any(String) });
    const ping = await fetch(`${server.url}/ping`);
    expect(await ping.text()).toBe('Ok.\n');
    const external = await fetch(`${server.url}/?query=SELECT%201&t_structure=a%20UInt8`, { method: 'POST' });
    expect(external.status).toBe(501);
    expect(external.headers.get('x-clickhouse-exception-code')).toBe('48');
  });
});

describe('ClickHouse HTTP interface with credentials and writes', () => {
  it('refuses a wrong user or password and accepts Basic auth and X-ClickHouse-User/Key', async () => {
    const locked = await startClickHouseHttp({ database: DB, credentials: { username: 'grafana', password: 's3cret:x' } });
    try {
      const wrong = await runClickhouseGo(probe, { addr: locked.addr, database: DB, user: 'grafana', password: 'nope' }, []);
      expect(wrong.ping).toContain('AUTHENTICATION_FAILED');
      const right = await runClickhouseGo(probe, { addr: locked.addr, database: DB, user: 'grafana', password: 's3cret:x' }, [{ id: 'n', sql: 'SELECT 1 AS one' }]);
      expect(right.ping).toBe('ok');
      expect(right.results[0]?.rows).toEqual([[1]]);
      const headers = await fetch(`${locked.url}/?query=SELECT%201`, { headers: { 'X-ClickHouse-User': 'grafana', 'X-ClickHouse-Key': 's3cret:x' } });
      expect(headers.status).toBe(200);
      const none = await fetch(`${locked.url}/?query=SELECT%201`);
      expect(none.status).toBe(401);
      expect(none.headers.get('x-clickhouse-exception-code')).toBe('516');
    } finally {
      await locked.close();
    }
  });

  it("stores any events over HTTP (the store's Native body, read by the engine FROM INFILE) as the store does into chDB directly", async () => {
    const writable = await startClickHouseHttp({ database: 'default', allowWrites: true });
    const viaHttp = `${DB}_native_http`;
    const direct = `${DB}_native_direct`;
    const httpStore = createEventStore({ type: 'clickhouse', database: viaHttp, clickhouse: { url: writable.url }, retry: { retries: 0 } });
    const directStore = createEventStore({ type: 'chdb', database: direct, chdb: { path: CHDB_PATH }, retry: { retries: 0 } });
    const contents = async (db: string, table: string): Promise<string[]> => {
      const columns = await store.query<{ name: string; type: string }>(`SELECT name, type FROM system.columns WHERE database = '${db}' AND table = '${table}' ORDER BY position`);
      // JSON cannot carry -0: floats + 0
      const select = columns.map(({ name, type }) => (/^(Nullable\()?Float64\)?$/.test(type) ? `\`${name}\` + 0 AS \`${name}\`` : `\`${name}\``)).join(', ');
      return (await store.query(`SELECT ${select} FROM ${db}.${table}`)).map((r) => JSON.stringify(r)).sort();
    };
    try {
      await httpStore.migrate();
      await directStore.migrate();
      const now = Date.now();
      const events = fc.sample(arbitraryEvent(now - 86_400_000, now), { numRuns: 300, seed: 7 });
      // rows built once: received_at of events without one is the same clock reading in both
      const tables = batchRows(events, now);
      await httpStore.insertTableRows(tables, { dedupToken: 'http-native/0' });
      await directStore.insertTableRows(tables, { dedupToken: 'http-native/0' });
      for (const { table } of EVENT_TABLES) {
        const stored = await contents(viaHttp, table);
        expect({ table, stored: stored.length }).toEqual({ table, stored: tables.find((t) => t.table === table)?.rows.length ?? 0 });
        expect(stored).toEqual(await contents(direct, table));
      }
    } finally {
      await store.command(`DROP DATABASE IF EXISTS ${viaHttp}`).catch(() => undefined);
      await store.command(`DROP DATABASE IF EXISTS ${direct}`).catch(() => undefined);
      await httpStore.close();
      await directStore.close();
      await writable.close();
    }
  });

  it("runs the store's production schema, migrations and dedup through its HTTP connection", async () => {
    const writable = await startClickHouseHttp({ database: 'default', allowWrites: true });
    const db = `${DB}_over_http`;
    const httpStore = createEventStore({ type: 'clickhouse', database: db, clickhouse: { url: writable.url }, retry: { retries: 0 } });
    try {
      const first = await httpStore.migrate();
      expect(first.applied).toEqual(MIGRATIONS.map((m) => `${m.version}-${m.name}`));
      expect((await httpStore.migrate()).applied).toEqual([]);
      const batch = events.slice(0, 4);
      await httpStore.insert(batch, { dedupToken: 'http/0/0-3' });
      await httpStore.insert(batch, { dedupToken: 'http/0/0-3' });
      const [metrics] = await httpStore.query<{ n: string }>(`SELECT count() AS n FROM ${db}.snmp_metric`);
      const [traps] = await httpStore.query<{ n: string }>(`SELECT count() AS n FROM ${db}.snmp_trap`);
      expect([Number(metrics?.n), Number(traps?.n)]).toEqual([2, 2]);
      const [rolled] = await httpStore.query<{ n: string }>(`SELECT sum(count) AS n FROM ${db}.snmp_metric_1m`);
      expect(Number(rolled?.n)).toBe(2);
    } finally {
      await httpStore.command(`DROP DATABASE IF EXISTS ${db}`).catch(() => undefined);
      await httpStore.close();
      await writable.close();
    }
  });
});
