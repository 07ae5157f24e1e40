// Bench target: the Sonde syslog receiver (compiled dist) on UDP, publishing to the real
// in-process MemoryEventBus whose subscriber only counts. Prints `READY <port>`; answers
// `stats` on stdin with one JSON line. Usage: node target-receiver.cjs <workers>
const path = require('node:path');
const readline = require('node:readline');
const root = path.resolve(__dirname, '../..');
// SYSLOG_DIST=<dir>: another build of the receiver (A/B of a change; run with NODE_PATH=<repo>/node_modules)
const dist = process.env.SYSLOG_DIST ? path.resolve(process.env.SYSLOG_DIST) : path.join(root, 'services/syslog-receiver/dist');
const { SyslogReceiver } = require(path.join(dist, 'syslog-receiver.js'));
const { syslogReceiverConfigSchema } = require(path.join(dist, 'syslog-receiver.config.js'));
const { SyslogReceiverMetrics } = require(path.join(dist, 'syslog-receiver.metrics.js'));
const { MemoryEventBus } = require('@sonde/bus/memory/memory-event-bus');
const { busConfigSchema } = require('@sonde/bus/bus.config');
const { BusMetrics } = require('@sonde/bus/bus.metrics');
const { Inventory } = require('@sonde/inventory/inventory');
const { Registry } = require('prom-client');

async function main() {
  const workers = Number(process.argv[2] ?? 0);
  let delivered = 0;
  // BENCH_KAFKA_PREFIX: publish to the real Kafka bus (the runner counts the topic); else the memory bus
  const kafkaPrefix = process.env.BENCH_KAFKA_PREFIX;
  const spool = kafkaPrefix ? require('node:fs').mkdtempSync(path.join(require('node:os').tmpdir(), 'bench-syslog-spool-')) : '';
  const busConfig = kafkaPrefix
    ? busConfigSchema.parse({ type: 'kafka', kafka: { client: process.env.BENCH_KAFKA_CLIENT ?? 'platformatic', brokers: process.env.SONDE_TEST_KAFKA_BROKERS.split(','), topicPrefix: kafkaPrefix, spool: { dir: spool } } })
    : busConfigSchema.parse({ memory: { queueCapacity: 100000 } });
  const bus = kafkaPrefix
    ? await (busConfig.kafka.client === 'platformatic'
        ? require('@sonde/bus/kafka-platformatic/platformatic-event-bus').PlatformaticEventBus
        : require('@sonde/bus/kafka/kafka-event-bus').KafkaEventBus
      ).create(busConfig, { metrics: new BusMetrics(new Registry()) })
    : new MemoryEventBus(busConfig, { metrics: new BusMetrics(new Registry()) });
  if (kafkaPrefix) await bus.ensureTopics();
  else await bus.subscribe({ group: 'bench', families: ['syslog'], maxBatchEvents: 5000, maxBatchWaitMs: 5, handler: async (b) => void (delivered += b.events.length) });
  const registry = new Registry();
  const metrics = new SyslogReceiverMetrics(registry);
  const receiver = new SyslogReceiver(
    syslogReceiverConfigSchema.parse({
      udp: { hosts: ['127.0.0.1'], port: 0, workers, receiveBufferBytes: Number(process.env.RCVBUF ?? 4194304) },
      tcp: { enabled: false },
      rateLimit: { messagesPerSecond: 0 },
    }),
    {
      bus,
      resolver: new Inventory({ site: 'bench', sites: {}, credentials: {}, devices: [] }),
      counts: metrics,
      log: { warn: (fields, msg) => process.stderr.write(`${msg} ${JSON.stringify(fields)}\n`) },
      origin: { site: 'bench', collector: 'bench' },
    },
  );
  const listening = await receiver.start();
  const value = async (name) => ((await registry.getSingleMetric(name).get()).values ?? []).reduce((s, v) => s + v.value, 0);
  process.stdout.write(`READY ${listening.udp[0]}\n`);
  readline.createInterface({ input: process.stdin }).on('line', async (line) => {
    if (line === 'stats') {
      process.stdout.write(JSON.stringify({ received: await value('sonde_syslog_received_total'), delivered, dropped: await value('sonde_syslog_dropped_total') }) + '\n');
    } else if (line === 'quit') {
      await receiver.stop();
      await bus.close();
      process.exit(0);
    }
  });
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
