// Profiling aid (not a test, not run by run.sh): publishes BENCH_EVENTS syslog events (one row
// each, the shape the syslog receiver emits; BENCH_DEVICES source addresses) through the Sonde
// Kafka bus, then drains them with the event-writer's EventBatchWriter and the service's
// defaults into embedded chDB, CPU-profiling only the drain (node:inspector). Prints CPU µs per
// event of this process (bus client, writer and chDB's engine threads) and writes the
// .cpuprofile to BENCH_PROF (default /tmp/writer-drain.cpuprofile).
//   BENCH_CLIENT=platformatic|kafkajs SONDE_TEST_KAFKA_BROKERS=… node bench/store/writer-prof.ts
//   (libs built first: node node_modules/typescript/bin/tsc -b libs/events libs/bus libs/store services/event-writer)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { createEvent } from '@sonde/events/create-event';
import { busConfigSchema } from '@sonde/bus/bus.config';
import { BusMetrics } from '@sonde/bus/bus.metrics';
import type { EventBus } from '@sonde/bus/event-bus';
import { KafkaEventBus } from '@sonde/bus/kafka/kafka-event-bus';
import { PlatformaticEventBus } from '@sonde/bus/kafka-platformatic/platformatic-event-bus';
import { createEventStore } from '@sonde/store/clickhouse/create-event-store';
import { EventBatchWriter } from '@sonde/event-writer/event-batch-writer';
import { EventWriterMetrics } from '@sonde/event-writer/event-writer.metrics';
import { eventWriterConfigSchema } from '@sonde/event-writer/event-writer.config';

const N = Number(process.env.BENCH_EVENTS ?? 200_000);
const DEVICES = Number(process.env.BENCH_DEVICES ?? 50);
const client = (process.env.BENCH_CLIENT ?? 'platformatic') as 'platformatic' | 'kafkajs';
const brokers = (process.env.SONDE_TEST_KAFKA_BROKERS ?? '').split(',').filter(Boolean);
if (!brokers.length) throw new Error('SONDE_TEST_KAFKA_BROKERS is not set (scripts/services.sh env kafka)');
const runId = `wprof-${process.pid}-${Date.now().toString(36)}`;
const writerConfig = eventWriterConfigSchema.parse({});
const dir = mkdtempSync(path.join(os.tmpdir(), 'sonde-writer-prof-'));
const spool = mkdtempSync(path.join(os.tmpdir(), 'sonde-writer-prof-spool-'));

function syslogEvents(count: number, ts: number) {
  return Array.from({ length: count }, (_, i) => {
    const address = `10.1.${(i % DEVICES) >> 8}.${i % DEVICES}`;
    return createEvent('syslog.message', { site: 'bench', collector: 'syslog-1' }, { id: address, address }, {
      facility: 23,
      severity: 5,
      format: 'cisco-ios',
      hostname: `rtr-${i % DEVICES}`,
      appName: 'LINEPROTO',
      message: `%LINEPROTO-5-UPDOWN: Line protocol on Interface GigabitEthernet0/${i % 48}, changed state to down`,
      structuredData: {},
      fields: { facility: 'LINEPROTO', severity: '5', mnemonic: 'UPDOWN', seq: String(i) },
      timeSource: 'message',
      clockSkewMs: -12,
      transport: 'udp',
      source: { address, port: 514 },
      truncated: false,
    }, ts + i);
  });
}

const config = busConfigSchema.parse({ type: 'kafka', kafka: { client, brokers, topicPrefix: `${runId}.`, partitions: 6, spool: { dir: spool } } });
const deps = { metrics: new BusMetrics(new Registry()) };
const bus: EventBus = client === 'platformatic' ? await PlatformaticEventBus.create(config, deps) : await KafkaEventBus.create(config, deps);
await bus.ensureTopics();
const base = Date.now() - 600_000;
for (let i = 0; i < N; i += 1_000) await bus.publish(syslogEvents(Math.min(1_000, N - i), base + i));
const store = createEventStore({ type: 'chdb', chdb: { path: dir }, database: 'wprof' });
await store.migrate();
const writer = new EventBatchWriter(store, new EventWriterMetrics(new Registry()), {
  onError: (err) => process.stderr.write(`writer-prof: insert failed: ${String(err).slice(0, 300)}\n`),
  insert: writerConfig.insert,
});
const session = new Session();
session.connect();
await session.post('Profiler.enable');
let got = 0;
let t0 = 0;
let c0 = process.cpuUsage();
await session.post('Profiler.start');
const sub = await bus.subscribe({
  group: `${runId}-g`,
  families: ['syslog'],
  maxBatchEvents: writerConfig.maxBatchEvents,
  maxBatchWaitMs: writerConfig.maxBatchWaitMs,
  maxBytesPerPartition: writerConfig.maxBytesPerPartition,
  partitionsConsumedConcurrently: writerConfig.partitionsConsumedConcurrently,
  handler: async (batch) => {
    if (t0 === 0) {
      t0 = performance.now(); // from the first batch: the group join is excluded
      c0 = process.cpuUsage();
    }
    await writer.write(batch);
    got += batch.events.length;
  },
});
while (got < N) await new Promise((r) => setTimeout(r, 5));
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(c0);
const { profile } = await session.post('Profiler.stop');
writeFileSync(process.env.BENCH_PROF ?? '/tmp/writer-drain.cpuprofile', JSON.stringify(profile));
const [row] = await store.query<{ n: string }>('SELECT count() AS n FROM wprof.syslog_message');
console.log(`${client}: ${N} syslog events from ${DEVICES} devices stored (${row?.n} rows) at ${Math.round(N / seconds)}/s from the first batch; ${((cpu.user + cpu.system) / N).toFixed(1)} CPU µs/event (profiler on)`);
await sub.close();
await bus.close();
await store.close();
rmSync(dir, { recursive: true, force: true });
rmSync(spool, { recursive: true, force: true });
process.exit(0);
