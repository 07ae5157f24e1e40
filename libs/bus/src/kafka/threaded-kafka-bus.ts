import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EventFamily } from '@sonde/events/event-kind';
import type { SondeEvent } from '@sonde/events/sonde-event';
import type { SondeErrorCode } from '@sonde/events/sonde-error';
import { RateLimitedLog } from '@sonde/telemetry/rate-limited-log';
import type { BusConfig } from '../bus.config';
import { BusError } from '../bus-error';
import { silentBusLogger, type BusLogger } from '../bus-logger';
import type { BusHealth, EventBus, SubscribeOptions, Subscription } from '../event-bus';
import { PlatformaticEventBus } from '../kafka-platformatic/platformatic-event-bus';
import { encodeRecords } from './kafka-publisher';
import { KafkaEventBus } from './kafka-event-bus';
import { MetricsRelay } from './metrics-relay';
import type { FromProducerThread, ProducerThreadData, ThreadError, ToProducerThread } from './producer-thread-protocol';
import { topicOfFamily, type KafkaBusDeps } from './spooling-kafka-bus';

interface Waiting {
  resolve(): void;
  reject(err: unknown): void;
  events: number;
}

/**
 * The Kafka bus with its producer on a thread of its own (`bus.kafka.producer.thread: worker`).
 * publish() JSON-encodes on the caller's thread (an event object cannot cross threads for less
 * than encoding it) and transfers the bytes; the producer thread (producer-thread.ts) runs the
 * same adapter, KafkaPublisher and disk spool as the in-thread bus. So a UDP receiver spends
 * its thread on its socket and on encoding, and request building, acknowledgements, the spool
 * and the replay run on the other core. Order: calls are posted in call order and the producer
 * thread queues each synchronously on arrival, so the contract of orderedPublishCalls holds.
 *
 * Subscriptions are not on the producer thread: the first subscribe() opens an in-thread bus
 * for consuming (its own spool folder `<spool.dir>/consume-side`, never written: it publishes
 * nothing).
 */
export class ThreadedKafkaBus implements EventBus {
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  private inFlightEvents = 0;
  private lastHealth: BusHealth = { ok: false, detail: 'kafka producer thread starting', pending: 0 };
  private spooled = 0;
  private dead: BusError | null = null;
  private closing: Promise<void> | null = null;
  private consumeSide: Promise<KafkaEventBus | PlatformaticEventBus> | null = null;
  private readonly relay: MetricsRelay;
  private readonly logger: BusLogger;
  private readonly tooLargeLog: RateLimitedLog;

  private constructor(
    private readonly config: BusConfig,
    private readonly deps: KafkaBusDeps,
    private readonly worker: Worker,
  ) {
    this.logger = deps.logger ?? silentBusLogger;
    this.tooLargeLog = new RateLimitedLog(this.logger, { intervalMs: 10_000 });
    this.relay = new MetricsRelay(deps.metrics);
  }

  /** The compiled producer-thread.js: beside this file in dist/, or dist/ of the lib when run from src/ (ts-jest). */
  static workerScript(): string {
    const here = path.join(__dirname, 'producer-thread.js');
    if (existsSync(here)) return here;
    const built = path.resolve(__dirname, '../../dist/kafka/producer-thread.js');
    if (existsSync(built)) return built;
    throw new Error(`producer-thread.js not found next to ${__filename} nor in libs/bus/dist/kafka: run \`tsc -b libs/bus\``);
  }

  /** Starts the producer thread; resolves once it opened the spool (replaying what a previous run left). */
  static create(config: BusConfig, deps: KafkaBusDeps): Promise<ThreadedKafkaBus> {
    const data: ProducerThreadData = { config };
    const worker = new Worker(ThreadedKafkaBus.workerScript(), { workerData: data, name: 'sonde-kafka-producer' });
    const bus = new ThreadedKafkaBus(config, deps, worker);
    return new Promise((resolve, reject) => {
      let started = false;
      worker.on('message', (m: FromProducerThread) => {
        if (m.type === 'ready') {
          started = true;
          bus.lastHealth = m.health;
          bus.spooled = m.spooled;
          resolve(bus);
        } else if (m.type === 'start-error') reject(fromThreadError(m.error));
        else bus.onMessage(m);
      });
      worker.on('error', (err) => {
        if (!started) reject(err);
        bus.died(`kafka producer thread failed: ${err.message}`);
      });
      worker.on('exit', (code) => {
        if (!started) reject(new BusError('unavailable', `kafka producer thread exited with code ${code} before it started`, { adapter: 'kafka' }));
        bus.died(`kafka producer thread exited with code ${code}`);
      });
    });
  }

  private onMessage(m: FromProducerThread): void {
    switch (m.type) {
      case 'settled': {
        const w = this.waiting.get(m.id);
        if (!w) return;
        this.waiting.delete(m.id);
        this.inFlightEvents -= w.events;
        if (m.error) w.reject(fromThreadError(m.error));
        else w.resolve();
        return;
      }
      case 'health':
        this.lastHealth = m.health;
        this.spooled = m.spooled;
        return;
      case 'metrics':
        this.relay.apply(m.metrics);
        return;
      case 'log':
        this.logger[m.level](m.obj, m.msg);
        return;
      default:
        return;
    }
  }

  /** The thread is gone: every call waiting on it is rejected (counted as drops by its caller). */
  private died(why: string): void {
    if (this.dead) return;
    this.dead = new BusError('unavailable', why, { adapter: 'kafka' });
    if (!this.closing) this.logger.error({ adapter: 'kafka' }, `${why}: publishing stops (events it held are in its spool for the next start)`);
    for (const w of this.waiting.values()) w.reject(this.dead);
    this.waiting.clear();
    this.inFlightEvents = 0;
  }

  get orderedPublishCalls(): number {
    return this.config.kafka.producer.maxInFlight;
  }

  topicOf(family: EventFamily): string {
    return topicOfFamily(this.config, family);
  }

  publish(events: readonly SondeEvent[]): Promise<void> {
    if (this.dead || this.closing) {
      this.deps.metrics.publishFailures.inc({ adapter: 'kafka', reason: 'closed' }, events.length);
      return Promise.reject(this.closing || !this.dead ? new BusError('unavailable', 'event bus is closed', { adapter: 'kafka' }) : this.dead);
    }
    const encoded = encodeRecords(this.config, events, this.deps.metrics, (e, bytes) =>
      this.tooLargeLog.log(`too_large:${e.device.id}`, 'too_large', { device: e.device.id, kind: e.kind, bytes, maxEventBytes: this.config.kafka.producer.maxEventBytes }, 'event above kafka.producer.maxEventBytes: dropped'),
    );
    if (encoded instanceof BusError) return Promise.reject(encoded);
    const { records, bytes } = encoded;
    // one buffer for the call's values, transferred: the producer thread cuts it by `ends`
    // not pooled (allocUnsafeSlow): its ArrayBuffer is its own, so it can be transferred
    const values = Buffer.allocUnsafeSlow(bytes);
    const ends = new Uint32Array(records.length);
    const keys: string[] = new Array(records.length);
    const topics: string[] = new Array(records.length);
    let at = 0;
    for (const [i, r] of records.entries()) {
      values.set(r.value, at);
      at += r.value.length;
      ends[i] = at;
      keys[i] = r.key;
      topics[i] = r.topic;
    }
    return this.request(records.length, { type: 'publish', id: 0, values: values.buffer as ArrayBuffer, ends, keys, topics, bytes }, [values.buffer as ArrayBuffer, ends.buffer]);
  }

  private request(events: number, m: Extract<ToProducerThread, { id: number }>, transfer: ArrayBuffer[] = []): Promise<void> {
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, events });
      this.inFlightEvents += events;
      this.worker.postMessage({ ...m, id }, transfer);
    });
  }

  /** Creates the family topics that are missing (on the producer thread's admin client). */
  ensureTopics(): Promise<void> {
    if (this.dead) return Promise.reject(this.dead);
    return this.request(0, { type: 'ensure-topics', id: 0 });
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    if (this.closing || this.dead) throw new BusError('unavailable', 'event bus is closed', { adapter: 'kafka', group: options.group });
    this.consumeSide ??= (() => {
      const k = this.config.kafka;
      const config: BusConfig = { ...this.config, kafka: { ...k, producer: { ...k.producer, thread: 'main' }, spool: { ...k.spool, dir: path.join(k.spool.dir, 'consume-side') } } };
      return k.client === 'platformatic' ? PlatformaticEventBus.create(config, this.deps) : KafkaEventBus.create(config, this.deps);
    })();
    return (await this.consumeSide).subscribe(options);
  }

  async health(): Promise<BusHealth> {
    const pending = this.inFlightEvents + this.spooled;
    if (this.dead) return { ok: false, detail: this.dead.message, pending };
    if (this.closing) return { ok: false, detail: 'closed', pending };
    return { ...this.lastHealth, detail: `${this.lastHealth.detail}, producer thread`, pending };
  }

  /** Sends what publish() accepted (broker or spool) on the producer thread, then stops it and any subscriptions. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (!this.dead) {
        await new Promise<void>((resolve) => {
          const done = () => resolve();
          this.worker.once('exit', done);
          this.worker.on('message', (m: FromProducerThread) => {
            if (m.type === 'closed') done();
          });
          this.worker.postMessage({ type: 'close' } satisfies ToProducerThread);
        });
      }
      await this.worker.terminate().catch(() => undefined);
      if (this.consumeSide) await (await this.consumeSide.catch(() => null))?.close();
    })();
    return this.closing;
  }
}

function fromThreadError(e: ThreadError): Error {
  if (e.code) {
    const err = new BusError(e.code as SondeErrorCode, e.message, (e.context ?? {}) as Record<string, string | number>);
    return err;
  }
  return Object.assign(new Error(e.message), { name: e.name });
}
