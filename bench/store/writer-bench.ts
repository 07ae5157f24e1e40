// Event-writer benchmark (not a test): N snmp.metric events (10 samples each, so 10 rows) are
// published to a real Kafka topic through the Sonde bus, then the event-writer's batch writer
// (services/event-writer EventBatchWriter, subscribed with the service's default batch settings)
// drains them into embedded chDB — once into a database with the rollup views (the schema as
// migrated) and once into one without them, each with its own consumer group on the same topic.
// Reports rows/s from the first batch to the last stored row, and CPU-seconds per 100 000 rows
// of this process (the bus client, the writer and chDB's engine threads: chDB runs in-process).
// Run by bench/store/writer-run.sh, which starts the broker and builds first.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { createEvent } from '@sonde/events/create-event';
import { busConfigSchema } from '@sonde/bus/bus.config';
import { BusMetrics } from '@sonde/bus/bus.metrics';
import type { EventBus } from '@sonde/bus/event-bus';
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

const EVENTS = Number(process.env.BENCH_EVENTS ?? 30_000);
const SAMPLES = 10;
const ROWS = EVENTS * SAMPLES;
const PARTITIONS = 6;
const clients = (process.env.BENCH_CLIENTS ?? 'kafkajs,platformatic').split(',') as ('kafkajs' | 'platformatic')[];
const brokers = (process.env.SONDE_TEST_KAFKA_BROKERS ?? '').split(',').filter(Boolean);
if (!brokers.length) throw new Error('SONDE_TEST_KAFKA_BROKERS is not set (bench/store/writer-run.sh sets it)');
const runId = `wbench-${process.pid}-${Date.now().toString(36)}`;
const writerConfig = eventWriterConfigSchema.parse({
  ...(process.env.BENCH_BATCH_EVENTS ? { maxBatchEvents: Number(process.env.BENCH_BATCH_EVENTS) } : {}),
});
/** The MVs over snmp_metric (migration 5): dropped in the database that measures what the rollups cost. */
const ROLLUP_VIEWS = ['snmp_metric_1m_mv', 'snmp_metric_1h_mv'];

function metricEvents(count: number, ts: number) {
  const origin = { site: 'bench', collector: 'bench-1' };
  return Array.from({ length: count }, (_, i) =>
    createEvent('snmp.metric', origin, { id: `dev-${i % 500}`, address: `10.0.${(i >> 8) & 255}.${i & 255}` }, {
      group: 'if',
      samples: Array.from({ length: SAMPLES }, (_, j) => ({
        name: j % 2 ? 'ifHCInOctets' : 'ifHCOutOctets',
        labels: { ifName: `eth${j >> 1}`, ifIndex: String(j >> 1) },
        value: i * 1000 + j,
        unit: 'By',
        type: 'counter' as const,
      })),
    }, ts + i * 10),
  );
}

type InsertPath = 'raw' | 'client';
interface Result { client: string; views: 'on' | 'off'; path: InsertPath; fetchBytes: number; seconds: number; cpu: number; inserts: number; stored: number; distinct: number; onTopic: number }
const results: Result[] = [];
const dir = mkdtempSync(path.join(os.tmpdir(), 'sonde-writer-bench-'));
const spool = mkdtempSync(path.join(os.tmpdir(), 'sonde-writer-bench-spool-'));

/**
 * `raw`: the store as the writer builds it (chDB's raw insert of JSONCompactEachRow bytes);
 * `client`: the same store with its inserts through @clickhouse/client (JSONCompactEachRowWithNames
 * turned into one SQL string by chdb's connection), as before the raw insert.
 */
function openStore(database: string, insertPath: InsertPath) {
  if (insertPath === 'raw') return createEventStore({ type: 'chdb', chdb: { path: dir }, database });
  const config = storeConfigSchema.parse({ type: 'chdb', chdb: { path: dir }, database });
  const { client, target } = STORE_CONNECTIONS.chdb(config);
  return new ClickHouseEventStore(client, config, target, new StoreMetrics(new Registry()));
}

async function drain(bus: EventBus, client: string, views: 'on' | 'off', insertPath: InsertPath, fetchBytes: number, onTopic: number): Promise<void> {
  // one chDB folder per process; the databases live side by side in it
  const db = `wbench_${client}_${views}_${insertPath}_${fetchBytes}`;
  const store = openStore(db, insertPath);
  await store.migrate();
  if (views === 'off') for (const mv of ROLLUP_VIEWS) await store.command(`DROP TABLE IF EXISTS ${db}.${mv}`);
  const writer = new EventBatchWriter(store, new EventWriterMetrics(new Registry()), {
    onError: (err, batch) => process.stderr.write(`writer bench: insert of ${batch.dedupToken} failed (the bus redelivers it): ${String(err).slice(0, 300)}\n`),
  });
  let stored = 0;
  let inserts = 0;
  let t0 = 0;
  const c0 = process.cpuUsage();
  const sub = await bus.subscribe({
    group: `${runId}-${db}`,
    families: ['snmp'],
    maxBatchEvents: writerConfig.maxBatchEvents,
    maxBatchWaitMs: writerConfig.maxBatchWaitMs,
    maxBytesPerPartition: fetchBytes,
    handler: async (batch) => {
      if (t0 === 0) t0 = performance.now(); // from the first batch: the group join is excluded
      if (batch.redelivered) process.stderr.write(`writer bench: redelivered ${batch.dedupToken}\n`);
      await writer.write(batch);
      inserts++;
      stored += batch.events.length * SAMPLES;
    },
  });
  const deadline = Date.now() + 900_000;
  while (stored < ROWS) {
    if (Date.now() > deadline) throw new Error(`writer bench timed out: ${stored} of ${ROWS} rows`);
    await new Promise((r) => setTimeout(r, 5));
  }
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  await sub.close();
  const [row] = await store.query<{ n: string; u: string }>(`SELECT count() AS n, uniqExact(id, sample_index) AS u FROM ${db}.snmp_metric`);
  const distinct = Number(row?.u);
  if (distinct !== ROWS) throw new Error(`${client}/${views}: ${distinct} distinct rows stored, expected ${ROWS}`);
  await store.close();
  results.push({ client, views, path: insertPath, fetchBytes, seconds, cpu: (c.user + c.system) / 1e6, inserts, stored: Number(row?.n), distinct, onTopic });
}

try {
  for (const client of clients) {
    const config = busConfigSchema.parse({ type: 'kafka', kafka: { client, brokers, topicPrefix: `${runId}-${client}.`, partitions: PARTITIONS, spool: { dir: path.join(spool, client) } } });
    const deps = { metrics: new BusMetrics(new Registry()) };
    const bus: EventBus = client === 'platformatic' ? await PlatformaticEventBus.create(config, deps) : await KafkaEventBus.create(config, deps);
    await bus.ensureTopics();
    const base = Date.now() - 3_600_000;
    for (let i = 0; i < EVENTS; i += 1_000) await bus.publish(metricEvents(Math.min(1_000, EVENTS - i), base + i * 10));
    // records on the topic: more than EVENTS when the producer resent a request (at-least-once to Kafka)
    const kafka = new Kafka({ brokers, clientId: 'writer-bench', logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(`${runId}-${client}.sonde.snmp.v1`);
    await admin.disconnect();
    const onTopic = offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
    process.stderr.write(`writer bench: ${client}: ${EVENTS} events published, ${onTopic} records on the topic\n`);
    for (const run of (process.env.BENCH_RUNS ?? 'client/on/1048576,client/off/1048576,raw/on,raw/off').split(',')) {
      // path/views[/fetch bytes per partition]: `client/on/1048576` is the writer as it was
      const [insertPath, views, fetch] = run.split('/') as [InsertPath, 'on' | 'off', string | undefined];
      const fetchBytes = fetch ? Number(fetch) : writerConfig.maxBytesPerPartition;
      process.stderr.write(`writer bench: ${client}, ${insertPath} insert, views ${views}, fetch ${fetchBytes}…\n`);
      await drain(bus, client, views, insertPath, fetchBytes, onTopic);
    }
    await bus.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  rmSync(spool, { recursive: true, force: true });
}

console.log(`${EVENTS.toLocaleString('en-US')} snmp.metric events × ${SAMPLES} samples = ${ROWS.toLocaleString('en-US')} rows, ${PARTITIONS} partitions; writer batches of ≤ ${writerConfig.maxBatchEvents} events (one insert per batch).\n`);
console.log('| bus client | insert path | fetch bytes / partition | rollup views | rows | records on topic | rows stored (distinct) | inserts | seconds | rows/s | CPU-s per 100k rows |');
console.log('|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of results) {
  console.log(`| ${r.client} | ${r.path === 'raw' ? 'chDB raw insert, JSONCompactEachRow bytes (the store)' : '@clickhouse/client, JSONCompactEachRowWithNames (before)'} | ${r.fetchBytes} | ${r.views} | ${ROWS} | ${r.onTopic} | ${r.stored} (${r.distinct}) | ${r.inserts} | ${r.seconds.toFixed(2)} | ${Math.round(ROWS / r.seconds).toLocaleString('en-US')} | ${((r.cpu * 100_000) / ROWS).toFixed(2)} |`);
}
process.exit(0);
