// The producer thread of a ThreadedKafkaBus (threaded-kafka-bus.ts): the same Kafka adapter,
// KafkaPublisher and disk spool as a bus on the caller's thread, fed records the caller
// already encoded. Its metrics and logs go back to the caller's thread, which owns /metrics
// and the log stream.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { Registry } from 'prom-client';
import type { BusLogger } from '../bus-logger';
import { BusMetrics } from '../bus.metrics';
import { KafkaEventBus } from './kafka-event-bus';
import { PlatformaticEventBus } from '../kafka-platformatic/platformatic-event-bus';
import type { SpoolRecord } from '../spool/spool-record';
import type { SpoolingKafkaBus, StartableSubscription } from './spooling-kafka-bus';
import type { FromProducerThread, ProducerThreadData, ThreadError, ToProducerThread } from './producer-thread-protocol';

if (!parentPort) throw new Error('producer-thread.js runs as a worker thread of ThreadedKafkaBus');
const port: MessagePort = parentPort;
const post = (m: FromProducerThread) => port.postMessage(m);

/** How often the caller's /metrics and health catch up with this thread. */
const REPORT_MS = 500;

export function toThreadError(err: unknown): ThreadError {
  if (err instanceof Error) {
    const e = err as Error & { code?: unknown; context?: unknown };
    return {
      name: e.name,
      message: e.message,
      ...(typeof e.code === 'string' ? { code: e.code } : {}),
      ...(e.context && typeof e.context === 'object' ? { context: JSON.parse(JSON.stringify(e.context)) as Record<string, unknown> } : {}),
    };
  }
  return { name: 'Error', message: String(err) };
}

function log(level: 'debug' | 'info' | 'warn' | 'error') {
  return (obj: object, msg: string) => {
    let safe: object;
    try {
      safe = JSON.parse(JSON.stringify(obj)) as object; // errors and the like as plain data
    } catch {
      safe = { detail: String(obj) };
    }
    post({ type: 'log', level, obj: safe, msg });
  };
}

const logger: BusLogger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };

async function main(): Promise<void> {
  const { config: given } = workerData as ProducerThreadData;
  const config = { ...given, kafka: { ...given.kafka, producer: { ...given.kafka.producer, thread: 'main' as const } } };
  const registry = new Registry();
  const deps = { metrics: new BusMetrics(registry), logger };
  let bus: SpoolingKafkaBus<StartableSubscription>;
  try {
    bus = config.kafka.client === 'platformatic' ? await PlatformaticEventBus.create(config, deps) : await KafkaEventBus.create(config, deps);
  } catch (err) {
    post({ type: 'start-error', error: toThreadError(err) });
    return;
  }
  const report = async () => {
    post({ type: 'metrics', metrics: await registry.getMetricsAsJSON() });
    post({ type: 'health', health: await bus.health(), spooled: bus.spooled });
  };
  // the counters and the spool depth go first, so a caller that sees its publish() settle
  // reads /metrics and health() as they were then
  const settle = (id: number, err?: unknown) =>
    void report()
      .catch(() => undefined)
      .then(() => post(err === undefined ? { type: 'settled', id } : { type: 'settled', id, error: toThreadError(err) }));
  const timer = setInterval(() => void report().catch(() => undefined), REPORT_MS);
  port.on('message', (m: ToProducerThread) => {
    if (m.type === 'publish') {
      const values = Buffer.from(m.values);
      const records: SpoolRecord[] = new Array(m.keys.length);
      let start = 0;
      for (let i = 0; i < m.keys.length; i++) {
        const end = m.ends[i] as number;
        records[i] = { topic: m.topics[i] as string, key: m.keys[i] as string, value: values.subarray(start, end) };
        start = end;
      }
      // queued synchronously, in message order: the caller's publish() order is kept
      bus.publishRecords(records, m.bytes).then(
        () => settle(m.id),
        (err: unknown) => settle(m.id, err),
      );
    } else if (m.type === 'ensure-topics') {
      bus.ensureTopics().then(
        () => post({ type: 'settled', id: m.id }),
        (err: unknown) => post({ type: 'settled', id: m.id, error: toThreadError(err) }),
      );
    } else if (m.type === 'close') {
      clearInterval(timer);
      void (async () => {
        await bus.close().catch((err: unknown) => logger.error({ err: toThreadError(err) }, 'kafka producer thread: close failed'));
        await report().catch(() => undefined);
        post({ type: 'closed' });
        port.close();
      })();
    }
  });
  post({ type: 'ready', health: await bus.health(), spooled: bus.spooled });
}

void main();
