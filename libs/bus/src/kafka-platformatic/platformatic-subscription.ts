import { ListOffsetTimestamps, MessagesStreamFallbackModes, MessagesStreamModes, type Admin, type Message, type MessagesStream } from '@platformatic/kafka';
import { decodeEvent, decodeTrustedEvent, TRUSTED_EVENT_HEADER, TRUSTED_EVENT_HEADER_VALUE } from '@sonde/events/event-codec';
import type { SondeEvent } from '@sonde/events/sonde-event';
import type { BusConfig } from '../bus.config';
import { RateLimitedLog } from '@sonde/telemetry/rate-limited-log';
import type { BusLogger } from '../bus-logger';
import type { BusMetrics } from '../bus.metrics';
import { deliverBatch } from '../deliver-batch';
import type { EventBatch, SubscribeOptions, Subscription } from '../event-bus';
import { batchToken, cutOffsetBatch, formatBatchIntent, parseBatchIntent } from '../kafka/offset-batch';
import { coPartitionedAssigner } from './co-partitioned-assigner';
import { ownedPartitions } from '../co-partitioned-assignment';
import { baseOptions, GroupOffsets } from './platformatic-client';
import { FencedConsumer } from './fenced-consumer';
import { describeError } from '@sonde/events/describe-error';

/**
 * A fetched message, decoded as it arrived (onMessage) rather than when its batch is cut: the
 * decode then runs while the handler of the partition's previous batch is still busy — for the
 * event-writer, while chDB's engine threads run the insert and this thread would wait — instead
 * of after it, on the path from one insert to the next (bench/store writer rows). The value's
 * bytes stay counted for the buffer's bound; the value itself is not kept.
 */
interface Buffered {
  offset: number;
  /** Bytes of the value (the buffer's memory bound counts these). */
  bytes: number;
  /** The decoded event, or null when the value did not decode (`error`). */
  event: SondeEvent | null;
  /** Why the value did not decode: counted and logged when its batch is cut, so a message fetched again after a rebalance is counted once. */
  error: string | null;
}

interface PartitionState {
  topic: string;
  partition: number;
  /** Assignment epoch (FencedConsumer.assignmentEpoch) this state was fed under. */
  epoch: number;
  /** Committed position and intent are loaded (until then messages wait in `buffer`). */
  loaded: boolean;
  /** The committed position: first offset of the next batch (null: nothing committed yet). */
  start: number | null;
  /** `last` of a batch handed out but not completed (from the commit metadata). */
  intentLast: number | null;
  /** intentLast was read from the group's commit (another member's batch): it may have been handled. */
  resumed: boolean;
  /** End of the partition when the intent was read (a compacted tail may never reach `last`). */
  highWatermark: number;
  buffer: Buffered[];
  /** Bytes of the values in `buffer`. */
  bytes: number;
  nextOffset: number;
  /** A commit of `start` failed (coordinator away): retried before the next cut. */
  commitPending?: boolean;
  /** Something arrived or changed since this partition's loop last found nothing to cut. */
  wanted: boolean;
}

type Msg = Message<Buffer, Buffer, Buffer, Buffer>;

/**
 * One consumer-group member on @platformatic/kafka, with the behaviour of
 * kafka/kafka-subscription.ts: manual commits only after the handler resolved, deterministic
 * batches with a commit-metadata intent (offset-batch.ts). The stream starts each assigned
 * partition at the group's committed offset (earliest without one) and restarts from it after
 * every rebalance; the adapter buffers per partition and cuts batches from what one fetch gave.
 */
export class PlatformaticSubscription implements Subscription {
  private readonly consumer: FencedConsumer;
  private readonly offsets: GroupOffsets;
  private stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | null = null;
  private readonly states = new Map<string, PartitionState>();
  private closing = false;
  private abandoned = false;
  private closed: Promise<void> | null = null;
  private worker: Promise<void> = Promise.resolve();
  private wake: (() => void) | null = null;
  /** Something changed since the worker last looked (new messages, a loaded partition). */
  private dirty = false;
  /** The partitions being handled now (one loop each, handlePartition), by key; at most partitionsConsumedConcurrently. */
  private readonly active = new Map<string, Promise<void>>();
  private readonly concurrency: number;
  private pausedForBuffer = false;
  /** Messages and value bytes in the states' buffers, kept as they change (onMessage is per message: no sum over the partitions there). */
  private bufferedEvents = 0;
  private bufferedBytes = 0;
  /** Messages the stream had queued (not yet emitted) at the last join: fetched before it, dropped. */
  private queuedBeforeJoin = 0;
  private readonly maxBatchEvents: number;
  private readonly labels: { adapter: string; group: string };
  private readonly warn: RateLimitedLog;

  constructor(
    admin: Admin,
    private readonly topics: string[],
    private readonly options: SubscribeOptions,
    private readonly busConfig: BusConfig,
    private readonly metrics: BusMetrics,
    private readonly logger: BusLogger,
    private readonly onClosed: () => void = () => undefined,
  ) {
    const c = busConfig.kafka.consumer;
    this.maxBatchEvents = options.maxBatchEvents ?? c.maxBatchEvents;
    this.concurrency = options.partitionsConsumedConcurrently ?? c.partitionsConsumedConcurrently;
    this.labels = { adapter: 'kafka', group: options.group };
    this.warn = new RateLimitedLog(logger, { intervalMs: 10_000 });
    this.consumer = new FencedConsumer({
      ...baseOptions(busConfig.kafka),
      retries: 10,
      retryDelay: 300,
      groupId: options.group,
      ...(c.groupInstanceId === undefined ? {} : { groupInstanceId: c.groupInstanceId }),
      autocommit: false,
      sessionTimeout: c.sessionTimeoutMs,
      heartbeatInterval: c.heartbeatIntervalMs,
      rebalanceTimeout: c.rebalanceTimeoutMs,
      minBytes: c.minBytes,
      maxBytes: c.maxBytesPerFetch,
      maxBytesPerPartition: this.options.maxBytesPerPartition ?? c.maxBytesPerPartition,
      maxWaitTime: options.maxBatchWaitMs ?? c.maxBatchWaitMs,
      // a device's events of every family to one member (co-partitioned-assignment.ts)
      partitionAssigner: coPartitionedAssigner,
    });
    this.offsets = new GroupOffsets(this.consumer, admin, busConfig.kafka.clientId);
    // a new generation may have moved partitions: forget what was buffered, reload commits.
    // Registered before consume() creates the stream, so this runs before the stream's own join
    // handler reloads its positions: every fetch asked until now is answered empty
    // (fenced-consumer.ts), and what the stream already queued is dropped as it comes out.
    this.consumer.on('consumer:group:join', (payload: { assignments?: { partitions: number[] }[] | null }) => {
      this.consumer.assignmentEpoch++;
      this.queuedBeforeJoin = this.stream?.readableLength ?? 0;
      // the stream's reload takes the committed offset where there is one and keeps its own
      // position where there is none (messages-stream.js #assignOffsets, l. 1032): a partition
      // nothing was committed on yet would go on past what was buffered here and is now forgotten.
      // Without positions it falls back to the earliest offset, as a new member does.
      this.stream?.offsetsToFetch.clear();
      this.states.clear();
      this.bufferedEvents = 0;
      this.bufferedBytes = 0;
      this.resumeIfPaused();
      options.onAssignment?.(ownedPartitions((payload?.assignments ?? []).map((a) => a.partitions)));
    });
  }

  async start(): Promise<void> {
    const c = this.busConfig.kafka.consumer;
    const stream = await this.consumer.consume({
      topics: this.topics,
      mode: MessagesStreamModes.COMMITTED,
      fallbackMode: MessagesStreamFallbackModes.EARLIEST,
      autocommit: false,
      minBytes: c.minBytes,
      maxBytes: c.maxBytesPerFetch,
      maxBytesPerPartition: this.options.maxBytesPerPartition ?? c.maxBytesPerPartition,
      maxWaitTime: this.options.maxBatchWaitMs ?? c.maxBatchWaitMs,
    });
    this.stream = stream;
    stream.on('data', (m: Msg) => this.onMessage(m));
    stream.on('error', (err: unknown) => this.warn.log('stream', 'stream', { group: this.options.group, err: describeError(err) }, 'kafka consumer stream error'));
    this.worker = this.run();
  }

  /** Stops after the batch in flight completed and was committed. */
  close(): Promise<void> {
    this.closing = true;
    this.wake?.();
    this.closed ??= (async () => {
      await this.worker;
      await this.stream?.close().catch(() => undefined);
      await this.closeConsumer();
      await this.offsets.close();
    })().finally(this.onClosed);
    return this.closed;
  }

  /**
   * Consumer.close() leaves the group first; when that fails (e.g. mid-rebalance) it keeps the
   * member alive — still heartbeating, still owning partitions, sockets open. Retry until it
   * has really closed.
   */
  private async closeConsumer(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.consumer.close(attempt > 1);
        return;
      } catch (err) {
        this.warn.log('close', 'close', { group: this.options.group, attempt, err: describeError(err) }, 'kafka consumer close failed; retrying');
        if (attempt >= 20) throw err;
        await new Promise((r) => setTimeout(r, Math.min(100 * attempt, 1_000)));
      }
    }
  }

  /** Test hook for crash tests: stops without completing or committing the batch in flight. */
  abandon(): Promise<void> {
    this.abandoned = true;
    return this.close();
  }

  private onMessage(m: Msg): void {
    if (this.closing) return;
    if (this.queuedBeforeJoin > 0) {
      // fetched under the previous assignment and positions (the stream emits in push order)
      this.queuedBeforeJoin--;
      return;
    }
    const key = `${m.topic}/${m.partition}`;
    const epoch = this.consumer.assignmentEpoch;
    let state = this.states.get(key);
    if (!state || state.epoch !== epoch) {
      state = { topic: m.topic, partition: m.partition, epoch, loaded: false, start: null, intentLast: null, resumed: false, highWatermark: Number.MAX_SAFE_INTEGER, buffer: [], bytes: 0, nextOffset: 0, wanted: true };
      this.states.set(key, state);
      void this.load(key, state);
    }
    const offset = Number(m.offset);
    if (offset < state.nextOffset || (state.start !== null && offset < state.start)) return;
    const bytes = m.value?.length ?? 0;
    state.buffer.push(decodeMessage(m, offset, bytes));
    state.bytes += bytes;
    this.bufferedEvents++;
    this.bufferedBytes += bytes;
    state.nextOffset = offset + 1;
    state.wanted = true;
    if (!this.pausedForBuffer && this.overBuffered(1)) {
      this.pausedForBuffer = true;
      this.stream?.pause();
    }
    this.signal();
  }

  private async load(key: string, state: PartitionState): Promise<void> {
    for (let attempt = 0; !this.closing && this.states.get(key) === state; attempt++) {
      try {
        const committed = await this.offsets.fetch(state.topic, state.partition);
        state.start = committed ? committed.offset : null;
        state.intentLast = committed ? parseBatchIntent(committed.metadata) : null;
        state.resumed = state.intentLast !== null;
        if (state.intentLast !== null) {
          const ends = await this.consumer.listOffsets({ topics: [state.topic], partitions: { [state.topic]: [state.partition] }, timestamp: ListOffsetTimestamps.LATEST });
          state.highWatermark = Number(ends.get(state.topic)?.[state.partition] ?? BigInt(Number.MAX_SAFE_INTEGER));
          this.logger.info({ group: this.options.group, topic: state.topic, partition: state.partition, first: state.start, last: state.intentLast }, 'resuming an unfinished batch');
        }
        if (state.start !== null) {
          const from = state.start;
          const kept = state.buffer.filter((m) => m.offset >= from);
          const bytes = kept.reduce((n, m) => n + m.bytes, 0);
          this.unbuffer(state, state.buffer.length - kept.length, state.bytes - bytes);
          state.buffer = kept;
          state.bytes = bytes;
        }
        state.loaded = true;
        state.wanted = true;
        this.signal();
        return;
      } catch (err) {
        this.warn.log(`load:${key}`, `load:${key}`, { group: this.options.group, key, err: describeError(err) }, 'cannot read the committed offset; retrying');
        await new Promise((r) => setTimeout(r, Math.min(200 * 2 ** attempt, 5_000)));
      }
    }
  }

  private signal(): void {
    this.dirty = true;
    const wake = this.wake;
    if (!wake) return;
    this.wake = null;
    // after the current fetch response has been pushed: a batch takes what one fetch gave
    setImmediate(wake);
  }

  /** Messages leave a state's buffer: counted off the totals unless a rebalance already dropped that state (and reset them). */
  private unbuffer(state: PartitionState, events: number, bytes: number): void {
    if (this.states.get(`${state.topic}/${state.partition}`) !== state) return;
    this.bufferedEvents -= events;
    this.bufferedBytes -= bytes;
  }

  /** Buffered events or bytes (all partitions) above `share` of their limits (bufferLimit). */
  private overBuffered(share: number): boolean {
    return this.bufferedEvents > this.bufferLimit() * share || this.bufferedBytes > 2 * this.busConfig.kafka.consumer.maxBytesPerFetch * share;
  }

  /**
   * Events buffered (all partitions) above which the stream is paused: room for a full batch of
   * every partition handled at once and as many behind them, so a consumer that takes all its
   * partitions together (the event-writer) gets full batches; 4 batches at least. Whatever the
   * count, it also pauses above twice `kafka.consumer.maxBytesPerFetch` of buffered values
   * (100 MiB by default): the memory bound when batches are large (the writer's 20 000).
   */
  private bufferLimit(): number {
    return this.maxBatchEvents * Math.max(4, 2 * Math.min(this.states.size, this.concurrency)) + 10_000;
  }

  private resumeIfPaused(): void {
    if (this.pausedForBuffer && !this.overBuffered(0.5)) {
      this.pausedForBuffer = false;
      this.stream?.resume();
    }
  }

  /**
   * Hands the partitions' batches out: each partition with something to cut gets a loop of its
   * own (handlePartition), up to partitionsConsumedConcurrently at once, so one partition's
   * commit round trip or slow handler does not hold up the others, and a partition that was
   * loaded or got messages while others were being handled starts at once rather than after
   * them (a handler grouping concurrent batches, the event-writer, then gets all of them in one
   * insert). Order is kept within a partition: one loop per partition key, never two.
   */
  private async run(): Promise<void> {
    while (!this.closing) {
      this.dirty = false;
      for (const [key, state] of this.states) {
        if (this.active.size >= this.concurrency) break;
        if (!state.loaded || !state.wanted || this.active.has(key)) continue;
        const loop = this.handlePartition(key, state).finally(() => {
          this.active.delete(key);
          this.signal();
        });
        this.active.set(key, loop);
      }
      this.resumeIfPaused();
      if (!this.dirty && !this.closing) await new Promise<void>((resolve) => (this.wake = resolve));
    }
    await Promise.all(this.active.values());
  }

  /** Cuts and delivers the batches of one partition until it has nothing more to cut (or is gone). */
  private async handlePartition(key: string, state: PartitionState): Promise<void> {
    while (!this.closing && this.states.get(key) === state) {
      state.wanted = false;
      const progressed = await this.handleSafely(key, state);
      this.resumeIfPaused();
      if (!progressed && !state.wanted) return;
    }
  }

  /** handleOne, with a failed commit turned into a reload of the partition. */
  private async handleSafely(key: string, state: PartitionState): Promise<boolean> {
    if (this.closing || this.states.get(key) !== state) return false;
    try {
      return await this.handleOne(key, state);
    } catch (err) {
      // a failed commit (broker or coordinator away): keep what is buffered and commit again
      // before the next cut. Dropping the state lost messages: the stream does not refetch
      // from the committed offset without a group join (a rebalance clears the states itself),
      // so the buffered range became a hole and the partition waited forever
      // (kafka-spool.int-spec, broker outage on this client).
      this.warn.log(`commit:${key}`, `commit:${key}`, { group: this.options.group, key, err: describeError(err) }, 'kafka commit failed; retrying');
      state.commitPending = true;
      await new Promise((r) => setTimeout(r, 200));
      state.wanted = true;
      return false;
    }
  }

  /** Cuts and delivers one batch of a partition; false when there was none to cut. */
  private async handleOne(key: string, state: PartitionState): Promise<boolean> {
    state.start ??= state.buffer[0]?.offset ?? null;
    if (state.start === null) return false;
    if (state.commitPending) {
      // intentLast is null here (it is set only after a commit succeeded): completing what was
      // delivered, or re-stating nothing, is the same commit of `start`
      await this.offsets.commit(state.topic, state.partition, state.start, null);
      state.commitPending = false;
    }
    const cut = cutOffsetBatch(state.buffer, state.start, state.intentLast, this.maxBatchEvents, state.highWatermark);
    if (!cut) return false;
    if (state.intentLast === null) {
      await this.offsets.commit(state.topic, state.partition, cut.first, formatBatchIntent(cut.last));
      state.intentLast = cut.last;
    }
    const batch = this.toEventBatch(state.topic, state.partition, cut.first, cut.last, cut.messages);
    if (state.resumed) batch.redelivered = true;
    const delivered = await deliverBatch(batch, this.options.handler, {
      initialBackoffMs: this.busConfig.handlerRetryInitialMs,
      maxBackoffMs: this.busConfig.handlerRetryMaxMs,
      // the client heartbeats on its own; a rebalance replaces the state (join event)
      shouldStop: () => this.closing || this.abandoned || this.states.get(key) !== state,
      onFailure: (err, attempt) => {
        this.metrics.handlerFailures.inc(this.labels);
        if (attempt === 1 || attempt % 10 === 0) {
          this.logger.warn({ err, group: this.options.group, dedupToken: batch.dedupToken, attempt }, 'batch handler failed; redelivering the same batch');
        }
      },
    });
    if (!delivered || this.abandoned || (this.states.get(key) !== state && !this.closing)) return false;
    state.buffer.splice(0, cut.messages.length);
    let cutBytes = 0;
    for (const m of cut.messages) cutBytes += m.bytes;
    this.unbuffer(state, cut.messages.length, cutBytes);
    state.bytes -= cutBytes;
    state.start = cut.last + 1;
    state.intentLast = null;
    state.resumed = false;
    // one commit completes this batch and states the intent of the next one, when it can be
    // cut already (offset-batch.ts): the same end state as two commits, half the round trips
    const next = this.closing ? null : cutOffsetBatch(state.buffer, state.start, null, this.maxBatchEvents, state.highWatermark);
    await this.offsets.commit(state.topic, state.partition, state.start, next ? formatBatchIntent(next.last) : null);
    if (next) state.intentLast = next.last;
    this.metrics.consumerBatches.inc(this.labels);
    this.metrics.consumedEvents.inc(this.labels, batch.events.length);
    return true;
  }

  private toEventBatch(topic: string, partition: number, first: number, last: number, messages: Buffered[]): EventBatch {
    const events: SondeEvent[] = [];
    let invalid = 0;
    for (const m of messages) {
      if (m.event) {
        events.push(m.event);
        continue;
      }
      invalid++;
      this.warn.log(`invalid:${topic}/${partition}`, `invalid:${topic}/${partition}`, { err: m.error, topic, partition, offset: m.offset }, 'invalid message on the bus: skipped');
    }
    if (invalid) this.metrics.invalidMessages.inc({ adapter: 'kafka', source: `${topic}/${partition}` }, invalid);
    return { source: `${topic}/${partition}`, partition, dedupToken: batchToken(topic, partition, first, last), events, invalid };
  }
}

/** A fetched record as it waits in a partition's buffer: decoded now (Buffered). */
function decodeMessage(m: Msg, offset: number, bytes: number): Buffered {
  try {
    const event = (isTrusted(m) ? decodeTrustedEvent : decodeEvent)(m.value ?? '', { topic: m.topic, partition: m.partition, offset });
    return { offset, bytes, event, error: null };
  } catch (err) {
    return { offset, bytes, event: null, error: (err as Error).message };
  }
}

/** The record carries TRUSTED_EVENT_HEADER (headers arrive as Buffers: the Map cannot be looked up by content). */
function isTrusted(m: Msg): boolean {
  for (const [k, v] of m.headers) if (k.toString() === TRUSTED_EVENT_HEADER) return v.toString() === TRUSTED_EVENT_HEADER_VALUE;
  return false;
}
