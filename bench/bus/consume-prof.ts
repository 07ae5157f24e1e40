// Profiling aid (not a test, not run by run.sh): publishes BENCH_EVENTS ~1 KB events through the
// Sonde Kafka bus, then CPU-profiles only the consume of them (node:inspector) and writes
// the .cpuprofile to BENCH_PROF (default /tmp/bus-consume.cpuprofile).
//   BENCH_CLIENT=platformatic|kafkajs SONDE_TEST_KAFKA_BROKERS=… node bench/bus/consume-prof.ts
//   (BENCH_FETCH_BYTES: kafka.consumer.maxBytesPerFetch; 1048576 is the @platformatic/kafka consumer as it was;
//   BENCH_COMPRESSION=zstd: the events published with kafka.producer.compression zstd)
import { createEvent } from '@sonde/events/create-event';
import { busConfigSchema } from '@sonde/bus/bus.config';
import { BusMetrics } from '@sonde/bus/bus.metrics';
import { KafkaEventBus } from '@sonde/bus/kafka/kafka-event-bus';
import { PlatformaticEventBus } from '@sonde/bus/kafka-platformatic/platformatic-event-bus';
import { Registry } from 'prom-client';
import { Session } from 'node:inspector/promises';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const N = Number(process.env.BENCH_EVENTS ?? 50_000);
const client = (process.env.BENCH_CLIENT ?? 'platformatic') as 'platformatic' | 'kafkajs';
const brokers = (process.env.SONDE_TEST_KAFKA_BROKERS ?? '').split(',').filter(Boolean);
const runId = `prof-${process.pid}-${Date.now().toString(36)}`;
const samples = Array.from({ length: 6 }, (_, i) => ({ name: 'ifHCInOctets', labels: { ifName: `GigabitEthernet0/${i}`, ifAlias: 'uplink to core' }, value: i * 1000, unit: 'By', type: 'counter' as const }));
const events = Array.from({ length: N }, (_, i) => createEvent('snmp.metric', { site: 'bench', collector: 'bench-1' }, { id: `dev-${i % 100}`, address: `10.0.${i % 100}.1` }, { group: 'if', samples }));
const spool = mkdtempSync(path.join(tmpdir(), 'prof-spool-'));
const config = busConfigSchema.parse({ type: 'kafka', kafka: { client, brokers, topicPrefix: `${runId}.`, partitions: 6, spool: { dir: spool }, producer: { compression: process.env.BENCH_COMPRESSION ?? 'none' }, ...(process.env.BENCH_FETCH_BYTES ? { consumer: { maxBytesPerFetch: Number(process.env.BENCH_FETCH_BYTES) } } : {}) } });
const deps = { metrics: new BusMetrics(new Registry()) };
const bus = client === 'platformatic' ? await PlatformaticEventBus.create(config, deps) : await KafkaEventBus.create(config, deps);
await bus.ensureTopics();
for (let i = 0; i < N; i += 1_000) await bus.publish(events.slice(i, i + 1_000));
const session = new Session();
session.connect();
await session.post('Profiler.enable');
let got = 0;
let t0 = 0;
const c0 = process.cpuUsage();
await session.post('Profiler.start');
const sub = await bus.subscribe({ group: `${runId}-g`, families: ['snmp'], maxBatchEvents: Number(process.env.BENCH_BATCH ?? 1_000), handler: async (b) => {
  if (got === 0) t0 = performance.now();
  got += b.events.length;
} });
while (got < N) await new Promise((r) => setTimeout(r, 5));
const t1 = performance.now();
const { profile } = await session.post('Profiler.stop');
const cpu = process.cpuUsage(c0);
writeFileSync(process.env.BENCH_PROF ?? '/tmp/bus-consume.cpuprofile', JSON.stringify(profile));
console.log(`${client}: ${N} events consumed at ${Math.round((N * 1000) / (t1 - t0))}/s from the first batch; ${(((cpu.user + cpu.system) / 1e6) * (100_000 / N)).toFixed(2)} CPU-s/100k (join included)`);
await sub.close();
await bus.close();
rmSync(spool, { recursive: true, force: true });
process.exit(0);
