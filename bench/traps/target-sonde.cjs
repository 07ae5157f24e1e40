// The Sonde trap receiver (services/trap-receiver/dist) in its own process, so its CPU is
// measured alone: real TrapSockets + TrapReceiver (decode, community check, dictionary
// translation, event creation) + libs/collector's EventPublisher into a bus that only counts.
// Protocol on stdio: prints "READY <port>", answers "stats" with JSON, exits on "quit".
const path = require('node:path');
const readline = require('node:readline');
let delivered = 0;
const dist = path.join(__dirname, '../../services/trap-receiver/dist');
const { buildTrapReceiver } = require(path.join(dist, 'build-trap-receiver.js'));
const { EventPublisher } = require(path.join(__dirname, '../../libs/collector/dist/event-publisher.js'));
const { TrapSockets } = require(path.join(dist, 'trap-sockets.js'));
const { trapReceiverConfigSchema } = require(path.join(dist, 'trap-receiver.config.js'));
const { loadOidDictionary } = require(path.join(__dirname, '../../libs/snmp/dist/mib/mib-loader.js'));
const { Registry } = require('prom-client');
const dgram = require('node:dgram');

// `node target-sonde.cjs bare`: a dgram socket that only counts — Node's floor for UDP.
// `node target-sonde.cjs net-snmp`: net-snmp 3.29.2's own Receiver (v2c, community public).
const mode = process.argv[2] ?? 'sonde';
function serve(port, close) {
  process.stdout.write(`READY ${port}\n`);
  readline.createInterface({ input: process.stdin }).on('line', async (line) => {
    if (line === 'stats') process.stdout.write(`${JSON.stringify({ delivered })}\n`);
    if (line === 'quit') {
      await close();
      process.exit(0);
    }
  });
}
if (mode === 'bare') {
  const s = dgram.createSocket({ type: 'udp4', recvBufferSize: Number(process.env.RCVBUF ?? 4194304) });
  s.on('message', () => void delivered++);
  s.bind(0, '127.0.0.1', () => serve(s.address().port, () => new Promise((r) => s.close(r))));
  return;
}
if (mode === 'net-snmp') {
  const snmp = require(require.resolve('net-snmp', { paths: [path.join(__dirname, '../..')] }));
  const port = Number(process.env.NET_SNMP_PORT);
  const receiver = snmp.createReceiver({ port, address: '127.0.0.1', transport: 'udp4' }, (err) => void (err || delivered++));
  receiver.getAuthorizer().addCommunity('public');
  serve(port, () => new Promise((r) => receiver.close(r)));
  return;
}

// `node target-sonde.cjs sonde-kafka` (or sonde-kafka-serial): the same receiver publishing to the real Kafka bus
// (SONDE_TEST_KAFKA_BROKERS; BENCH_KAFKA_CLIENT kafkajs|platformatic); "delivered" is then
// what reached the topic (the sum of its partitions' end offsets).
const countingBus = {
  publish: async (events) => void (delivered += events.length),
  subscribe: async () => { throw new Error('unused'); },
  health: async () => ({ ok: true, detail: '', pending: 0 }),
  close: async () => {},
};
let onTopic = null;
async function kafkaBus() {
  const fs = require('node:fs');
  const os = require('node:os');
  const { busConfigSchema } = require('@sonde/bus/bus.config');
  const { BusMetrics } = require('@sonde/bus/bus.metrics');
  const prefix = `bench-traps-${process.pid}.`;
  const config = busConfigSchema.parse({
    type: 'kafka',
    kafka: {
      client: process.env.BENCH_KAFKA_CLIENT ?? 'platformatic', brokers: process.env.SONDE_TEST_KAFKA_BROKERS.split(','), topicPrefix: prefix, spool: { dir: fs.mkdtempSync(path.join(os.tmpdir(), 'bench-traps-spool-')) },
      // sonde-kafka-thread: the producer on a thread of its own (bus.kafka.producer.thread: worker)
      // BENCH_KAFKA_COMPRESSION: bus.kafka.producer.compression (unset: the bus default, none)
      producer: { thread: mode === 'sonde-kafka-thread' ? 'worker' : 'main', ...(process.env.BENCH_KAFKA_COMPRESSION ? { compression: process.env.BENCH_KAFKA_COMPRESSION } : {}) },
    },
  });
  const { createEventBus } = require('@sonde/bus/create-event-bus');
  const real = await createEventBus(config, { metrics: new BusMetrics(new Registry()) });
  await real.ensureTopics();
  const { Kafka, logLevel } = require('kafkajs');
  const admin = new Kafka({ brokers: config.kafka.brokers, clientId: 'bench-traps', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  let last = 0;
  // a fresh topic may answer NOT_LEADER for a moment: keep the last count and ask again next time
  onTopic = async () => {
    try {
      last = (await admin.fetchTopicOffsets(`${prefix}sonde.snmp.v1`)).reduce((n, p) => n + Number(p.high), 0);
    } catch {
      // retried at the next 'stats'
    }
    return last;
  };
  return real;
}
const config = trapReceiverConfigSchema.parse({
  listen: [{ address: '127.0.0.1', port: 0 }],
  // the bench measures the pipeline, not the limiter: one source sends everything
  rateLimit: { perSourcePerSecond: 1e9, perSourceBurst: 1e9, globalPerSecond: 1e9, globalBurst: 1e9, maxSources: 10 },
  receiveBufferBytes: Number(process.env.RCVBUF ?? 4194304),
});
const { dictionary } = loadOidDictionary();
const registry = new Registry();
const parts = buildTrapReceiver({
  config, communities: ['public'], users: [], dictionary, registry, clock: { now: () => Date.now() },
  origin: { site: 'bench', collector: 'bench' }, resolveDevice: (address) => ({ id: address, address }),
});
(async () => {
// sonde-kafka-serial: the same Kafka bus with one publish() call in flight at a time, as
// EventPublisher did before it used EventBus.orderedPublishCalls (the A/B of issue 15 goal 5)
const real = mode.startsWith('sonde-kafka') ? await kafkaBus() : countingBus;
const bus = mode === 'sonde-kafka-serial' ? { publish: (events) => real.publish(events), close: () => real.close() } : real;
const publisher = new EventPublisher(bus, parts.metrics, { maxEvents: 500, maxWaitMs: 0, maxPendingEvents: 1_000_000 }, { warn: () => undefined });
const sockets = new TrapSockets(parts.receiver, publisher, config.receiveBufferBytes);
sockets.start(config.listen).then((bound) => {
  process.stdout.write(`READY ${bound[0].port}\n`);
  readline.createInterface({ input: process.stdin }).on('line', async (line) => {
    if (line === 'stats') {
      // where the others went: the kernel (receive buffer full) or the receiver's own drops
      const { readUdpKernelDrops } = require(path.join(__dirname, '../../libs/collector/dist/udp-kernel-drops.js'));
      const dropped = Object.fromEntries(((await registry.getSingleMetric('sonde_trap_dropped_total')?.get())?.values ?? []).filter((v) => v.value).map((v) => [`${v.labels.reason}/${v.labels.stage}`, v.value]));
      process.stdout.write(`${JSON.stringify({ delivered: onTopic ? await onTopic() : delivered, kernelDrops: readUdpKernelDrops(new Set(sockets.ports)), dropped })}\n`);
    }
    if (line === 'quit') {
      await sockets.close();
      await bus.close();
      process.exit(0);
    }
  });
});
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
