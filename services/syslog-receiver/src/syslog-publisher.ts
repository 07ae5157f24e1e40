import type { EventBus } from '@sonde/bus/event-bus';
import type { SondeEvent } from '@sonde/events/sonde-event';
import type { WarnSink } from '@sonde/telemetry/rate-limited-log';
import type { SyslogCounts } from './syslog-receiver.metrics';

export interface SyslogPublisherOptions {
  maxEvents: number;
  maxWaitMs: number;
  maxPendingEvents: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Hands events to the bus, two ways (design.md §6 delivery contract):
 *
 * - `enqueue` (UDP, best effort): events are batched (maxEvents / maxWaitMs) and published one
 *   batch at a time, in order. Past `maxPendingEvents` waiting, new events are dropped and counted
 *   (`bus_backlog`); a batch the bus rejects (spool full) is dropped and counted (`bus_rejected`).
 * - `publish` (TCP/TLS, nothing read is lost): resolves only once the bus accepted the events,
 *   retrying with backoff while it refuses; the caller keeps its socket paused meanwhile, so the
 *   sender is slowed down by TCP flow control instead of losing messages.
 */
export class SyslogPublisher {
  private pending: SondeEvent[] = [];
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;
  /** last time a bus failure was logged (one line per 10 s, the counters carry the rest) */
  private lastFailureLog = 0;

  constructor(
    private readonly bus: EventBus,
    private readonly counts: SyslogCounts,
    private readonly options: SyslogPublisherOptions,
    private readonly log: WarnSink,
  ) {}

  get pendingEvents(): number {
    return this.pending.length;
  }

  enqueue(event: SondeEvent): void {
    if (this.pending.length >= this.options.maxPendingEvents) {
      this.counts.dropped('bus_backlog', 'publish');
      return;
    }
    this.pending.push(event);
    if (this.flushing) return;
    if (this.pending.length >= this.options.maxEvents) this.kick();
    else this.timer ??= setTimeout(() => this.kick(), this.options.maxWaitMs);
  }

  /** Publishes until the bus accepts (TCP/TLS). Rejects only when stopping. */
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

  /**
   * Shutdown with a bus that keeps refusing: TCP/TLS retries give up, and what they held is
   * counted as dropped (`shutdown`) instead of blocking the process from exiting.
   */
  abandonRetries(): void {
    this.stopping = true;
  }

  /** Publishes what is pending (shutdown). */
  async drain(): Promise<void> {
    this.stopping = true;
    while (this.flushing || this.pending.length) {
      if (!this.flushing) this.kick();
      await this.flushing;
    }
  }

  private kick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.flushing || this.pending.length === 0) return;
    this.flushing = this.flushLoop().finally(() => {
      this.flushing = undefined;
    });
  }

  private async flushLoop(): Promise<void> {
    // while one batch is in flight the next one accumulates: batches grow with the load
    while (this.pending.length) {
      const batch = this.pending.length <= this.options.maxEvents ? this.pending : this.pending.slice(0, this.options.maxEvents);
      this.pending = batch === this.pending ? [] : this.pending.slice(batch.length);
      try {
        await this.bus.publish(batch);
        this.counts.published(batch.length);
      } catch (err) {
        this.counts.dropped('bus_rejected', 'publish', batch.length);
        this.failed(err, batch.length, 'dropped (UDP)');
      }
    }
  }

  private failed(err: unknown, n: number, outcome: string): void {
    const now = Date.now();
    if (now - this.lastFailureLog < 10_000) return;
    this.lastFailureLog = now;
    this.log.warn({ err: err instanceof Error ? err.message : String(err), events: n, outcome }, `event bus refused ${n} syslog events: ${outcome}`);
  }
}
