import { encodeEvent, TRUSTED_EVENT_HEADER, TRUSTED_EVENT_HEADER_VALUE } from '@sonde/events/event-codec';
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
import { SerialSends } from './serial-sends';
import { describeError } from '@sonde/events/describe-error';
// the zstd codec kafkajs lacks, for compression: zstd (registered wherever a kafkajs producer can run, the producer thread too)
import './kafkajs-zstd';

/** One publish() call: resolved once every record of it was sent (or spooled). */
interface Pending {
  records: SpoolRecord[];
  /** Records of this call not yet cut into a request. */
  next: number;
  /** Requests holding records of this call that have not settled yet. */
  parts: number;
  /** Records that went to the broker or the spool. */
  accepted: number;
  /** Records dropped because they can never fit the broker's limit (counted as too_large). */
  tooLarge: SpoolRecord[];
  settled: boolean;
  resolve(): void;
  reject(err: unknown): void;
}

/** One produce request: records cut from one or more publish() calls, in order. */
interface Request {
  records: SpoolRecord[];
  owners: Pending[];
}

type SendOutcome = { ok: true } | { ok: false; rejected: boolean; err: unknown };

/**
 * Bytes a record adds to a v2 record batch beyond its key and value: length, attributes,
 * timestamp and offset deltas (varints), key/value lengths, and the trusted-event header.
 */
export const RECORD_OVERHEAD_BYTES = 32;
/** The record batch header (61 bytes in format v2), rounded up: what a request adds once. */
export const BATCH_OVERHEAD_BYTES = 128;

/** The smallest of the topics' max.message.bytes values; Kafka's default (1 MiB + 12) if none is readable. */
export function smallestLimit(values: readonly (string | null | undefined)[]): number {
  const limits = values.map(Number).filter((n) => Number.isSafeInteger(n) && n > 0);
  return limits.length ? Math.min(...limits) : 1_048_588;
}

/** The size a record takes in a produce request (what max.message.bytes limits). */
export function recordBytes(r: SpoolRecord): number {
  return r.value.length + Buffer.byteLength(r.key) + RECORD_OVERHEAD_BYTES;
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
  /**
   * The smallest `max.message.bytes` of the Sonde topics (the largest record batch the broker
   * accepts), read from the broker at connect; null until known.
   */
  messageLimit(): number | null;
}

/**
 * The encoded records of publish(), keyed by partitionKeyOf (device id; group key for
 * alert.state). An event larger than kafka.producer.maxEventBytes is left out, counted as
 * too_large and logged naming its device; only when every event of the call is too large does
 * the call reject (a BusError naming the first device), so one impossible event never takes
 * its neighbours with it.
 */
export function encodeRecords(
  config: BusConfig,
  events: readonly SondeEvent[],
  metrics: BusMetrics,
  onTooLarge: (e: SondeEvent, bytes: number) => void = () => undefined,
): { records: SpoolRecord[]; bytes: number } | BusError {
  const records: SpoolRecord[] = [];
  let bytes = 0;
  const max = config.kafka.producer.maxEventBytes;
  const prefix = config.kafka.topicPrefix;
  let first: { e: SondeEvent; bytes: number } | null = null;
  for (const e of events) {
    const value = encodeEvent(e);
    if (value.length > max) {
      metrics.publishFailures.inc({ adapter: 'kafka', reason: 'too_large' });
      first ??= { e, bytes: value.length };
      onTooLarge(e, value.length);
      continue;
    }
    records.push({ topic: prefix + topicFor(e.kind), key: partitionKeyOf(e), value });
    bytes += value.length;
  }
  if (first && records.length === 0) {
    const { e } = first;
    return new BusError('malformed', `event ${e.id} of device ${e.device.id} is ${first.bytes} bytes, above kafka.producer.maxEventBytes (${max})`, {
      device: e.device.id,
      kind: e.kind,
      bytes: first.bytes,
    });
  }
  return { records, bytes };
}

/**
 * The producing half of the Kafka bus: micro-batches publish() calls (linger / size), cuts
 * them into produce requests by encoded size below the broker's `max.message.bytes` (read
 * from the topics at connect; a publish() call may span requests), sends up to
 * producer.maxInFlight requests at once with the idempotent producer (acks=all: the broker
 * keeps per-partition order by sequence number with up to 5 in flight), and falls back to
 * the disk spool when the broker is unreachable.
 *
 * Order is kept by two rules: requests settle in the order they were cut (a failed one goes
 * to the spool before any later one is looked at; the broker refuses a later batch of a
 * partition whose earlier batch it did not write, so a later one cannot have overtaken it);
 * and while the spool holds anything (or the broker is known down), new requests are
 * appended to the spool, never sent around it; the replayer sends the spool head in order
 * and switches back to direct sends only once it is empty.
 */
export class KafkaPublisher {
  private brokerDown = false;
  private closed = false;
  private queue: Pending[] = [];
  private queuedEvents = 0;
  private queuedBytes = 0;
  private inFlight: { request: Request; outcome: Promise<SendOutcome> }[] = [];
  private inFlightEvents = 0;
  private lingerTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private connecting: Promise<unknown> = Promise.resolve();
  private connectOnce: Promise<void> | null = null;
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
      this.connecting = this.connectSender().catch((err: unknown) =>
        this.warn.log('connect', 'connect', { err: describeError(err) }, 'kafka unreachable at start; publishing to the spool until it is back'),
      );
    }
  }

  get pending(): number {
    return this.queuedEvents + this.inFlightEvents;
  }

  get healthy(): boolean {
    return !this.brokerDown;
  }

  /** Bytes of one produce request: producer.batchBytes, below the broker's record batch limit. */
  get requestBytes(): number {
    const limit = this.sender.messageLimit();
    return limit === null ? this.config.producer.batchBytes : Math.max(1, Math.min(this.config.producer.batchBytes, limit - BATCH_OVERHEAD_BYTES));
  }

  /** Counts (and logs, naming the device) a record that can never fit the broker's limit. */
  rejectTooLarge(record: SpoolRecord, limit: number): void {
    this.metrics.publishFailures.inc({ adapter: 'kafka', reason: 'too_large' });
    this.warn.log(
      `too_large:${record.key}`,
      'too_large',
      { key: record.key, topic: record.topic, bytes: recordBytes(record), limit },
      'event larger than the broker accepts (max.message.bytes): dropped',
    );
  }

  publish(records: SpoolRecord[], bytes: number): Promise<void> {
    if (this.closed) {
      this.metrics.publishFailures.inc({ adapter: 'kafka', reason: 'closed' }, records.length);
      return Promise.reject(new BusError('unavailable', 'event bus is closed', { adapter: 'kafka' }));
    }
    return new Promise<void>((resolve, reject) => {
      const p: Pending = { records, next: 0, parts: 0, accepted: 0, tooLarge: [], settled: false, resolve, reject };
      this.queue.push(p);
      this.queuedEvents += records.length;
      this.queuedBytes += bytes;
      this.schedule();
    });
  }

  private schedule(): void {
    const p = this.config.producer;
    if (this.flushing) return; // the running flush loop takes it next
    if (this.closed || this.queuedEvents >= p.batchEvents || this.queuedBytes >= this.requestBytes || p.lingerMs === 0) {
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

  /** The next request: up to batchEvents records and requestBytes bytes, across publish() calls. */
  private cut(): Request | null {
    const { batchEvents } = this.config.producer;
    const maxBytes = this.requestBytes;
    const limit = this.sender.messageLimit();
    const records: SpoolRecord[] = [];
    const owners: Pending[] = [];
    let bytes = BATCH_OVERHEAD_BYTES;
    for (let p = this.queue[0]; p && records.length < batchEvents; p = this.queue[0]) {
      let took = false;
      for (let r = p.records[p.next]; r && records.length < batchEvents; r = p.records[p.next]) {
        const size = recordBytes(r);
        if (limit !== null && size + BATCH_OVERHEAD_BYTES > limit) {
          // can never fit, whatever it is batched with: only this record is dropped
          this.rejectTooLarge(r, limit);
          p.tooLarge.push(r);
          p.next++;
          this.queuedEvents--;
          this.queuedBytes -= r.value.length;
          continue;
        }
        if (records.length > 0 && bytes + size > maxBytes) break;
        records.push(r);
        bytes += size;
        p.next++;
        took = true;
        this.queuedEvents--;
        this.queuedBytes -= r.value.length;
      }
      if (took) {
        p.parts++;
        owners.push(p);
      }
      if (p.next < p.records.length) break; // the request is full
      this.queue.shift();
      if (!took) this.settleIfDone(p); // every remaining record was too large
    }
    if (records.length === 0) return null;
    return { records, owners };
  }

  /** Resolves (or, if it lost every record to too_large, rejects) a fully cut call with nothing in flight. */
  private settleIfDone(p: Pending): void {
    if (p.settled || p.parts > 0 || p.next < p.records.length) return;
    p.settled = true;
    const r = p.tooLarge[0];
    if (p.accepted === 0 && r) {
      p.reject(new BusError('malformed', `event keyed ${r.key} (device id, or alert group key) is ${recordBytes(r)} bytes, above the broker's max.message.bytes (${this.sender.messageLimit()})`, { key: r.key, topic: r.topic, bytes: recordBytes(r) }));
    } else p.resolve();
  }

  private settleRequest(request: Request, err: unknown | null): void {
    for (const p of request.owners) {
      p.parts--;
      if (err !== null) {
        if (!p.settled) {
          p.settled = true;
          p.reject(err);
        }
      } else {
        p.accepted += request.records.length; // only compared with 0
        this.settleIfDone(p);
      }
    }
  }

  private async flushLoop(): Promise<void> {
    const maxInFlight = this.config.producer.maxInFlight;
    // the broker's limit decides where requests are cut: learn it before the first one
    if (this.sender.messageLimit() === null && !this.brokerDown && this.spool.depth === 0) await this.connectSender().catch(() => undefined);
    for (;;) {
      const request = this.cut();
      if (!request) break;
      if (!this.brokerDown && this.spool.depth === 0) {
        while (this.inFlight.length >= maxInFlight) await this.settleHead();
        if (!this.brokerDown) {
          this.inFlight.push({ request, outcome: this.send(request.records) });
          this.inFlightEvents += request.records.length;
          continue;
        }
      }
      while (this.inFlight.length) await this.settleHead();
      await this.toSpool(request);
    }
    while (this.inFlight.length) await this.settleHead();
  }

  private async send(records: SpoolRecord[]): Promise<SendOutcome> {
    try {
      await this.connectSender();
      await this.sender.send(records);
      return { ok: true };
    } catch (err) {
      return { ok: false, rejected: this.sender.isRejected(err), err };
    }
  }

  /** One connect() at a time, shared by the requests sent concurrently. */
  private connectSender(): Promise<void> {
    this.connectOnce ??= this.sender.connect().finally(() => {
      this.connectOnce = null;
    });
    return this.connectOnce;
  }

  /** Waits for the oldest request in flight and acts on its outcome (in cut order). */
  private async settleHead(): Promise<void> {
    const head = this.inFlight[0];
    if (!head) return;
    const outcome = await head.outcome;
    this.inFlight.shift();
    const { request } = head;
    const events = request.records.length;
    this.inFlightEvents -= events;
    if (outcome.ok) {
      this.metrics.published.inc({ adapter: 'kafka', via: 'broker' }, events);
      this.settleRequest(request, null);
      return;
    }
    if (outcome.rejected) {
      this.metrics.publishFailures.inc({ adapter: 'kafka', reason: 'rejected' }, events);
      this.settleRequest(request, new BusError('malformed', `kafka rejected the batch: ${describeError(outcome.err)}`, { events }, { cause: outcome.err }));
      return;
    }
    if (!this.brokerDown) {
      this.brokerDown = true;
      this.warn.log('down', 'down', { err: describeError(outcome.err), events }, 'kafka unreachable: spooling to disk until it is back');
    }
    await this.toSpool(request);
    // a fresh producer id once the requests in flight settled (they may still succeed)
    if (this.inFlight.length === 0) await this.sender.drop();
  }

  private async toSpool(request: Request): Promise<void> {
    const events = request.records.length;
    try {
      await this.withSpool(() => this.spool.append(request.records));
      this.metrics.published.inc({ adapter: 'kafka', via: 'spool' }, events);
      this.settleRequest(request, null);
    } catch (err) {
      this.metrics.publishFailures.inc({ adapter: 'kafka', reason: err instanceof BusError && err.code === 'overloaded' ? 'spool_full' : 'spool_error' }, events);
      this.settleRequest(request, err);
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
    const { batchEvents } = this.config.producer;
    let records: SpoolRecord[] = [];
    let batch: Awaited<ReturnType<SegmentSpool['read']>> | null = null;
    try {
      await this.connectSender();
      batch = await this.withSpool(() => this.spool.read(batchEvents, this.requestBytes));
      const limit = this.sender.messageLimit();
      records = limit === null ? batch.records : batch.records.filter((r) => recordBytes(r) + BATCH_OVERHEAD_BYTES <= limit || (this.rejectTooLarge(r, limit), false));
      if (records.length) await this.sender.send(records);
    } catch (err) {
      if (batch && records.length && this.sender.isRejected(err)) {
        // a record the broker will never take would block the spool forever: skip it, loudly
        this.logger.error({ err: describeError(err), events: records.length }, 'kafka rejected spooled events: dropped');
        this.metrics.publishFailures.inc({ adapter: 'kafka', reason: 'rejected' }, records.length);
        const read = batch;
        await this.withSpool(() => this.spool.ack(read.next, read.records.length));
        return 'progress';
      }
      await this.sender.drop();
      this.warn.log('replay', 'replay', { err: describeError(err), spooled: this.spool.depth }, 'kafka still unreachable; spool kept');
      return 'failed';
    }
    const read = batch;
    return this.withSpool(async () => {
      if (read.records.length) {
        await this.spool.ack(read.next, read.records.length);
        this.metrics.replayed.inc(records.length);
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

  private limit: number | null = null;
  /** One request at a time, none after a failed one until drop() (serial-sends.ts says why). */
  private readonly sends = new SerialSends((err) => this.isRejected(err));

  constructor(
    private readonly kafka: Kafka,
    private readonly ensureTopics: () => Promise<void>,
    private readonly config: KafkaBusConfig,
    private readonly readLimit: () => Promise<number>,
  ) {}

  async connect(): Promise<void> {
    await this.ensureConnected();
  }

  messageLimit(): number | null {
    return this.limit;
  }

  isRejected(err: unknown): boolean {
    return isRejectedByBroker(err);
  }

  async drop(): Promise<void> {
    this.sends.reset();
    await this.dropProducer();
  }

  /**
   * kafkajs does not keep the order of concurrent sendBatch() calls (the crash spec's 3 000
   * events on one partition came back with whole requests swapped), so requests go one at a
   * time (SerialSends); the publisher still cuts and encodes the next while one is in flight.
   */
  send(records: readonly SpoolRecord[]): Promise<void> {
    return this.sends.run(() => this.sendNow(records));
  }

  private async sendNow(records: readonly SpoolRecord[]): Promise<void> {
    const byTopic = new Map<string, { key: string; value: Buffer; headers: Record<string, string> }[]>();
    for (const r of records) {
      const m = { key: r.key, value: r.value, headers: TRUSTED_HEADERS };
      const list = byTopic.get(r.topic);
      if (list) list.push(m);
      else byTopic.set(r.topic, [m]);
    }
    const producer = await this.ensureConnected();
    await producer.sendBatch({
      acks: -1,
      timeout: this.config.producer.requestTimeoutMs,
      compression: KAFKAJS_COMPRESSION[this.config.producer.compression],
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
    this.limit ??= await this.readLimit();
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

/** `bus.kafka.producer.compression` in kafkajs' terms (zstd: the codec kafkajs-zstd.ts registers, imported above). */
const KAFKAJS_COMPRESSION: Record<KafkaBusConfig['producer']['compression'], CompressionTypes> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  zstd: CompressionTypes.ZSTD,
};

/** Every record the publisher sends was encoded from a typed event (event-codec.ts, ADR 0005). */
const TRUSTED_HEADERS: Record<string, string> = Object.freeze({ [TRUSTED_EVENT_HEADER]: TRUSTED_EVENT_HEADER_VALUE }) as Record<string, string>;

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

