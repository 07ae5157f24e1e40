// The trap receiver's publish path alone, without the UDP socket: libs/collector's EventPublisher
// (the trap receiver's settings: 500 events per publish() call, next turn of the event loop) into
// the real Kafka bus, fed trap events as fast as it drains them. Two modes, alternated in one run:
//   serial   one publish() call in flight at a time (EventPublisher before EventBus.orderedPublishCalls)
//   ordered  as many calls in flight as the bus takes in order (kafka.producer.maxInFlight, 5)
// Per round and mode: events/s from the first enqueue to the drained publisher, CPU µs per event
// of this process, and the events on the topic (sum of end offsets) — every one must arrive.
//   SONDE_TEST_KAFKA_BROKERS=… node publish-bench.cjs [--events 100000] [--rounds 2] [--client kafkajs|platformatic]
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { captureTrap } = require('../lib/bench-util.cjs');
const { Registry } = require('prom-client');

const ROOT = path.join(__dirname, '../..');
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const EVENTS = Number(arg('events', '100000'));
const ROUNDS = Number(arg('rounds', '2'));
const CLIENT = arg('client', 'platformatic'); // the product's default
const dist = path.join(ROOT, 'services/trap-receiver/dist');
const { buildTrapReceiver } = require(path.join(dist, 'build-trap-receiver.js'));
const { trapReceiverConfigSchema } = require(path.join(dist, 'trap-receiver.config.js'));
const { EventPublisher } = require(path.join(ROOT, 'libs/collector/dist/event-publisher.js'));
const { loadOidDictionary } = require(path.join(ROOT, 'libs/snmp/dist/mib/mib-loader.js'));
const { busConfigSchema } = require('@sonde/bus/bus.config');
const { BusMetrics } = require('@sonde/bus/bus.metrics');
const { createEventBus } = require('@sonde/bus/create-event-bus');

async function round(mode, events) {
  const prefix = `bench-publish-${process.pid}-${mode}-${Date.now()}.`;
  const brokers = process.env.SONDE_TEST_KAFKA_BROKERS.split(',');
  const config = busConfigSchema.parse({ type: 'kafka', kafka: { client: CLIENT, brokers, topicPrefix: prefix, spool: { dir: fs.mkdtempSync(path.join(os.tmpdir(), 'bench-publish-spool-')) } } });
  const registry = new Registry();
  const real = await createEventBus(config, { metrics: new BusMetrics(registry) });
  await real.ensureTopics();
  const bus = mode === 'serial' ? { publish: (e) => real.publish(e) } : real;
  let published = 0;
  let dropped = 0;
  const counts = { published: (n) => void (published += n), dropped: (_r, _s, n = 1) => void (dropped += n) };
  const publisher = new EventPublisher(bus, counts, { maxEvents: 500, maxWaitMs: 0, maxPendingEvents: 1e7 }, { warn: () => undefined });
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  // arrival in slices of 1 000, one per turn of the event loop, while the publisher keeps up
  for (let i = 0; i < events.length; i += 1000) {
    for (let j = i; j < Math.min(events.length, i + 1000); j++) publisher.enqueue(events[j]);
    await new Promise((r) => setImmediate(r));
  }
  await publisher.drain();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const { Kafka, logLevel } = require('kafkajs');
  const admin = new Kafka({ brokers, clientId: 'bench-publish', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const offsets = async () => (await admin.fetchTopicOffsets(`${prefix}sonde.snmp.v1`)).reduce((n, p) => n + Number(p.high), 0);
  const onTopic = await offsets();
  // accepted = at the broker or in the disk spool (replayed in the background, and by close())
  const via = Object.fromEntries(((await registry.getSingleMetric('sonde_bus_published_total')?.get())?.values ?? []).map((v) => [v.labels.via, v.value]));
  await real.close();
  const onTopicAfterClose = await offsets();
  await admin.deleteTopics({ topics: ['icmp', 'snmp', 'syslog', 'rmon'].map((f) => `${prefix}sonde.${f}.v1`) }).catch(() => undefined);
  await admin.disconnect();
  return { mode, events: events.length, published, dropped, via, onTopic, onTopicAfterClose, seconds: Math.round(seconds * 100) / 100, perSecond: Math.round(events.length / seconds), cpuUsPerEvent: Math.round(((cpu.user + cpu.system) / events.length) * 10) / 10 };
}

async function main() {
  const datagram = await captureTrap();
  const config = trapReceiverConfigSchema.parse({ listen: [{ address: '127.0.0.1', port: 0 }], rateLimit: { perSourcePerSecond: 1e9, perSourceBurst: 1e9, globalPerSecond: 1e9, globalBurst: 1e9, maxSources: 100 } });
  const parts = buildTrapReceiver({
    config, communities: ['public'], users: [], dictionary: loadOidDictionary().dictionary, registry: new Registry(), clock: { now: () => Date.now() },
    origin: { site: 'bench', collector: 'bench' }, resolveDevice: (address) => ({ id: address, address }),
  });
  // distinct events (own ids) from 64 source addresses, so they spread over the partitions
  const events = Array.from({ length: EVENTS }, (_, i) => parts.receiver.handle(datagram, { address: `192.0.2.${i % 64}`, port: 161, family: 'IPv4', size: datagram.length }).event);
  if (events.some((e) => !e)) throw new Error('the trap receiver did not turn the datagram into an event');
  const results = { date: new Date().toISOString(), client: CLIENT, loadavg: os.loadavg(), rounds: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const mode of r % 2 ? ['ordered', 'serial'] : ['serial', 'ordered']) {
      const res = await round(mode, events);
      results.rounds.push(res);
      console.log(JSON.stringify(res));
    }
  }
  results.loadavgEnd = os.loadavg();
  const file = path.join(__dirname, 'results', `publish-${results.date.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`written ${path.relative(ROOT, file)}`);
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
