// Insert formats into embedded chDB (issue 15 goal 2: "compare insert formats … RowBinary/Native
// where the client allows"). The same 50 000 snmp_metric rows (the event mapping of 5 000
// snmp.metric events of 10 samples) go into the store's table with its two rollup views, in
// every format chDB reads, by two paths:
//   - file(): ClickHouse reads a file the format was written to (by chDB itself, from a staging
//     copy of the rows), `INSERT INTO snmp_metric SELECT … FROM file(…)`. This is the only way
//     to measure RowBinary and Native here: neither @clickhouse/client nor chdb's raw insert
//     takes them (chdb 3.4 rawInsert: JSON/TSV/CSV text only).
//   - raw insert: chdb's rawInsert of the same bytes (the store's path for JSONCompactEachRow
//     until 2026-12-04; it now writes a Native block and inserts it FROM INFILE).
// Plus the store itself (its encoding in JS included) and INSERT … SELECT from the staging
// table: the engine and the views with no input format at all, the floor under every format.
// Before each insert the table and its rollups are truncated, so no round pays for an earlier
// one's merges; after each, the rows are counted and summed against the staging copy.
// Run on its own: `node --disable-warning=ExperimentalWarning --disable-warning=MODULE_TYPELESS_PACKAGE_JSON bench/store/format-bench.ts`
// (after `tsc -b libs/store`); not yet part of bench/store/run.sh.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEventStore } from '@sonde/store/clickhouse/create-event-store';
import { batchRows } from '@sonde/store/rows/event-rows';
import { createChdbConnection } from 'chdb/connection';
import { metricEvents } from './metric-events.ts';

const EVENTS = Number(process.env.BENCH_FORMAT_EVENTS ?? 5_000);
const ROUNDS = Number(process.env.BENCH_FORMAT_ROUNDS ?? 3);
const SAMPLES_PER_EVENT = 10;
const ROWS = EVENTS * SAMPLES_PER_EVENT;

interface Result {
  what: string;
  bytesPerRow?: number;
  rowsPerSecond: number[];
  cpuPer100k: number[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sonde-bench-formats-'));
  const files = mkdtempSync(path.join(process.platform === 'linux' ? '/dev/shm' : os.tmpdir(), 'sonde-bench-formats-'));
  const store = createEventStore({ type: 'chdb', chdb: { path: dir }, database: 'bench' });
  const results: Result[] = [];
  try {
    await store.migrate();
    // chdb's own handle on the same folder and session: file() and rawInsert are not on the store
    const chdb = createChdbConnection({ path: dir }).chdb;
    const run = (sql: string) => chdb.queryAsync(sql);
    const rows = batchRows(metricEvents(EVENTS, Date.now() - 3_600_000)).find((t) => t.table === 'snmp_metric')?.rows ?? [];
    if (rows.length !== ROWS) throw new Error(`expected ${ROWS} snmp_metric rows, the mapping gave ${rows.length}`);
    await run('CREATE TABLE bench.src AS bench.snmp_metric');
    await store.insertRows('bench.src', rows, { retry: false }, 'JSONCompactEachRowWithNames');
    const present = new Set(Object.keys(rows[0] ?? {}));
    const columns = (await store.query<{ name: string; type: string }>(`SELECT name, type FROM system.columns WHERE database = 'bench' AND table = 'snmp_metric' ORDER BY position`)).filter((c) => present.has(c.name));
    const list = columns.map((c) => `\`${c.name}\``).join(', ');
    const structure = columns.map((c) => `\`${c.name}\` ${c.type}`).join(', ').replace(/'/g, "\\'");
    const [expected] = await store.query<{ n: string; s: number }>('SELECT count() AS n, sum(value) AS s FROM bench.src');
    const truncate = async () => {
      for (const t of ['snmp_metric', 'snmp_metric_1m', 'snmp_metric_1h']) await run(`TRUNCATE TABLE bench.${t}`);
    };
    const verify = async (what: string) => {
      const [got] = await store.query<{ n: string; s: number }>('SELECT count() AS n, sum(value) AS s FROM bench.snmp_metric');
      if (got?.n !== expected?.n || got?.s !== expected?.s) throw new Error(`${what}: stored ${got?.n} rows (sum ${got?.s}), expected ${expected?.n} (sum ${expected?.s})`);
    };
    const measure = async (what: string, insert: () => Promise<unknown>, bytesPerRow?: number) => {
      const r: Result = { what, rowsPerSecond: [], cpuPer100k: [], ...(bytesPerRow === undefined ? {} : { bytesPerRow }) };
      for (let i = 0; i < ROUNDS; i++) {
        await truncate();
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        await insert();
        const seconds = (performance.now() - t0) / 1000;
        const cpu = process.cpuUsage(c0);
        await verify(what);
        r.rowsPerSecond.push(ROWS / seconds);
        r.cpuPer100k.push(((cpu.user + cpu.system) / 1e6) * (100_000 / ROWS));
      }
      results.push(r);
      process.stderr.write(`bench: ${what}: ${Math.round(median(r.rowsPerSecond))} rows/s\n`);
    };

    await measure('INSERT … SELECT from a table (no input format: the engine and the views)', () => run(`INSERT INTO bench.snmp_metric (${list}) SELECT ${list} FROM bench.src`));
    await measure('the store (Native encoding in JS + FROM INFILE)', () => store.insertRows('bench.snmp_metric', rows, { retry: false }, 'JSONCompactEachRowWithNames'));
    for (const format of ['Native', 'RowBinary', 'TSV', 'CSV', 'JSONCompactEachRow', 'JSONEachRow'] as const) {
      const file = path.join(files, `rows.${format}`);
      await run(`SELECT ${list} FROM bench.src INTO OUTFILE '${file}' FORMAT ${format}`);
      const bytes = readFileSync(file);
      const bytesPerRow = statSync(file).size / ROWS;
      await measure(`${format}, file()`, () => run(`INSERT INTO bench.snmp_metric (${list}) SELECT ${list} FROM file('${file}', ${format}, '${structure}')`), bytesPerRow);
      await measure(`${format}, FROM INFILE`, () => run(`INSERT INTO bench.snmp_metric (${list}) FROM INFILE '${file}' SETTINGS insert_deduplicate = 1, insert_deduplication_token = 'x${Math.random()}' FORMAT ${format}`), bytesPerRow);
      if (format === 'Native' || format === 'RowBinary') continue; // not among rawInsert's formats
      await measure(`${format}, chdb raw insert`, () => chdb.rawInsert({ table: 'bench.snmp_metric', columns: columns.map((c) => c.name), values: bytes, format, settings: { insert_deduplicate: 0 } }), bytesPerRow);
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(files, { recursive: true, force: true });
  }
  const store0 = results.find((r) => r.what.startsWith('the store'));
  const base = store0 ? median(store0.rowsPerSecond) : undefined;
  console.log(`${ROWS.toLocaleString('en-US')} snmp_metric rows per insert (${EVENTS.toLocaleString('en-US')} events × ${SAMPLES_PER_EVENT} samples), the table's 1 min and 1 h rollup views on; median of ${ROUNDS} inserts (min–max in brackets), each into emptied tables.\n`);
  console.log('| path | bytes per row | rows/s, median (min–max) | vs the store | CPU-s per 100k rows |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of results) {
    const rate = `${Math.round(median(r.rowsPerSecond)).toLocaleString('en-US')} (${Math.round(Math.min(...r.rowsPerSecond)).toLocaleString('en-US')}–${Math.round(Math.max(...r.rowsPerSecond)).toLocaleString('en-US')})`;
    const vs = base ? `${(median(r.rowsPerSecond) / base).toFixed(2)}×` : '–';
    console.log(`| ${r.what} | ${r.bytesPerRow === undefined ? '–' : Math.round(r.bytesPerRow)} | ${rate} | ${vs} | ${median(r.cpuPer100k).toFixed(2)} |`);
  }
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
