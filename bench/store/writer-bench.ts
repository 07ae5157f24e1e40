// Event-writer benchmark (not a test): N snmp.metric events (10 samples each, so 10 rows) are
// published to a real Kafka topic through the Sonde bus, then the event-writer's batch writer
// (services/event-writer EventBatchWriter, subscribed with the service's default batch settings)
// drains them into embedded chDB — once into a database with the rollup views (the schema as
// migrated) and once into one without them, each with its own consumer group on the same topic.
// Reports rows/s from the first batch to the last stored row, and CPU-seconds per 100 000 rows
// of this process (the bus client, the writer and chDB's engine threads: chDB runs in-process).
// Run by bench/store/run.sh, which starts the broker and builds first.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { busConfigSchema } from '@sonde/bus/bus.config';
import { BusMetrics } from '@sonde/bus/bus.metrics';
import type { EventBatch, EventBus } from '@sonde/bus/event-bus';
import { batchRows } from '@sonde/store/rows/event-rows';
import { KafkaEventBus } from '@sonde/bus/kafka/kafka-event-bus';
import { PlatformaticEventBus } from '@sonde/bus/kafka-platformatic/platformatic-event-bus';
import { Kafka, logLevel } from 'kafkajs';
import { ClickHouseEventStore } from '@sonde/store/clickhouse/clickhouse-event-store';
import { createEventStore, STORE_CONNECTIONS } from '@sonde/store/clickhouse/create-event-store';
import { storeConfigSchema } from '@sonde/store/store.config';
import { StoreMetrics } from '@sonde/store/store.metrics';
import { EventBatchWriter } from '@sonde/event-writer/event-batch-writer';
import { EventWriterMetrics } from '@sonde/event-writer/event-writer.metrics';
import { eventWriterConfigSchema } from '@sonde/event-writer/event-writer.config';
import { metricEvents } from './metric-events.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 30_000);
const SAMPLES = 10;
const ROWS = EVENTS * SAMPLES;
const PARTITIONS = 6;
const clients = (process.env.BENCH_CLIENTS ?? 'kafkajs,platformatic').split(',').filter(Boolean) as ('kafkajs' | 'platformatic')[];
const brokers = (process.env.SONDE_TEST_KAFKA_BROKERS ?? '').split(',').filter(Boolean);
if (!brokers.length) throw new Error('SONDE_TEST_KAFKA_BROKERS is not set (bench/store/writer-run.sh sets it)');
const runId = `wbench-${process.pid}-${Date.now().toString(36)}`;
const writerConfig = eventWriterConfigSchema.parse({
  ...(process.env.BENCH_BATCH_EVENTS ? { maxBatchEvents: Number(process.env.BENCH_BATCH_EVENTS) } : {}),
  insert: {
    ...(process.env.BENCH_INSERT_MAX_ROWS ? { maxRows: Number(process.env.BENCH_INSERT_MAX_ROWS) } : {}),
    ...(process.env.BENCH_INSERT_WAIT_MS ? { maxWaitMs: Number(process.env.BENCH_INSERT_WAIT_MS) } : {}),
  },
});
/** The MVs over snmp_metric (migration 5): dropped in the database that measures what the rollups cost. */
const ROLLUP_VIEWS = ['snmp_metric_1m_mv', 'snmp_metric_1h_mv'];

type InsertPath = 'raw' | 'client' | 'http';
/** `http`: ClickHouse's HTTP interface as `sonde up` serves it over its own embedded chDB (another process, started by writer-http.sh). */
const httpUrl = process.env.BENCH_HTTP_URL;
const httpPid = Number(process.env.BENCH_HTTP_PID ?? 0);
/** `perbatch`: one insert per bus batch as the writer did before the fill wait; `fillwait`: the writer with `eventWriter.insert` defaults. */
type Mode = 'perbatch' | 'fillwait';

/** utime + stime of another process (the `sonde up` behind the HTTP path), seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
interface Result { client: string; views: 'on' | 'off'; path: InsertPath; mode: Mode; fetchBytes: number; seconds: number; cpu: number; inserts: number; maxInsertsPerSecond: number; minGapMs: number | null; stored: number; distinct: number; onTopic: number; rss: number }
/**
 * A floor's table: `on`/`off` the schema as migrated with/without the rollup views; `null` the
 * same columns into a Null-engine table (the engine parses and converts every value, then
 * discards the block: what parsing alone costs); `string` the same MergeTree with every
 * LowCardinality(String) as String, no views (what the dictionary encoding costs on insert).
 */
type FloorTable = 'on' | 'off' | 'null' | 'string';
const FLOOR_TABLES: Record<FloorTable, string> = {
  on: 'snmp_metric as migrated, with the 1 min / 1 h rollup views',
  off: 'snmp_metric as migrated, rollup views dropped',
  null: 'the same columns into ENGINE = Null (parse and type conversion only, nothing stored)',
  string: 'snmp_metric with LowCardinality(String) → String, no views',
};
interface FloorResult { views: FloorTable; rowsPerInsert: number; rows: number; seconds: number; cpu: number }
const floors: FloorResult[] = [];

/** Most inserts into snmp_metric that started within any 1 s window. */
function maxPerSecond(starts: readonly number[]): number {
  let best = 0;
  for (let i = 0, j = 0; i < starts.length; i++) {
    while ((starts[i] as number) - (starts[j] as number) >= 1000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}
/** The shortest time between two consecutive inserts into snmp_metric, ms (null: one insert). */
function shortestGap(starts: readonly number[]): number | null {
  let best: number | null = null;
  for (let i = 1; i < starts.length; i++) best = Math.min(best ?? Infinity, (starts[i] as number) - (starts[i - 1] as number));
  return best === null ? null : Math.round(best);
}
const results: Result[] = [];
const dir = mkdtempSync(path.join(os.tmpdir(), 'sonde-writer-bench-'));
const spool = mkdtempSync(path.join(os.tmpdir(), 'sonde-writer-bench-spool-'));

/**
 * `raw`: the store as the writer builds it (a Native block the engine reads FROM INFILE);
 * `client`: the same store with its inserts through @clickhouse/client (JSONCompactEachRowWithNames
 * turned into one SQL string by chdb's connection), as before the store had its own insert.
 */
function openStore(database: string, insertPath: InsertPath) {
  if (insertPath === 'http') {
    if (!httpUrl) throw new Error('BENCH_HTTP_URL is not set (bench/store/writer-http.sh sets it)');
    return createEventStore({ type: 'clickhouse', clickhouse: { url: httpUrl, requestTimeoutMs: 300_000 }, database });
  }
  if (insertPath === 'raw') return createEventStore({ type: 'chdb', chdb: { path: dir }, database });
  const config = storeConfigSchema.parse({ type: 'chdb', chdb: { path: dir }, database });
  const { client, target } = STORE_CONNECTIONS.chdb(config);
  return new ClickHouseEventStore(client, config, target, new StoreMetrics(new Registry()));
}

async function drain(bus: EventBus, client: string, views: 'on' | 'off', insertPath: InsertPath, mode: Mode, fetchBytes: number, onTopic: number): Promise<void> {
  // one chDB folder per process; the databases live side by side in it
  const db = `wbench_${client}_${views}_${insertPath}_${mode}_${fetchBytes}`;
  const store = openStore(db, insertPath);
  await store.migrate();
  if (views === 'off') for (const mv of ROLLUP_VIEWS) await store.command(`DROP TABLE IF EXISTS ${db}.${mv}`);
  // every insert into snmp_metric, timed: inserts per second per table
  const starts: number[] = [];
  const insertTableRows = store.insertTableRows.bind(store);
  store.insertTableRows = (tables, options) => {
    starts.push(performance.now());
    return insertTableRows(tables, options);
  };
  const insert = store.insert.bind(store);
  store.insert = (events, options) => {
    starts.push(performance.now());
    return insert(events, options);
  };
  const onError = (err: unknown, batches: readonly { dedupToken: string }[]) =>
    process.stderr.write(`writer bench: insert of ${batches.map((b) => b.dedupToken).join(',')} failed (the bus redelivers it): ${String(err).slice(0, 300)}\n`);
  const writer = new EventBatchWriter(store, new EventWriterMetrics(new Registry()), { onError, insert: writerConfig.insert });
  // the writer before the fill wait: the store's insert per bus batch (its token, its check)
  const perBatch = async (batch: EventBatch) => {
    if (batch.events.length === 0) return;
    await store.insert(batch.events, { dedupToken: batch.dedupToken, mayBeRedelivered: batch.redelivered === true, retry: false });
  };
  let stored = 0;
  let rss = 0;
  let t0 = 0;
  const c0 = process.cpuUsage();
  const s0 = insertPath === 'http' ? cpuSeconds(httpPid) : 0;
  const sub = await bus.subscribe({
    group: `${runId}-${db}`,
    families: ['snmp'],
    maxBatchEvents: writerConfig.maxBatchEvents,
    maxBatchWaitMs: writerConfig.maxBatchWaitMs,
    maxBytesPerPartition: fetchBytes,
    partitionsConsumedConcurrently: writerConfig.partitionsConsumedConcurrently,
    handler: async (batch) => {
      if (t0 === 0) t0 = performance.now(); // from the first batch: the group join is excluded
      if (batch.redelivered) process.stderr.write(`writer bench: redelivered ${batch.dedupToken}\n`);
      await (mode === 'perbatch' ? perBatch(batch) : writer.write(batch));
      stored += batch.events.length * SAMPLES;
      rss = Math.max(rss, process.memoryUsage.rss());
    },
  });
  const deadline = Date.now() + 900_000;
  while (stored < ROWS) {
    if (Date.now() > deadline) throw new Error(`writer bench timed out: ${stored} of ${ROWS} rows`);
    await new Promise((r) => setTimeout(r, 5));
  }
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const serverCpu = insertPath === 'http' ? cpuSeconds(httpPid) - s0 : 0;
  await sub.close();
  const [row] = await store.query<{ n: string; u: string }>(`SELECT count() AS n, uniqExact(id, sample_index) AS u FROM ${db}.snmp_metric`);
  const distinct = Number(row?.u);
  if (distinct !== ROWS) throw new Error(`${client}/${views}: ${distinct} distinct rows stored, expected ${ROWS}`);
  await store.close();
  results.push({ client, views, path: insertPath, mode, fetchBytes, seconds, cpu: (c.user + c.system) / 1e6 + serverCpu, inserts: starts.length, maxInsertsPerSecond: maxPerSecond(starts), minGapMs: shortestGap(starts), stored: Number(row?.n), distinct, onTopic, rss });
}

/**
 * The floor: chDB alone taking the same rows the same way (mapped by the store's batchRows,
 * a Native block FROM INFILE as the store sends it, same settings and a token), no Kafka and no
 * decode: `rowsPerInsert` rows per insert, sequential, views on or off.
 */
async function floor(views: FloorTable, rowsPerInsert: number): Promise<void> {
  const db = `wbench_floor_${views}_${rowsPerInsert}`;
  const store = openStore(db, 'raw');
  await store.migrate();
  if (views !== 'on') for (const mv of ROLLUP_VIEWS) await store.command(`DROP TABLE IF EXISTS ${db}.${mv}`);
  if (views === 'null' || views === 'string') {
    const [shown] = await store.query<{ statement: string }>(`SHOW CREATE TABLE ${db}.snmp_metric`);
    const ddl = String(shown?.statement);
    const columns = ddl.slice(ddl.indexOf('('), ddl.indexOf('\nENGINE'));
    await store.command(`DROP TABLE ${db}.snmp_metric SYNC`);
    if (views === 'null') await store.command(`CREATE TABLE ${db}.snmp_metric ${columns} ENGINE = Null`);
    else await store.command(ddl.replaceAll('LowCardinality(String)', 'String'));
  }
  const perInsert = rowsPerInsert / SAMPLES;
  const chunks = [];
  for (let i = 0; i < EVENTS; i += perInsert) chunks.push(batchRows(metricEvents(Math.min(perInsert, EVENTS - i), Date.now() - 3_600_000 + i * 10, SAMPLES, 10), Date.now()));
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  for (const tables of chunks) await store.insertTableRows(tables, { dedupToken: `floor/${n++}`, retry: false });
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  await store.close();
  floors.push({ views, rowsPerInsert, rows: ROWS, seconds, cpu: (c.user + c.system) / 1e6 });
}

try {
  for (const client of clients) {
    // BENCH_COMPRESSION: bus.kafka.producer.compression of the published events (unset: the bus default, none)
    const producer = process.env.BENCH_COMPRESSION ? { producer: { compression: process.env.BENCH_COMPRESSION } } : {};
    const config = busConfigSchema.parse({ type: 'kafka', kafka: { client, brokers, topicPrefix: `${runId}-${client}.`, partitions: PARTITIONS, spool: { dir: path.join(spool, client) }, ...producer } });
    const deps = { metrics: new BusMetrics(new Registry()) };
    const bus: EventBus = client === 'platformatic' ? await PlatformaticEventBus.create(config, deps) : await KafkaEventBus.create(config, deps);
    await bus.ensureTopics();
    const base = Date.now() - 3_600_000;
    for (let i = 0; i < EVENTS; i += 1_000) await bus.publish(metricEvents(Math.min(1_000, EVENTS - i), base + i * 10, SAMPLES, 10));
    // records on the topic: more than EVENTS when the producer resent a request (at-least-once to Kafka)
    const kafka = new Kafka({ brokers, clientId: 'writer-bench', logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(`${runId}-${client}.sonde.snmp.v1`);
    await admin.disconnect();
    const onTopic = offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
    process.stderr.write(`writer bench: ${client}: ${EVENTS} events published, ${onTopic} records on the topic\n`);
    for (const run of (process.env.BENCH_RUNS ?? `perbatch/on,fillwait/on,perbatch/off,fillwait/off${httpUrl ? ',perbatch/on/http,fillwait/on/http' : ''}`).split(',')) {
      // mode/views[/path[/fetch bytes per partition]]: `perbatch/on` is the writer before the fill wait
      const [mode, views, p, fetch] = run.split('/') as [Mode, 'on' | 'off', InsertPath | undefined, string | undefined];
      const insertPath = p ?? 'raw';
      const fetchBytes = fetch ? Number(fetch) : writerConfig.maxBytesPerPartition;
      process.stderr.write(`writer bench: ${client}, ${mode}, ${insertPath} insert, views ${views}, fetch ${fetchBytes}…\n`);
      await drain(bus, client, views, insertPath, mode, fetchBytes, onTopic);
    }
    await bus.close();
  }
  for (const run of (process.env.BENCH_FLOOR ?? 'on/200000,off/200000,on/50000,off/50000,null/200000,string/200000').split(',').filter(Boolean)) {
    const [views, rowsPerInsert] = run.split('/') as [FloorTable, string];
    if (!(views in FLOOR_TABLES)) throw new Error(`BENCH_FLOOR: ${run}: the table must be one of ${Object.keys(FLOOR_TABLES).join(', ')}`);
    process.stderr.write(`writer bench: floor, chDB alone, ${FLOOR_TABLES[views]}, ${rowsPerInsert} rows per insert…\n`);
    await floor(views, Number(rowsPerInsert));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  rmSync(spool, { recursive: true, force: true });
}

console.log(`${EVENTS.toLocaleString('en-US')} snmp.metric events × ${SAMPLES} samples = ${ROWS.toLocaleString('en-US')} rows, ${PARTITIONS} partitions; bus batches of ≤ ${writerConfig.maxBatchEvents} events; fill wait: eventWriter.insert maxRows ${writerConfig.insert.maxRows}, maxWaitMs ${writerConfig.insert.maxWaitMs}.\n`);
console.log('| bus client | writer | insert path | fetch bytes / partition | rollup views | rows | records on topic | rows stored (distinct) | inserts into snmp_metric | most inserts in 1 s | shortest gap ms | rows per insert | seconds | rows/s | CPU-s per 100k rows | peak RSS MiB |');
console.log('|---|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of results) {
  const writerName = r.mode === 'perbatch' ? 'one insert per bus batch (before)' : 'fill wait (eventWriter.insert)';
  const pathName = r.path === 'raw' ? 'chDB, Native block FROM INFILE (the store)' : r.path === 'http' ? 'HTTP to `sonde up` (chDB behind its ClickHouse HTTP interface), the store\'s Native body, read FROM INFILE there; CPU of both processes' : '@clickhouse/client into in-process chDB, JSONCompactEachRowWithNames';
  console.log(`| ${r.client} | ${writerName} | ${pathName} | ${r.fetchBytes} | ${r.views} | ${ROWS} | ${r.onTopic} | ${r.stored} (${r.distinct}) | ${r.inserts} | ${r.maxInsertsPerSecond} | ${r.minGapMs ?? '–'} | ${Math.round(ROWS / r.inserts).toLocaleString('en-US')} | ${r.seconds.toFixed(2)} | ${Math.round(ROWS / r.seconds).toLocaleString('en-US')} | ${((r.cpu * 100_000) / ROWS).toFixed(2)} | ${Math.round(r.rss / 1048576)} |`);
}
if (floors.length) {
  console.log('\nFloor: chDB alone, the same rows pre-mapped (batchRows), a Native block FROM INFILE as the store sends it, with the same settings and a token, sequential inserts, no Kafka, no decode:\n');
  console.log('| table | rows per insert | rows | seconds | rows/s | CPU-s per 100k rows (engine included) |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const f of floors) console.log(`| ${FLOOR_TABLES[f.views]} | ${f.rowsPerInsert} | ${f.rows} | ${f.seconds.toFixed(2)} | ${Math.round(f.rows / f.seconds).toLocaleString('en-US')} | ${((f.cpu * 100_000) / f.rows).toFixed(2)} |`);
}
process.exit(0);
