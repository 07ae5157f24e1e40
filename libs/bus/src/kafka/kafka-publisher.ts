import { encodeEvent } from '@sonde/events/event-codec';
import { topicFor } from '@sonde/events/event-kind';
import type { SondeEvent } from '@sonde/events/sonde-event';
import { CompressionTypes, Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { BusConfig, KafkaBusConfig } from '../bus.config';
import { BusError } from '../bus-error';
import { RateLimitedLog } from '@sonde/telemetry/rate-limited-log';
import type { BusLogger } from '../bus-logger';
import type { BusMetrics } from '../bus.metrics';
import { partitionKeyOf } from '../partition-key';
import type { SegmentSpool } from '../spool/segment-spool';
import type { SpoolRecord } from '../spool/spool-record';

interface Pending {
  records: SpoolRecord[];
  bytes: number;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * What the publisher needs from a Kafka client library (kafkajs here, @platformatic/kafka in
 * kafka-platformatic/): an idempotent acks=all producer keyed like the Java client.
 */
export interface RecordSender {
  /** Creates the producer if needed, connects, makes sure the topics exist. */
  connect(): Promise<void>;
  /** Sends and resolves once all in-sync replicas have the records (acks=all). */
  send(records: readonly SpoolRecord[]): Promise<void>;
  /** Forgets the producer: the next connect() makes a fresh one (new producer id). */
  drop(): Promise<void>;
  /** A broker error that retrying cannot fix (too large, invalid, not authorised): not an outage. */
  isRejected(err: unknown): boolean;
}

/**
 * The encoded records of publish(), keyed by partitionKeyOf (device id; group key for
 * alert.state), or a BusError naming the device of an
 * event larger than kafka.producer.maxEventBytes (counted as too_large).
 */
export function encodeRecords(config: BusConfig, events: readonly SondeEvent[], metrics: BusMetrics): { records: SpoolRecord[]; bytes: number } | BusError {
  const records: SpoolRecord[] = new Array(events.length);
  let bytes = 0;
  const max = config.kafka.producer.maxEventBytes;
  const prefix = config.kafka.topicPrefix;
  let i = 0;
  for (const e of events) {
    const value = encodeEvent(e);
    if (value.length > max) {
      metrics.publishFailures.inc({ adapter: 'kafka', reason: 'too_large' }, events.length);
      return new BusError('malformed', `event ${e.id} of device ${e.device.id} is ${value.length} bytes, above kafka.producer.maxEventBytes (${max})`, {
        device: e.device.id,
        kind: e.kind,
        bytes: value.length,
      });
    }
    records[i++] = { topic: prefix + topicFor(e.kind), key: partitionKeyOf(e), value };
    bytes += value.length;
  }
  return { records, bytes };
}

/**
 * The producing half of the Kafka bus: micro-batches publish() calls (linger / size), sends
 * them with the idempotent producer (acks=all, one request in flight, so retries cannot
 * reorder), and falls back to the disk spool when the broker is unreachable.
 *
 * Order is kept by one rule: while the spool holds anything (or the broker is known down),
 * new batches are appended to the spool, never sent around it; the replayer sends the spool
 * head in order and switches back to direct sends only once it is empty.
 */
export class KafkaPublisher {
  private brokerDown = false;
  private closed = false;
  private queue: Pending[] = [];
  private queuedEvents = 0;
  private queuedBytes = 0;
  private lingerTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private connecting: Promise<unknown> = Promise.resolve();
  private replaying: Promise<void> | null = null;
  private wakeReplay: (() => void) | null = null;
  /** Serialises spool operations (append from the flusher, read/ack from the replayer). */
  private spoolChain: Promise<unknown> = Promise.resolve();
  private readonly warn: RateLimitedLog;

  constructor(
    private readonly sender: RecordSender,
    private readonly config: KafkaBusConfig,
    private readonly spool: SegmentSpool,
    private readonly metrics: BusMetrics,
    private readonly logger: BusLogger,
  ) {
    this.warn = new RateLimitedLog(logger, { intervalMs: 10_000 });
  }

  /** Replays what a previous run left in the spool, and connects in the background. */
  start(): void {
    if (this.spool.depth > 0) this.startReplay();
    else {
      this.connecting = this.sender.connect().catch((err: unknown) =>
        this.warn.log('connect', 'connect', { err: describe(err) }, 'kafka unreachable at start; publishing to the spool until it is back'),
      );
    }
  }

  get pending(): number {
    return this.queuedEvents;
  }

  get healthy(): boolean {
    return !this.brokerDown;
  }

  publish(records: SpoolRecord[], bytes: number): Promise<void> {
    if (this.closed) {
      this.metrics.publishFailures.inc({ adapter: 'kafka', reason: 'closed' }, records.length);
      return Promise.reject(new BusError('unavailable', 'event bus is closed', { adapter: 'kafka' }));
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ records, bytes, resolve, reject });
      this.queuedEvents += records.length;
      this.queuedBytes += bytes;
      this.schedule();
    });
  }

  private schedule(): void {
    const p = this.config.producer;
    if (this.flushing) return; // the running flush loop takes it next
    if (this.closed || this.queuedEvents >= p.batchEvents || this.queuedBytes >= p.batchBytes || p.lingerMs === 0) {
      this.kick();
    } else if (!this.lingerTimer) {
      this.lingerTimer = setTimeout(() => {
        this.lingerTimer = null;
        this.kick();
      }, p.lingerMs);
    }
  }

  private kick(): void {
    if (this.lingerTimer) {
      clearTimeout(this.lingerTimer);
      this.lingerTimer = null;
    }
    if (this.flushing || this.queue.length === 0) return;
    this.flushing = this.flushLoop().finally(() => {
      this.flushing = null;
      if (this.queue.length) this.schedule();
    });
  }

  private async flushLoop(): Promise<void> {
    const { batchEvents, batchBytes } = this.config.producer;
    while (this.queue.length) {
      const chunk: Pending[] = [];
      let events = 0;
      let bytes = 0;
      for (let p = this.queue[0]; p; p = this.queue[0]) {
        // one publish() call is never split; a call larger than the limits goes alone
        if (chunk.length > 0 && (events + p.records.length > batchEvents || bytes + p.bytes > batchBytes)) break;
        this.queue.shift();
        chunk.push(p);
        events += p.records.length;
        bytes += p.bytes;
      }
      this.queuedEvents -= events;
      this.queuedBytes -= bytes;
      await this.deliver(chunk, events);
    }
  }

  private async deliver(chunk: Pending[], events: number): Promise<void> {
    const records = chunk.flatMap((p) => p.records);
    if (!this.brokerDown && this.spool.depth === 0) {
      try {
        await this.sender.connect();
        await this.sender.send(records);
        this.metrics.published.inc({ adapter: 'kafka', via: 'broker' }, events);
        for (const p of chunk) p.resolve();
        return;
      } catch (err) {
        if (this.sender.isRejected(err)) {
          this.metrics.publishFailures.inc({ adapter: 'kafka', reason: 'rejected' }, events);
          const error = new BusError('malformed', `kafka rejected the batch: ${describe(err)}`, { events }, { cause: err });
          for (const p of chunk) p.reject(error);
          return;
        }
        this.brokerDown = true;
        await this.sender.drop();
        this.warn.log('down', 'down', { err: describe(err), events }, 'kafka unreachable: spooling to disk until it is back');
      }
    }
    try {
      await this.withSpool(() => this.spool.append(records));
      this.metrics.published.inc({ adapter: 'kafka', via: 'spool' }, events);
      for (const p of chunk) p.resolve();
    } catch (err) {
      this.metrics.publishFailures.inc({ adapter: 'kafka', reason: err instanceof BusError && err.code === 'overloaded' ? 'spool_full' : 'spool_error' }, events);
      for (const p of chunk) p.reject(err);
    }
    this.startReplay();
  }

  private withSpool<T>(op: () => Promise<T>): Promise<T> {
    const run = this.spoolChain.then(op, op);
    this.spoolChain = run.catch(() => undefined);
    return run;
  }

  private startReplay(): void {
    if (this.replaying || this.closed) return;
    this.replaying = this.replayLoop().finally(() => {
      this.replaying = null;
    });
  }

  private async replayLoop(): Promise<void> {
    const { retryInitialMs, retryMaxMs } = this.config.spool;
    let backoff = retryInitialMs;
    while (!this.closed) {
      const outcome = await this.replayOnce();
      if (outcome === 'drained') return;
      if (outcome === 'progress') {
        backoff = retryInitialMs;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, backoff);
        this.wakeReplay = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeReplay = null;
      backoff = Math.min(backoff * 2, retryMaxMs);
    }
  }

  private async replayOnce(): Promise<'drained' | 'progress' | 'failed'> {
    const { batchEvents, batchBytes } = this.config.producer;
    const batch = await this.withSpool(() => this.spool.read(batchEvents, batchBytes));
    try {
      await this.sender.connect();
      if (batch.records.length) await this.sender.send(batch.records);
    } catch (err) {
      if (batch.records.length && this.sender.isRejected(err)) {
        // a record the broker will never take would block the spool forever: skip it, loudly
        this.logger.error({ err: describe(err), events: batch.records.length }, 'kafka rejected spooled events: dropped');
        this.metrics.publishFailures.inc({ adapter: 'kafka', reason: 'rejected' }, batch.records.length);
        await this.withSpool(() => this.spool.ack(batch.next, batch.records.length));
        return 'progress';
      }
      await this.sender.drop();
      this.warn.log('replay', 'replay', { err: describe(err), spooled: this.spool.depth }, 'kafka still unreachable; spool kept');
      return 'failed';
    }
    return this.withSpool(async () => {
      if (batch.records.length) {
        await this.spool.ack(batch.next, batch.records.length);
        this.metrics.replayed.inc(batch.records.length);
      }
      if (this.spool.depth > 0) return 'progress';
      // empty, checked under the spool lock: the next flush sends directly again
      if (this.brokerDown) this.logger.info({}, 'kafka reachable again; spool drained');
      this.brokerDown = false;
      return 'drained';
    });
  }

  /** Sends what publish() accepted (to the broker or the spool), then disconnects. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.kick();
    while (this.flushing) await this.flushing;
    this.wakeReplay?.();
    await this.replaying;
    await this.spoolChain;
    await this.connecting;
    await this.sender.drop();
  }
}

/** The kafkajs producer behind KafkaPublisher. */
export class KafkajsSender implements RecordSender {
  /** Replaced after a failed send: a fresh producer id avoids sequence errors after an outage. */
  private producer: Producer | null = null;
  private connected = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly ensureTopics: () => Promise<void>,
    private readonly config: KafkaBusConfig,
  ) {}

  async connect(): Promise<void> {
    await this.ensureConnected();
  }

  isRejected(err: unknown): boolean {
    return isRejectedByBroker(err);
  }

  async drop(): Promise<void> {
    await this.dropProducer();
  }

  async send(records: readonly SpoolRecord[]): Promise<void> {
    const byTopic = new Map<string, { key: string; value: Buffer }[]>();
    for (const r of records) {
      const list = byTopic.get(r.topic);
      if (list) list.push({ key: r.key, value: r.value });
      else byTopic.set(r.topic, [{ key: r.key, value: r.value }]);
    }
    const producer = await this.ensureConnected();
    await producer.sendBatch({
      acks: -1,
      timeout: this.config.producer.requestTimeoutMs,
      compression: this.config.producer.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }

  private async ensureConnected(): Promise<Producer> {
    if (this.producer && this.connected) return this.producer;
    if (!this.producer) {
      this.producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner, // murmur2, as the Java client: same key → same partition
        retry: { retries: this.config.producer.retries, initialRetryTime: 200, maxRetryTime: 2_000 },
      });
    }
    await this.producer.connect();
    await this.ensureTopics();
    this.connected = true;
    return this.producer;
  }

  private async dropProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = null;
    this.connected = false;
    await producer?.disconnect().catch(() => undefined);
  }
}

/** Producer-state errors: a new producer fixes them, the records are fine. */
const PRODUCER_STATE_ERRORS = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH', 'DUPLICATE_SEQUENCE_NUMBER', 'INVALID_PRODUCER_ID_MAPPING']);

/** A Kafka error that retrying cannot fix (too large, invalid, not authorised): not an outage. */
export function isRejectedByBroker(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const k = e as { name?: string; retriable?: boolean; type?: string; cause?: unknown; originalError?: unknown };
    if (k.name === 'KafkaJSProtocolError' && k.retriable === false && !PRODUCER_STATE_ERRORS.has(k.type ?? '')) return true;
    e = k.cause ?? k.originalError;
  }
  return false;
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
