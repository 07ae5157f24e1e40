// Rows per second into the store: embedded chDB (the 26.x engine, full schema) and the HTTP
// connection to the real ClickHouse 18.16 server (its simple old-syntax table, design.md §7).
// Run by bench/store/run.sh, which builds the libs and starts the server first.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { ClickHouseEventStore } from '@sonde/store/clickhouse/clickhouse-event-store';
import { createEventStore, STORE_CONNECTIONS } from '@sonde/store/clickhouse/create-event-store';
import { storeConfigSchema } from '@sonde/store/store.config';
import { StoreMetrics } from '@sonde/store/store.metrics';
import { batchRows } from '@sonde/store/rows/event-rows';
import { metricEvents } from './metric-events.ts';

const SAMPLES_PER_EVENT = 10;
const TOTAL_ROWS = Number(process.env.BENCH_ROWS ?? 200_000);
const BATCHES = (process.env.BENCH_BATCHES ?? '10000,50000').split(',').map(Number);
/** The MVs migration 2 creates: dropped for the rows that measure what the rollups cost. */
const ROLLUP_VIEWS = ['snmp_metric_1m_mv', 'snmp_metric_1h_mv', 'rmon_sample_1m_mv', 'rmon_sample_1h_mv'];

interface Result {
  target: string;
  batchRows: number;
  rows: number;
  seconds: number;
  /** This process's CPU (chDB's engine threads included: it runs in-process); the HTTP rows: the client only. */
  cpuSeconds?: number;
}

function simpleRow(i: number) {
  return {
    ts: '2026-11-25 00:00:00', device_id: `dev-${i % 500}`, name: i % 2 ? 'ifHCInOctets' : 'ifHCOutOctets',
    labels_keys: ['ifName', 'ifIndex'], labels_values: [`eth${i % 5}`, String(i % 5)], value: i,
  };
}

async function benchChdb(): Promise<Result[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sonde-bench-chdb-'));
  const store = createEventStore({ type: 'chdb', chdb: { path: dir }, database: 'bench' });
  // the same folder and database through @clickhouse/client only (no raw insert): the path before
  const viaClientConfig = storeConfigSchema.parse({ type: 'chdb', chdb: { path: dir }, database: 'bench' });
  const viaClientConnection = STORE_CONNECTIONS.chdb(viaClientConfig);
  const viaClient = new ClickHouseEventStore(viaClientConnection.client, viaClientConfig, viaClientConnection.target, new StoreMetrics(new Registry()));
  const results: Result[] = [];
  try {
    await store.migrate();
    // the store's insert (a Native block the engine reads FROM INFILE), the same rows through
    // @clickhouse/client as JSONCompactEachRowWithNames and as JSONEachRow, with the rollup
    // views, then again after dropping them: what the insert path, the format and the rollups cost
    const formats = ['raw', 'JSONCompactEachRowWithNames', 'JSONEachRow'] as const;
    const label = { raw: 'Native block FROM INFILE (the store)', JSONCompactEachRowWithNames: '@clickhouse/client JSONCompactEachRowWithNames', JSONEachRow: '@clickhouse/client JSONEachRow' };
    for (const views of ['with', 'without'] as const) {
      if (views === 'without') for (const mv of ROLLUP_VIEWS) await store.command(`DROP TABLE IF EXISTS bench.${mv}`);
      for (const format of formats) {
        const target = format === 'raw' ? store : viaClient;
        const wire = format === 'raw' ? 'JSONCompactEachRowWithNames' : format;
        for (const rowsPerInsert of BATCHES) {
          const perBatch = rowsPerInsert / SAMPLES_PER_EVENT;
          const batches = Math.max(1, Math.round(TOTAL_ROWS / rowsPerInsert));
          const base = Date.now() - 3_600_000;
          const prepared = Array.from({ length: batches }, (_, b) => metricEvents(perBatch, base + b * perBatch));
          const tag = `${views}-${format}-${rowsPerInsert}`;
          await target.insert(metricEvents(perBatch, Date.now()), { dedupToken: `warmup-${tag}` });
          const c0 = process.cpuUsage();
          const started = performance.now();
          for (const [b, events] of prepared.entries()) {
            // the event → row mapping is inside the timing, as in the writer
            for (const t of batchRows(events)) await target.insertRows(`bench.${t.table}`, t.rows, { dedupToken: `bench-${tag}-${b}` }, wire);
          }
          const cpu = process.cpuUsage(c0);
          results.push({
            target: `chDB 26.x, snmp_metric ${views === 'with' ? '+ 2 rollup views' : 'without rollup views'}, ${label[format]}`,
            batchRows: rowsPerInsert,
            rows: batches * rowsPerInsert,
            seconds: (performance.now() - started) / 1000,
            cpuSeconds: (cpu.user + cpu.system) / 1e6,
          });
        }
      }
    }
    // The same plain table as on 18.16 (modern syntax): the engine and transport without the schema's cost.
    await store.command(`CREATE TABLE bench.simple (ts DateTime, device_id String, name String, labels_keys Array(String), labels_values Array(String), value Float64)
      ENGINE = MergeTree ORDER BY (device_id, name, ts)`);
    for (const batchRows of BATCHES) {
      const batches = Math.max(1, Math.round(TOTAL_ROWS / batchRows));
      const prepared = Array.from({ length: batches }, (_, b) => Array.from({ length: batchRows }, (_, i) => simpleRow(b * batchRows + i)));
      await store.insertRows('bench.simple', prepared[0] ?? []);
      const started = performance.now();
      for (const rows of prepared) await store.insertRows('bench.simple', rows);
      results.push({ target: 'chDB 26.x, simple MergeTree (as on 18.16)', batchRows, rows: batches * batchRows, seconds: (performance.now() - started) / 1000 });
    }
  } finally {
    await viaClient.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

function serviceEnv(): Record<string, string> {
  const file = path.join(process.env.SONDE_SERVICES_DIR ?? '/tmp/sonde-services', 'clickhouse.env');
  return Object.fromEntries(
    readFileSync(file, 'utf8').split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

async function benchHttp(): Promise<Result[]> {
  const env = serviceEnv();
  const store = createEventStore({
    type: 'clickhouse',
    database: 'default',
    clickhouse: { url: env.SONDE_TEST_CLICKHOUSE_URL, username: env.SONDE_TEST_CLICKHOUSE_USER, password: env.SONDE_TEST_CLICKHOUSE_PASSWORD },
  });
  const table = `default.bench_${process.pid}`;
  const results: Result[] = [];
  try {
    await store.command(
      `CREATE TABLE ${table} (date Date, ts DateTime, device_id String, name String, labels_keys Array(String), labels_values Array(String), value Float64)
       ENGINE = MergeTree(date, (device_id, name, ts), 8192)`,
    );
    const row = (i: number) => ({ date: '2026-11-25', ...simpleRow(i) });
    for (const batchRows of BATCHES) {
      const batches = Math.max(1, Math.round(TOTAL_ROWS / batchRows));
      const prepared = Array.from({ length: batches }, (_, b) => Array.from({ length: batchRows }, (_, i) => row(b * batchRows + i)));
      await store.insertRows(table, prepared[0] ?? []);
      for (const format of ['JSONEachRow', 'JSONCompactEachRowWithNames'] as const) {
        const started = performance.now();
        try {
          for (const rows of prepared) await store.insertRows(table, rows, {}, format);
        } catch (err) {
          console.error(`ClickHouse ${env.SONDE_TEST_CLICKHOUSE_VERSION}: ${format} refused: ${String(err).slice(0, 200)}`);
          continue;
        }
        results.push({ target: `ClickHouse ${env.SONDE_TEST_CLICKHOUSE_VERSION} over HTTP, simple MergeTree, ${format}`, batchRows, rows: batches * batchRows, seconds: (performance.now() - started) / 1000 });
      }
    }
  } finally {
    await store.command(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
    await store.close();
  }
  return results;
}

async function main(): Promise<void> {
  const results = [...(await benchChdb()), ...(await benchHttp())];
  console.log('| target | rows per insert | rows | seconds | rows/s | CPU-s per 100k rows (chDB: engine included) |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const cpu = r.cpuSeconds === undefined ? '–' : ((r.cpuSeconds * 100_000) / r.rows).toFixed(2);
    console.log(`| ${r.target} | ${r.batchRows} | ${r.rows} | ${r.seconds.toFixed(2)} | ${Math.round(r.rows / r.seconds).toLocaleString('en-US')} | ${cpu} |`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
