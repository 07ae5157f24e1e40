// Bus benchmark (not a test): events/s of ~1 KB events through the memory bus, through the
// Sonde Kafka bus (on kafkajs and on @platformatic/kafka, with its decode + validation), and the same raw produce/consume
// through kafkajs and @platformatic/kafka against the same broker. Run by bench/bus/run.sh.
// Node 24 strips the types; the libs are imported from their dist/.
import { createEvent } from '@sonde/events/create-event';
import { encodeEvent } from '@sonde/events/event-codec';
import { busConfigSchema } from '@sonde/bus/bus.config';
import { BusMetrics } from '@sonde/bus/bus.metrics';
import { MemoryEventBus } from '@sonde/bus/memory/memory-event-bus';
import { KafkaEventBus } from '@sonde/bus/kafka/kafka-event-bus';
import { PlatformaticEventBus } from '@sonde/bus/kafka-platformatic/platformatic-event-bus';
import { createTopicsWithLeaders } from '@sonde/bus/kafka/topic-leaders';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { Consumer, Producer, ProduceAcks } from '@platformatic/kafka';
import { Registry } from 'prom-client';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const N = Number(process.env.BENCH_EVENTS ?? 50_000);
const CHUNK = 1_000;
const DEVICES = 100;
const PARTITIONS = 6;
const brokers = (process.env.SONDE_TEST_KAFKA_BROKERS ?? '').split(',').filter(Boolean);
if (!brokers.length) throw new Error('SONDE_TEST_KAFKA_BROKERS is not set (bench/bus/run.sh sets it)');
const runId = `bench-${process.pid}-${Date.now().toString(36)}`;

function makeEvents(n: number) {
  const samples = Array.from({ length: 6 }, (_, i) => ({ name: `ifHCInOctets`, labels: { ifName: `GigabitEthernet0/${i}`, ifAlias: 'uplink to core' }, value: i * 1000, unit: 'By', type: 'counter' as const }));
  return Array.from({ length: n }, (_, i) =>
    createEvent('snmp.metric', { site: 'bench', collector: 'bench-1' }, { id: `dev-${i % DEVICES}`, address: `10.0.${i % DEVICES}.1` }, { group: 'if', samples }),
  );
}

const events = makeEvents(N);
const bytesPerEvent = Math.round(events.slice(0, 100).reduce((n, e) => n + encodeEvent(e).length, 0) / 100);
const rows: { what: string; produce?: number; consume?: number; produceCpu?: number; consumeCpu?: number }[] = [];
/** CPU-seconds this process spent (user + system) since `from` (process.cpuUsage()), per 100 000 events. */
const cpuPer100k = (from: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(from);
  return ((d.user + d.system) / 1e6) * (100_000 / N);
};
/** publish()/send() calls outstanding at once, as a collector with a bounded queue has. */
const WINDOW = Number(process.env.BENCH_WINDOW ?? 8);
/** Calls `send(i)` for every chunk start i, with at most WINDOW of them unresolved. */
async function windowed(send: (i: number) => Promise<unknown>): Promise<void> {
  const running = new Set<Promise<unknown>>();
  for (let i = 0; i < N; i += CHUNK) {
    const p = send(i).finally(() => running.delete(p));
    running.add(p);
    if (running.size >= WINDOW) await Promise.race(running);
  }
  await Promise.all(running);
}
const rate = (n: number, ms: number) => Math.round((n * 1000) / ms);
const waitUntil = async (cond: () => boolean, what: string) => {
  const deadline = Date.now() + 600_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`bench timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

async function memoryBus() {
  const bus = new MemoryEventBus(busConfigSchema.parse({}), { metrics: new BusMetrics(new Registry()) });
  let got = 0;
  await bus.subscribe({ group: 'bench', families: ['snmp'], maxBatchEvents: CHUNK, handler: async (b) => void (got += b.events.length) });
  const t0 = performance.now();
  await windowed((i) => bus.publish(events.slice(i, i + CHUNK)));
  const t1 = performance.now();
  await waitUntil(() => got >= N, 'memory bus');
  const t2 = performance.now();
  rows.push({ what: 'Sonde memory bus (publish / end-to-end)', produce: rate(N, t1 - t0), consume: rate(N, t2 - t0) });
  await bus.close();
}

type Compression = 'none' | 'zstd';
/** How a row names its compression: nothing for none (the rows as they always were). */
const codecLabel = (c: Compression) => (c === 'none' ? '' : `, ${c}`);

async function sondeKafkaBus(client: 'kafkajs' | 'platformatic' = 'kafkajs', compression: Compression = 'none') {
  const spool = mkdtempSync(path.join(tmpdir(), 'bench-spool-'));
  const config = busConfigSchema.parse({
    type: 'kafka',
    kafka: { client, brokers, topicPrefix: `${runId}-sonde-${client}-${compression}.`, partitions: PARTITIONS, spool: { dir: spool }, producer: { compression } },
  });
  const deps = { metrics: new BusMetrics(new Registry()) };
  const bus = client === 'platformatic' ? await PlatformaticEventBus.create(config, deps) : await KafkaEventBus.create(config, deps);
  await bus.ensureTopics();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await windowed((i) => bus.publish(events.slice(i, i + CHUNK)));
  const t1 = performance.now();
  const produceCpu = cpuPer100k(c0);
  let got = 0;
  let t2 = 0;
  const c2 = process.cpuUsage();
  const sub = await bus.subscribe({ group: `${runId}-sonde-${client}-${compression}`, families: ['snmp'], maxBatchEvents: CHUNK, handler: async (b) => {
    if (got === 0) t2 = performance.now(); // from the first batch: excludes the group join
    got += b.events.length;
  } });
  await waitUntil(() => got >= N, 'sonde kafka bus');
  const t3 = performance.now();
  rows.push({ what: `Sonde Kafka bus on ${client === 'platformatic' ? '@platformatic/kafka' : 'kafkajs'} (acks=all, idempotent${codecLabel(compression)}; decode + validate)`, produce: rate(N, t1 - t0), consume: rate(N, t3 - t2), produceCpu, consumeCpu: cpuPer100k(c2) });
  await sub.close();
  await bus.close();
  rmSync(spool, { recursive: true, force: true });
}

const values = () => events.map((e) => ({ key: e.device.id, value: encodeEvent(e) }));

async function rawKafkajs() {
  const topic = `${runId}-kafkajs`;
  const kafka = new Kafka({ brokers, clientId: 'bench', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await createTopicsWithLeaders(admin, [{ topic, numPartitions: PARTITIONS }]);
  await admin.disconnect();
  const msgs = values();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 5, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await windowed((i) => producer.send({ topic, acks: -1, messages: msgs.slice(i, i + CHUNK) }));
  const t1 = performance.now();
  const produceCpu = cpuPer100k(c0);
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: `${runId}-kafkajs`, minBytes: 64 * 1024, maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const c2 = process.cpuUsage();
  let got = 0;
  let t2 = 0;
  await consumer.run({ eachBatch: async ({ batch }) => {
    if (got === 0) t2 = performance.now();
    got += batch.messages.length;
  } });
  await waitUntil(() => got >= N, 'kafkajs consumer');
  const t3 = performance.now();
  rows.push({ what: 'kafkajs raw (acks=all, idempotent; bytes only)', produce: rate(N, t1 - t0), consume: rate(N, t3 - t2), produceCpu, consumeCpu: cpuPer100k(c2) });
  await consumer.disconnect();
}

async function rawPlatformatic(compression: Compression = 'none') {
  const topic = `${runId}-platformatic-${compression}`;
  const kafka = new Kafka({ brokers, clientId: 'bench', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await createTopicsWithLeaders(admin, [{ topic, numPartitions: PARTITIONS }]);
  await admin.disconnect();
  const msgs = values().map((m) => ({ topic, key: Buffer.from(m.key), value: m.value }));
  const producer = new Producer({ clientId: 'bench', bootstrapBrokers: brokers, idempotent: true, acks: ProduceAcks.ALL, compression });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await windowed((i) => producer.send({ messages: msgs.slice(i, i + CHUNK) }));
  const t1 = performance.now();
  const produceCpu = cpuPer100k(c0);
  await producer.close();
  // the bus's fetch settings (bus.config.ts defaults): the library's own default of 50 MiB per
  // partition fetched this whole topic in one response, so its clock started after the only fetch
  const consumer = new Consumer({ clientId: 'bench', groupId: topic, bootstrapBrokers: brokers, minBytes: 64 * 1024, maxBytes: 50 * 1024 * 1024, maxBytesPerPartition: 1024 * 1024, maxWaitTime: 500 });
  const c2 = process.cpuUsage();
  const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: true });
  let got = 0;
  let t2 = 0;
  stream.on('data', () => {
    if (got === 0) t2 = performance.now();
    got++;
  });
  await waitUntil(() => got >= N, '@platformatic/kafka consumer');
  const t3 = performance.now();
  rows.push({ what: `@platformatic/kafka raw (acks=all, idempotent${codecLabel(compression)}; bytes only)`, produce: rate(N, t1 - t0), consume: rate(N, t3 - t2), produceCpu, consumeCpu: cpuPer100k(c2) });
  await stream.close();
  await consumer.close();
}

async function createTopic(topic: string): Promise<void> {
  const kafka = new Kafka({ brokers, clientId: 'bench', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await createTopicsWithLeaders(admin, [{ topic, numPartitions: PARTITIONS }]);
  await admin.disconnect();
}

function run(cmd: string, args: string[], input?: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 600_000, ...(input === undefined ? {} : { input }) });
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 3).join(' ')}… exited ${r.status}: ${r.stderr.slice(-2_000)}`);
  return r.stdout + r.stderr;
}

/** kcat (librdkafka), the C client floor: acks=all, idempotent, the same encoded events. */
async function kcat() {
  const topic = `${runId}-kcat`;
  await createTopic(topic);
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-kcat-'));
  const file = path.join(dir, 'events.tsv');
  // key TAB value per line: JSON never holds a raw tab or newline
  writeFileSync(file, events.map((e) => `${e.device.id}\t${encodeEvent(e).toString()}\n`).join(''));
  const common = ['-b', brokers.join(','), '-t', topic, '-q'];
  const t0 = performance.now();
  run('kcat', ['-P', ...common, '-K', '\t', '-X', 'acks=all', '-X', 'enable.idempotence=true', '-X', 'linger.ms=5', '-l', file]);
  const t1 = performance.now();
  // -C reads every partition from the beginning and exits at the end (-e); %o: one offset per line
  const out = run('kcat', ['-C', ...common, '-o', 'beginning', '-e', '-f', '%o\n']);
  const t2 = performance.now();
  const got = out.split('\n').filter(Boolean).length;
  if (got < N) throw new Error(`kcat consumed ${got} of ${N}`);
  rows.push({ what: 'kcat 1.7 / librdkafka (acks=all, idempotent; process start included)', produce: rate(N, t1 - t0), consume: rate(N, t2 - t1) });
  rmSync(dir, { recursive: true, force: true });
}

/** Kafka's own kafka-producer-perf-test / kafka-consumer-perf-test (Java client), same broker. */
async function kafkaPerfTest() {
  const cp = process.env.BENCH_KAFKA_TOOLS_CP;
  if (!cp) throw new Error('BENCH_KAFKA_TOOLS_CP is not set (bench/bus/run.sh sets it)');
  const topic = `${runId}-perftest`;
  await createTopic(topic);
  const java = ['-Xmx256m', '-cp', cp];
  const produced = run('java', [...java, 'org.apache.kafka.tools.ProducerPerformance', '--topic', topic, '--num-records', String(N), '--record-size', String(bytesPerEvent),
    '--throughput', '-1', '--producer-props', `bootstrap.servers=${brokers.join(',')}`, 'acks=all', 'enable.idempotence=true', 'linger.ms=5']);
  // "50000 records sent, 123456.7 records/sec (… MB/sec), …": the tool's own clock, JVM start excluded
  const sent = [...produced.matchAll(/(\d+) records sent, ([\d.]+) records\/sec/g)].at(-1);
  if (!sent) throw new Error(`ProducerPerformance printed no summary: ${produced.slice(-1_000)}`);
  const consumed = run('java', [...java, 'org.apache.kafka.tools.ConsumerPerformance', '--bootstrap-server', brokers.join(','), '--topic', topic, '--messages', String(N),
    '--group', `${runId}-perftest`, '--timeout', '600000']);
  // CSV: start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
  const line = consumed.trim().split('\n').filter((l) => /^\d{4}-/.test(l)).at(-1)?.split(',').map((x) => x.trim());
  if (!line || line.length < 10) throw new Error(`ConsumerPerformance printed no summary: ${consumed.slice(-1_000)}`);
  rows.push({ what: 'kafka-producer/consumer-perf-test (Java client; acks=all, idempotent; fetch rate, group join excluded)', produce: Math.round(Number(sent[2])), consume: Math.round(Number(line[9])) });
}

const only = process.env.BENCH_ONLY;
const sondeKafkaBusPlatformatic = () => sondeKafkaBus('platformatic');
// batch compression (bus.kafka.producer.compression: zstd), the bus and the raw client under it alike
const sondeKafkaBusPlatformaticZstd = () => sondeKafkaBus('platformatic', 'zstd');
const rawPlatformaticZstd = () => rawPlatformatic('zstd');
for (const [name, fn] of Object.entries({ memoryBus, sondeKafkaBus, sondeKafkaBusPlatformatic, sondeKafkaBusPlatformaticZstd, rawKafkajs, rawPlatformatic, rawPlatformaticZstd, kcat, kafkaPerfTest })) {
  if (only && !only.split(',').includes(name)) continue;
  process.stderr.write(`bench: ${name}…\n`);
  await fn();
}

const raw = rows.find((r) => r.what.startsWith('@platformatic/kafka raw (acks=all, idempotent;'));
const java = rows.find((r) => r.what.startsWith('kafka-producer'));
const fmt = (n?: number) => (n === undefined ? '–' : n.toLocaleString('en-US'));
const ratio = (n?: number, b?: number) => (n === undefined || !b ? '–' : `${(n / b).toFixed(2)}×`);
console.log(`${N.toLocaleString('en-US')} events of ${bytesPerEvent} bytes (JSON), ${DEVICES} device keys, ${PARTITIONS} partitions, calls of ${CHUNK}, ${WINDOW} calls outstanding.`);
console.log('Ratios are against raw @platformatic/kafka and against the Java client (kafka-*-perf-test) in this run.\n');
console.log('CPU-s/100k: CPU-seconds (user + system) of the bench process per 100 000 events, for the Node clients (the others run in their own process).\n');
console.log('| path | produce events/s | vs raw platformatic | vs Java | consume events/s | vs raw platformatic | vs Java | produce CPU-s/100k | consume CPU-s/100k |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
const cpu = (s?: number) => (s === undefined ? '–' : s.toFixed(2));
for (const r of rows) console.log(`| ${r.what} | ${fmt(r.produce)} | ${ratio(r.produce, raw?.produce)} | ${ratio(r.produce, java?.produce)} | ${fmt(r.consume)} | ${ratio(r.consume, raw?.consume)} | ${ratio(r.consume, java?.consume)} | ${cpu(r.produceCpu)} | ${cpu(r.consumeCpu)} |`);
const bus = rows.find((r) => r.what.startsWith('Sonde Kafka bus on @platformatic/kafka (acks=all, idempotent, zstd;'));
const rawZstd = rows.find((r) => r.what.startsWith('@platformatic/kafka raw (acks=all, idempotent, zstd;'));
if (bus && rawZstd) {
  console.log(`\nSame codec: the Sonde bus on @platformatic/kafka with zstd is ${ratio(bus.produce, rawZstd.produce)} the raw client with zstd on produce and ${ratio(bus.consume, rawZstd.consume)} on consume.`);
}
process.exit(0);
