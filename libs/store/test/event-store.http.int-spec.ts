import net from 'node:net';
import { Registry } from 'prom-client';
import { realService } from '@sonde/testing/real-services';
import { createEventStore } from '../src/clickhouse/create-event-store';
import type { ClickHouseEventStore } from '../src/clickhouse/clickhouse-event-store';
import type { StoreConfigInput } from '../src/store.config';
import { StoreError } from '../src/store-error';
import { StoreMetrics } from '../src/store.metrics';
import { sampleEvents } from './sample-events';
import { PrivateClickHouse } from './private-clickhouse';
import { TcpFaultProxy } from './tcp-fault-proxy';

// The HTTP connection against the real Debian ClickHouse server (18.16, started by
// scripts/services/clickhouse.sh). 18.16 rejects the modern schema (design.md §7), so the
// transport is proven on a table in the old MergeTree syntax it understands: inserts and
// selects, retries with backoff, wrong password, unknown table, a server that is not there.
const TABLE = `default.transport_${process.pid}`;
const RETRIES = 2;
const stores: ClickHouseEventStore[] = [];
let ch: Record<string, string>;

function httpStore(overrides: { url?: string; password?: string; retries?: number } = {}, registry?: Registry): ClickHouseEventStore {
  const config: StoreConfigInput = {
    type: 'clickhouse',
    database: 'default',
    clickhouse: {
      url: overrides.url ?? ch.SONDE_TEST_CLICKHOUSE_URL,
      username: ch.SONDE_TEST_CLICKHOUSE_USER,
      password: overrides.password ?? ch.SONDE_TEST_CLICKHOUSE_PASSWORD,
      requestTimeoutMs: 5000,
    },
    retry: { retries: overrides.retries ?? RETRIES, initialBackoffMs: 20, maxBackoffMs: 100 },
  };
  const store = createEventStore(config, registry ? { metrics: new StoreMetrics(registry) } : {});
  stores.push(store);
  return store;
}

/** A loopback port nothing listens on (bound by the kernel, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const rows = (n: number, offset = 0) =>
  Array.from({ length: n }, (_, i) => ({
    date: '2026-11-25',
    ts: `2026-11-25 00:${String(Math.floor((i + offset) / 60) % 60).padStart(2, '0')}:${String((i + offset) % 60).padStart(2, '0')}`,
    device_id: `dev-${(i + offset) % 7}`,
    name: 'ifHCInOctets',
    value: i + offset,
  }));

beforeAll(async () => {
  ch = realService('clickhouse');
  await httpStore().command(
    `CREATE TABLE IF NOT EXISTS ${TABLE} (date Date, ts DateTime, device_id String, name String, value Float64)
     ENGINE = MergeTree(date, (device_id, name, ts), 8192)`,
  );
});

afterAll(async () => {
  await stores[0]?.command(`DROP TABLE IF EXISTS ${TABLE}`);
  for (const s of stores) await s.close();
});

describe('HTTP event store against ClickHouse 18.16', () => {
  it('talks to the real server', async () => {
    const store = httpStore();
    await store.ping();
    expect(await store.query<{ v: string }>('SELECT version() AS v')).toEqual([{ v: ch.SONDE_TEST_CLICKHOUSE_VERSION }]);
  });

  it('inserts batches and selects them back', async () => {
    const registry = new Registry();
    const store = httpStore({}, registry);
    await store.insertRows(TABLE, rows(5000));
    await store.insertRows(TABLE, rows(5000, 5000));
    const [r] = await store.query<{ n: string; total: number; devices: string }>(
      `SELECT count() AS n, sum(value) AS total, uniqExact(device_id) AS devices FROM ${TABLE}`,
    );
    expect(r).toEqual({ n: '10000', total: (9999 * 10000) / 2, devices: '7' });
    const metrics = await registry.getSingleMetricAsString('sonde_store_rows_inserted_total');
    expect(metrics).toContain(`table="transport_${process.pid}"} 10000`);
  });

  it('sends only the insert settings the server knows, and counts a token it cannot honour', async () => {
    // 18.16 has neither async_insert nor insert_deduplication_token: sending them would fail the insert
    const registry = new Registry();
    const store = httpStore({}, registry);
    await store.insertRows(TABLE, rows(3, 20_000), { dedupToken: 'batch-1' });
    expect(await registry.getSingleMetricAsString('sonde_store_dedup_token_unsupported_total')).toContain('} 1');
  });

  it('reports a wrong password as auth, without retrying and without the password', async () => {
    const store = httpStore({ password: 'wrong-password' });
    for (const call of [() => store.ping(), () => store.query('SELECT 1'), () => store.insertRows(TABLE, rows(1))]) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect(err).toMatchObject({ code: 'auth', context: { store: 'clickhouse', target: ch.SONDE_TEST_CLICKHOUSE_URL, attempts: 1 } });
      expect(JSON.stringify({ m: (err as Error).message, c: (err as StoreError).context })).not.toContain('wrong-password');
    }
  });

  it('reports an unknown table as not-found, naming it', async () => {
    const store = httpStore();
    await expect(store.insertRows('default.no_such_table', rows(1))).rejects.toMatchObject({
      code: 'not-found',
      context: { table: 'no_such_table', serverCode: 60 },
    });
    await expect(store.query('SELECT * FROM no_such_db.t')).rejects.toMatchObject({ code: 'not-found', context: { serverCode: 81 } });
  });

  it('gives up as unavailable after the configured retries when nothing listens', async () => {
    const store = httpStore({ url: `http://127.0.0.1:${await closedPort()}` });
    const err = await store.insertRows(TABLE, rows(1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect(err).toMatchObject({ code: 'unavailable', context: { attempts: RETRIES + 1, table: `transport_${process.pid}` } });
  });

  it('retries a server that drops every connection, once per attempt, then reports unavailable', async () => {
    const proxy = await TcpFaultProxy.start(undefined);
    try {
      const registry = new Registry();
      const store = httpStore({ url: proxy.url }, registry);
      await expect(store.query('SELECT 1')).rejects.toMatchObject({ code: 'unavailable', context: { attempts: RETRIES + 1 } });
      expect(proxy.connections).toBe(RETRIES + 1);
      expect(await registry.getSingleMetricAsString('sonde_store_retries_total')).toContain(`table="query"} ${RETRIES}`);
    } finally {
      await proxy.close();
    }
  });

  it('recovers when the server comes back within the retries, and the rows land once', async () => {
    const upstream = new URL(ch.SONDE_TEST_CLICKHOUSE_URL);
    const proxy = await TcpFaultProxy.start({ host: upstream.hostname, port: Number(upstream.port) }, RETRIES);
    try {
      const store = httpStore({ url: proxy.url });
      // the settings probe is the first request: it meets the dropped connections and retries
      await store.insertRows(TABLE, rows(10, 30_000));
      const [r] = await store.query<{ n: string }>(`SELECT count() AS n FROM ${TABLE} WHERE value >= 30000 AND value < 30010`);
      expect(r?.n).toBe('10');
      expect(proxy.connections).toBeGreaterThanOrEqual(RETRIES + 1);
    } finally {
      await proxy.close();
    }
  });

  it('survives a server killed mid-run: unavailable after the retries, writes resume when it is back', async () => {
    const server = PrivateClickHouse.start();
    try {
      const store = httpStore({ url: server.env.SONDE_TEST_CLICKHOUSE_URL });
      const table = 'default.outage';
      await store.command(`CREATE TABLE ${table} (date Date, ts DateTime, device_id String, name String, value Float64)
        ENGINE = MergeTree(date, (device_id, name, ts), 8192)`);
      await store.insertRows(table, rows(100));
      await server.kill();
      const err = await store.insertRows(table, rows(100, 100)).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'unavailable', context: { attempts: RETRIES + 1, table: 'outage' } });
      await server.restart();
      // the caller kept the failed batch (as the event-writer and BatchWriter do) and sends it again
      await store.insertRows(table, rows(100, 100));
      const [r] = await store.query<{ n: string; distinct_values: string }>(
        `SELECT count() AS n, uniqExact(value) AS distinct_values FROM ${table}`,
      );
      expect(r).toEqual({ n: '200', distinct_values: '200' });
    } finally {
      await server.stop();
    }
  });

  it('cannot run the modern schema: 18.16 rejects it as malformed (the known limit; chDB proves the schema)', async () => {
    const store = createEventStore({
      type: 'clickhouse',
      database: `sonde_modern_${process.pid}`,
      clickhouse: { url: ch.SONDE_TEST_CLICKHOUSE_URL, username: ch.SONDE_TEST_CLICKHOUSE_USER, password: ch.SONDE_TEST_CLICKHOUSE_PASSWORD },
      retry: { retries: 0 },
    });
    stores.push(store);
    await expect(store.migrate()).rejects.toMatchObject({ code: 'malformed' });
    await expect(store.insert(sampleEvents())).rejects.toMatchObject({ code: 'not-found' });
    await store.command(`DROP DATABASE IF EXISTS sonde_modern_${process.pid}`);
  });
});
