import type { EventBus } from '@sonde/bus/event-bus';
import type { SondeEvent } from '@sonde/events/sonde-event';
import { RateLimitedLog, type WarnSink } from '@sonde/telemetry/rate-limited-log';
import type { CollectorCounts } from './collector-counts';

export interface EventPublisherOptions {
  /** events per `EventBus.publish` call at most */
  maxEvents: number;
  /** how long a best-effort batch may wait to fill; 0 = publish on the next turn of the event loop */
  maxWaitMs: number;
  /** best-effort events waiting (queued or in flight) beyond which new ones are dropped (`bus-full`) */
  maxPendingEvents: number;
}

/** Called once per best-effort event: true once the bus accepted it, false when it was dropped. */
export type OnSettled = (accepted: boolean) => void;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * The one way a collector hands events to the bus (design.md §6 delivery contract), two modes:
 *
 * - `enqueue` — best effort (UDP datagrams, poll results): batched (`maxEvents` / `maxWaitMs`),
 *   in order, one batch in flight at a time — or, once a full batch (maxEvents) waits, as many
 *   as the bus takes at once without reordering them (`EventBus.orderedPublishCalls`: the Kafka
 *   bus, one per producer request in flight): one call at a time caps a receiver at maxEvents
 *   per linger + broker round trip. The queue is bounded: past `maxPendingEvents` a new
 *   event is dropped and counted (`bus-full`); a batch the bus refuses (spool full) is dropped and
 *   counted (`bus-rejected`). An optional `onSettled` per event says which of the two happened —
 *   an inform is acknowledged only once its event was accepted (ARCHITECTURE.md).
 * - `publish` — awaited (TCP/TLS syslog: nothing read is lost): resolves only once the bus
 *   accepted the events, retrying with backoff while it refuses; the caller keeps its input paused
 *   meanwhile (backpressure). Rejects only after `abandonRetries()` (shutdown), counting `shutdown`.
 *
 * - `offer` — awaited once (a poll cycle): resolves true once the bus accepted the events, false
 *   when it refused them (counted `bus-rejected`); no retry — the caller's next cycle is the retry,
 *   and awaiting it keeps a slow bus from being polled into (the scheduler skips, and counts).
 *
 * Every event handed to any mode is counted exactly once: `published`, or `dropped{stage=publish}`.
 */
export class EventPublisher {
  private queue: SondeEvent[] = [];
  /** best-effort events handed to bus.publish() and not settled yet */
  private inFlight = 0;
  private readonly waiting = new Map<SondeEvent, OnSettled>();
  /** best-effort batches in flight, at most `calls` */
  private readonly batches = new Set<Promise<void>>();
  /** publish() calls the bus takes at once in order (EventBus.orderedPublishCalls) */
  private readonly calls: number;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private stopping = false;
  private readonly failures: RateLimitedLog;

  constructor(
    private readonly bus: Pick<EventBus, 'publish' | 'orderedPublishCalls'>,
    private readonly counts: Pick<CollectorCounts, 'published' | 'dropped'>,
    private readonly options: EventPublisherOptions,
    log: WarnSink,
  ) {
    // a refusing bus is one condition, not one line per batch (style.md: never log per item)
    this.failures = new RateLimitedLog(log, { intervalMs: 10_000 });
    this.calls = Math.max(1, Math.floor(bus.orderedPublishCalls ?? 1));
  }

  /** Best-effort events queued or in flight. */
  get pendingEvents(): number {
    return this.queue.length + this.inFlight;
  }

  /** Queues one event (best effort). False when it was dropped at once (queue full, or stopped). */
  enqueue(event: SondeEvent, onSettled?: OnSettled): boolean {
    if (this.queue.length + this.inFlight >= this.options.maxPendingEvents) {
      this.counts.dropped('bus-full', 'publish');
      onSettled?.(false);
      return false;
    }
    this.queue.push(event);
    if (onSettled) this.waiting.set(event, onSettled);
    if (this.batches.size > 0) {
      // a settling batch sends what accumulated; only a full one goes out beside those in flight
      if (this.queue.length >= this.options.maxEvents && this.batches.size < this.calls) this.send();
      return true;
    }
    if (this.queue.length >= this.options.maxEvents) this.kick();
    else if (this.options.maxWaitMs <= 0) this.immediate ??= setImmediate(() => this.kick());
    else this.timer ??= setTimeout(() => this.kick(), this.options.maxWaitMs);
    return true;
  }

  /** Publishes until the bus accepts (awaited mode). Rejects only once retries were abandoned. */
  async publish(events: readonly SondeEvent[]): Promise<void> {
    if (events.length === 0) return;
    for (let delay = 50; ; delay = Math.min(delay * 2, 5000)) {
      try {
        await this.bus.publish(events);
        this.counts.published(events.length);
        return;
      } catch (err) {
        this.failed(err, events.length, 'retrying');
        if (this.stopping) {
          this.counts.dropped('shutdown', 'publish', events.length);
          throw err;
        }
        await sleep(delay);
      }
    }
  }

  /** Publishes once and awaits the bus (poll cycles): true when accepted, false (counted) when refused. */
  async offer(events: readonly SondeEvent[]): Promise<boolean> {
    if (events.length === 0) return true;
    try {
      await this.bus.publish(events);
      this.counts.published(events.length);
      return true;
    } catch (err) {
      this.counts.dropped('bus-rejected', 'publish', events.length);
      this.failed(err, events.length, 'dropped');
      return false;
    }
  }

  /** Shutdown with a bus that keeps refusing: awaited publishes give up and count `shutdown`. */
  abandonRetries(): void {
    this.stopping = true;
  }

  /** Publishes everything queued (best effort); resolves when nothing is left (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.batches.size || this.queue.length) {
      this.kick();
      await Promise.all([...this.batches]);
    }
    this.failures.flush();
  }

  private kick(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = this.immediate = undefined;
    if (this.queue.length && this.batches.size === 0) this.send();
    while (this.queue.length >= this.options.maxEvents && this.batches.size < this.calls) this.send();
  }

  /**
   * Hands the head of the queue to the bus. A batch short of maxEvents goes only when nothing is
   * in flight (while one is, the next accumulates: batches grow with the load, and a moderate
   * load does not turn into many small calls, each with its own overhead); full batches go
   * beside it up to the slots the bus has. Calls start in queue order, and the bus keeps the
   * order of the calls it takes at once (EventBus.orderedPublishCalls), so events reach it in
   * the order they were enqueued. A bus that takes one call at a time gets one.
   */
  private send(): void {
    const max = this.options.maxEvents;
    const batch = this.queue.length <= max ? this.queue : this.queue.slice(0, max);
    this.queue = batch === this.queue ? [] : this.queue.slice(batch.length);
    const n = batch.length;
    this.inFlight += n;
    // Only the count is kept while the call is in flight, and the events themselves only when
    // one of them has an onSettled: the Kafka bus encodes them inside publish() and then waits
    // for the broker's ack, and holding them that long made them survive young-generation GCs
    // (copied, then promoted) — on the receivers' hot path (bench/syslog/RESULTS.md, 2026-12-02).
    const settle = this.waiting.size > 0 ? batch : undefined;
    let call: Promise<void>;
    try {
      call = this.bus.publish(batch);
    } catch (err) {
      call = Promise.reject(err);
    }
    const done: Promise<void> = this.publishBatch(call, n, settle).then(() => {
      this.batches.delete(done);
      this.inFlight -= n;
      if (this.queue.length) this.kick();
    });
    this.batches.add(done);
  }

  /** Never rejects: a refused batch is counted (bus-rejected) and reported to its onSettled. */
  private async publishBatch(call: Promise<void>, n: number, settle: readonly SondeEvent[] | undefined): Promise<void> {
    let accepted = true;
    try {
      await call;
      this.counts.published(n);
    } catch (err) {
      accepted = false;
      this.counts.dropped('bus-rejected', 'publish', n);
      this.failed(err, n, 'dropped');
    }
    if (settle) this.settle(settle, accepted);
  }

  private settle(batch: readonly SondeEvent[], accepted: boolean): void {
    for (const e of batch) {
      const cb = this.waiting.get(e);
      if (!cb) continue;
      this.waiting.delete(e);
      cb(accepted);
    }
  }

  private failed(err: unknown, n: number, outcome: string): void {
    this.failures.log('bus', outcome, { err: err instanceof Error ? err.message : String(err), events: n, outcome }, `event bus refused ${n} events: ${outcome}`);
  }
}
