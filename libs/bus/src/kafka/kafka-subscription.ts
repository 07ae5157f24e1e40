import { decodeEvent, decodeTrustedEvent, TRUSTED_EVENT_HEADER, TRUSTED_EVENT_HEADER_VALUE } from '@sonde/events/event-codec';
import type { SondeEvent } from '@sonde/events/sonde-event';
import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { BusConfig } from '../bus.config';
import { RateLimitedLog } from '@sonde/telemetry/rate-limited-log';
import type { BusLogger } from '../bus-logger';
import type { BusMetrics } from '../bus.metrics';
import { deliverBatch } from '../deliver-batch';
import type { EventBatch, SubscribeOptions, Subscription } from '../event-bus';
import { busPartitionAssigners } from './co-partitioned-assigner';
// the zstd codec kafkajs lacks, to read batches written with compression: zstd (by any client)
import './kafkajs-zstd';
import { ownedPartitions } from '../co-partitioned-assignment';
import { batchToken, cutOffsetBatch, formatBatchIntent, parseBatchIntent } from './offset-batch';

interface Buffered {
  offset: number;
  value: Buffer | null;
  /** Written by a Sonde producer (TRUSTED_EVENT_HEADER): envelope check instead of full validation. */
  trusted: boolean;
}

interface PartitionState {
  /** The committed position: first offset of the next batch (null: nothing committed yet). */
  start: number | null;
  /** `last` of a batch handed out but not completed (from the commit metadata). */
  intentLast: number | null;
  /** intentLast was read from the group's commit (another member's batch): it may have been handled. */
  resumed: boolean;
  buffer: Buffered[];
  /** Messages below this were buffered already (a refetch may repeat them). */
  nextOffset: number;
}

const FIRST_RESTART_DELAY_MS = 500;
const MAX_RESTART_DELAY_MS = 10_000;

/**
 * One consumer-group member. Offsets are committed manually and only after the handler
 * resolved; batches are cut deterministically (offset-batch.ts) so a redelivered batch has
 * the same dedupToken `<topic>/<partition>/<first>-<last>` and the same events.
 */
export class KafkaSubscription implements Subscription {
  private readonly consumer: Consumer;
  private readonly states = new Map<string, PartitionState>();
  private closing = false;
  private abandoned = false;
  private closed: Promise<void> | null = null;
  private readonly maxBatchEvents: number;
  private readonly labels: { adapter: string; group: string };
  private readonly warn: RateLimitedLog;
  private restartTimer: NodeJS.Timeout | null = null;
  private restartDelayMs = FIRST_RESTART_DELAY_MS;

  constructor(
    kafka: Kafka,
    private readonly admin: Admin,
    private readonly topics: string[],
    private readonly options: SubscribeOptions,
    private readonly busConfig: BusConfig,
    private readonly metrics: BusMetrics,
    private readonly logger: BusLogger,
    private readonly onClosed: () => void = () => undefined,
  ) {
    const c = busConfig.kafka.consumer;
    this.maxBatchEvents = options.maxBatchEvents ?? c.maxBatchEvents;
    this.labels = { adapter: 'kafka', group: options.group };
    this.warn = new RateLimitedLog(logger, { intervalMs: 10_000 });
    this.consumer = kafka.consumer({
      groupId: options.group,
      sessionTimeout: c.sessionTimeoutMs,
      heartbeatInterval: c.heartbeatIntervalMs,
      rebalanceTimeout: c.rebalanceTimeoutMs,
      minBytes: c.minBytes,
      maxBytesPerPartition: options.maxBytesPerPartition ?? c.maxBytesPerPartition,
      maxBytes: c.maxBytesPerFetch,
      maxWaitTimeInMs: options.maxBatchWaitMs ?? c.maxBatchWaitMs,
      allowAutoTopicCreation: false,
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 5_000 },
      // a device's events of every family to one member (co-partitioned-assignment.ts)
      partitionAssigners: busPartitionAssigners,
    });
    // a new generation may have moved partitions: forget what was buffered, reload commits
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      this.states.clear();
      this.restartDelayMs = FIRST_RESTART_DELAY_MS;
      options.onAssignment?.(ownedPartitions(Object.values(payload.memberAssignment)));
    });
    this.consumer.on(this.consumer.events.CRASH, (e) => this.onCrash(e.payload.error, e.payload.restart));
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.topics, fromBeginning: true });
    await this.run();
  }

  private run(): Promise<void> {
    return this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? this.busConfig.kafka.consumer.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  /**
   * kafkajs restarts a crashed consumer only after a retriable error. A non-retriable one
   * leaves it stopped for good — the group member is gone and nothing is consumed again —
   * and the commonest is KafkaJSGroupCoordinatorNotFound: a broker that just started (or
   * moved __consumer_offsets) answers COORDINATOR_NOT_AVAILABLE for longer than the
   * client's retries. A subscription lives as long as its process, so it rejoins itself,
   * with backoff, until closed.
   */
  private onCrash(error: Error, restartedByKafkajs: boolean): void {
    if (restartedByKafkajs || this.closing) {
      this.warn.log('crash', 'crash', { group: this.options.group, err: String(error) }, 'kafka consumer crashed; kafkajs restarts it');
      return;
    }
    const delay = Math.min(this.restartDelayMs, MAX_RESTART_DELAY_MS);
    this.restartDelayMs = delay * 2;
    this.warn.log('crash', 'crash', { group: this.options.group, err: String(error), retryInMs: delay }, 'kafka consumer stopped on a non-retriable error; rejoining the group');
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.closing) return;
      this.consumer
        .connect()
        .then(() => this.run())
        // a failed connect crashes nothing (no CRASH event): try again later
        .catch((err: unknown) => this.onCrash(err as Error, false));
    }, delay);
  }

  /** Stops after the batch in flight completed and was committed. */
  close(): Promise<void> {
    this.closing = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    this.closed ??= this.consumer.disconnect().finally(this.onClosed);
    return this.closed;
  }

  /**
   * Test hook for crash tests: stops like a process killed mid-batch would — the batch in
   * flight is neither completed nor committed, so the group redelivers it.
   */
  abandon(): Promise<void> {
    this.abandoned = true;
    return this.close();
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const key = `${batch.topic}/${batch.partition}`;
    try {
      let state = this.states.get(key);
      if (!state) {
        state = await this.loadState(batch.topic, batch.partition);
        this.states.set(key, state);
      }
      for (const m of batch.messages) {
        const offset = Number(m.offset);
        if (offset < state.nextOffset || (state.start !== null && offset < state.start)) continue;
        state.buffer.push({ offset, value: m.value, trusted: String(m.headers?.[TRUSTED_EVENT_HEADER] ?? '') === TRUSTED_EVENT_HEADER_VALUE });
        state.nextOffset = offset + 1;
      }
      // let kafkajs fetch past what is buffered; nothing is committed until handled
      if (batch.messages.length) payload.resolveOffset(batch.lastOffset());
      await this.handleBuffered(payload, state, Number(batch.highWatermark));
    } catch (err) {
      this.states.delete(key);
      throw err;
    }
  }

  private async handleBuffered(payload: EachBatchPayload, state: PartitionState, highWatermark: number): Promise<void> {
    const { topic, partition } = payload.batch;
    while (!this.closing && payload.isRunning() && !payload.isStale()) {
      // nothing committed yet: the group starts at the first message it was given
      state.start ??= state.buffer[0]?.offset ?? null;
      if (state.start === null) return;
      const cut = cutOffsetBatch(state.buffer, state.start, state.intentLast, this.maxBatchEvents, highWatermark);
      if (!cut) return;
      if (state.intentLast === null) {
        await this.commit(payload, cut.first, formatBatchIntent(cut.last));
        state.intentLast = cut.last;
      }
      const batch = this.toEventBatch(topic, partition, cut.first, cut.last, cut.messages);
      if (state.resumed) batch.redelivered = true;
      let rebalancing = false;
      const delivered = await deliverBatch(batch, this.options.handler, {
        initialBackoffMs: this.busConfig.handlerRetryInitialMs,
        maxBackoffMs: this.busConfig.handlerRetryMaxMs,
        shouldStop: () => this.closing || this.abandoned || rebalancing || !payload.isRunning(),
        onFailure: (err, attempt) => {
          this.metrics.handlerFailures.inc(this.labels);
          if (attempt === 1 || attempt % 10 === 0) {
            this.logger.warn({ err, group: this.options.group, dedupToken: batch.dedupToken, attempt }, 'batch handler failed; redelivering the same batch');
          }
        },
        heartbeat: async () => {
          try {
            await payload.heartbeat();
          } catch (err) {
            rebalancing = true;
            throw err;
          }
        },
        heartbeatIntervalMs: this.busConfig.kafka.consumer.heartbeatIntervalMs,
      });
      if (!delivered || this.abandoned) return;
      state.buffer.splice(0, cut.messages.length);
      state.start = cut.last + 1;
      state.intentLast = null;
      state.resumed = false;
      // one commit completes this batch and states the intent of the next one, when it can be
      // cut already (offset-batch.ts): the same end state as two commits, half the round trips
      const next = this.closing ? null : cutOffsetBatch(state.buffer, state.start, null, this.maxBatchEvents, highWatermark);
      await this.commit(payload, state.start, next ? formatBatchIntent(next.last) : null);
      if (next) state.intentLast = next.last;
      this.metrics.consumerBatches.inc(this.labels);
      this.metrics.consumedEvents.inc(this.labels, batch.events.length);
    }
  }

  private toEventBatch(topic: string, partition: number, first: number, last: number, messages: Buffered[]): EventBatch {
    const events: SondeEvent[] = [];
    let invalid = 0;
    for (const m of messages) {
      try {
        events.push((m.trusted ? decodeTrustedEvent : decodeEvent)(m.value ?? '', { topic, partition, offset: m.offset }));
      } catch (err) {
        invalid++;
        this.warn.log(`invalid:${topic}/${partition}`, `invalid:${topic}/${partition}`, { err: (err as Error).message, topic, partition, offset: m.offset }, 'invalid message on the bus: skipped');
      }
    }
    if (invalid) this.metrics.invalidMessages.inc({ adapter: 'kafka', source: `${topic}/${partition}` }, invalid);
    return { source: `${topic}/${partition}`, partition, dedupToken: batchToken(topic, partition, first, last), events, invalid };
  }

  private async commit(payload: EachBatchPayload, offset: number, metadata: string | null): Promise<void> {
    const { topic, partition } = payload.batch;
    // kafkajs' types omit `metadata`, but its OffsetCommit request sends it (requests/offsetCommit/v*)
    const partitions = [{ partition, offset: String(offset), metadata }];
    await payload.commitOffsetsIfNecessary({ topics: [{ topic, partitions }] });
  }

  private async loadState(topic: string, partition: number): Promise<PartitionState> {
    const committed = await this.admin.fetchOffsets({ groupId: this.options.group, topics: [topic] });
    const p = committed.find((t) => t.topic === topic)?.partitions.find((x) => x.partition === partition);
    const offset = p ? Number(p.offset) : -1;
    const start = offset >= 0 ? offset : null;
    const intentLast = start === null ? null : parseBatchIntent(p?.metadata);
    if (intentLast !== null) this.logger.info({ group: this.options.group, topic, partition, first: start, last: intentLast }, 'resuming an unfinished batch');
    return { start, intentLast, resumed: intentLast !== null, buffer: [], nextOffset: start ?? 0 };
  }
}
