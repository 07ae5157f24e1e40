// Profiling aid (not a test, not run by run.sh): CPU-profiles (node:inspector) only the produce of
// BENCH_EVENTS ~1 KB events through the Sonde Kafka bus, calls of 1 000 with BENCH_WINDOW (8)
// outstanding as bus-bench.ts does, and writes the .cpuprofile to BENCH_PROF
// (default /tmp/bus-produce.cpuprofile).
//   BENCH_CLIENT=platformatic|kafkajs SONDE_TEST_KAFKA_BROKERS=… node bench/bus/produce-prof.ts
//   (BENCH_PRODUCER='{"thread":"worker"}': kafka.producer settings; the profile is of the caller's thread)
import { createEvent } from '@sonde/events/create-event';
import { busConfigSchema } from '@sonde/bus/bus.config';
import { BusMetrics } from '@sonde/bus/bus.metrics';
import { createEventBus } from '@sonde/bus/create-event-bus';
import { Registry } from 'prom-client';
import { Session } from 'node:inspector/promises';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const N = Number(process.env.BENCH_EVENTS ?? 50_000);
const WINDOW = Number(process.env.BENCH_WINDOW ?? 8);
const client = (process.env.BENCH_CLIENT ?? 'platformatic') as 'platformatic' | 'kafkajs';
const brokers = (process.env.SONDE_TEST_KAFKA_BROKERS ?? '').split(',').filter(Boolean);
const runId = `prof-${process.pid}-${Date.now().toString(36)}`;
const samples = Array.from({ length: 6 }, (_, i) => ({ name: 'ifHCInOctets', labels: { ifName: `GigabitEthernet0/${i}`, ifAlias: 'uplink to core' }, value: i * 1000, unit: 'By', type: 'counter' as const }));
const events = Array.from({ length: N }, (_, i) => createEvent('snmp.metric', { site: 'bench', collector: 'bench-1' }, { id: `dev-${i % 100}`, address: `10.0.${i % 100}.1` }, { group: 'if', samples }));
const spool = mkdtempSync(path.join(tmpdir(), 'prof-spool-'));
const producer = process.env.BENCH_PRODUCER ? JSON.parse(process.env.BENCH_PRODUCER) : {};
const config = busConfigSchema.parse({ type: 'kafka', kafka: { client, brokers, topicPrefix: `${runId}.`, partitions: 6, spool: { dir: spool }, producer } });
const deps = { metrics: new BusMetrics(new Registry()) };
const bus = await createEventBus(config, deps);
await bus.publish(events.slice(0, 10)); // connect and learn the broker's limit outside the clock
const session = new Session();
session.connect();
await session.post('Profiler.enable');
const c0 = process.cpuUsage();
const t0 = performance.now();
await session.post('Profiler.start');
const running = new Set<Promise<unknown>>();
for (let i = 0; i < N; i += 1_000) {
  const p = bus.publish(events.slice(i, i + 1_000)).finally(() => running.delete(p));
  running.add(p);
  if (running.size >= WINDOW) await Promise.race(running);
}
await Promise.all(running);
const t1 = performance.now();
const { profile } = await session.post('Profiler.stop');
const cpu = process.cpuUsage(c0);
writeFileSync(process.env.BENCH_PROF ?? '/tmp/bus-produce.cpuprofile', JSON.stringify(profile));
console.log(`${client}: ${N} events produced at ${Math.round((N * 1000) / (t1 - t0))}/s; ${(((cpu.user + cpu.system) / 1e6) * (100_000 / N)).toFixed(2)} CPU-s/100k`);
await bus.close();
rmSync(spool, { recursive: true, force: true });
process.exit(0);
