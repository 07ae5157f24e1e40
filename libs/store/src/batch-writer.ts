import { randomUUID } from 'node:crypto';
import type { SondeEvent } from '@sonde/events/sonde-event';
import type { EventStore } from './event-store';
import type { StoreMetrics } from './store.metrics';

export interface BatchWriterOptions {
  /** Flush when this many events are buffered. */
  maxEvents: number;
  /** Flush this long after the first event of a batch arrived, ms. */
  lingerMs: number;
  /** Bound on events held (buffer + failed batches awaiting retry); the oldest batches go first. Default 10 × maxEvents. */
  maxPendingEvents?: number;
  /** Told about every failed flush (the batch is kept and retried at the next flush). */
  onFlushError?: (error: unknown, batch: { events: number; token: string }) => void;
  /** Told when batches are dropped to respect maxPendingEvents. */
  onDrop?: (events: number) => void;
  metrics?: StoreMetrics;
}

interface PendingBatch {
  events: SondeEvent[];
  /** Fixed when the batch is cut: a retry sends the same rows under the same token. */
  token: string;
}

/**
 * Accumulates events and inserts them in batches of up to `maxEvents`, at the latest `lingerMs`
 * after the first one. For services that write to the store directly (the event-writer cuts its
 * own batches from Kafka offsets). One flush runs at a time. A batch that fails (after the
 * store's own retries) is kept, with its token, and retried first at the next flush, so a
 * batch that was in fact written before the failure is not written twice.
 */
export class BatchWriter {
  private buffer: SondeEvent[] = [];
  private readonly failed: PendingBatch[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private closed = false;
  private readonly maxPending: number;

  constructor(
    private readonly store: Pick<EventStore, 'insert'>,
    private readonly options: BatchWriterOptions,
  ) {
    this.maxPending = options.maxPendingEvents ?? options.maxEvents * 10;
  }

  /** Events buffered or waiting for a retried flush. */
  get pending(): number {
    return this.buffer.length + this.failed.reduce((n, b) => n + b.events.length, 0);
  }

  write(event: SondeEvent): void {
    if (this.closed) throw new Error('BatchWriter is closed');
    this.buffer.push(event);
    this.options.metrics?.batchPendingEvents.set(this.pending);
    if (this.buffer.length >= this.options.maxEvents) {
      void this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.options.lingerMs);
      this.timer.unref();
    }
  }

  /** Inserts what is pending (failed batches first). Resolves when done; errors go to onFlushError, never here. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    // Chain after a flush in progress, so batches go out in order and one at a time.
    const run = (this.flushing ?? Promise.resolve()).then(() => this.flushNow());
    this.flushing = run.finally(() => {
      if (this.flushing === tracked) this.flushing = undefined;
    });
    const tracked = this.flushing;
    return run;
  }

  /** Flushes and refuses further writes. Events still pending after a failed final flush stay counted in `pending`. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private async flushNow(): Promise<void> {
    while (this.buffer.length > 0) {
      this.failed.push({ events: this.buffer.splice(0, this.options.maxEvents), token: randomUUID() });
    }
    this.enforceBound();
    while (this.failed.length > 0) {
      const batch = this.failed[0] as PendingBatch;
      try {
        await this.store.insert(batch.events, { dedupToken: batch.token });
        this.failed.shift();
        this.options.metrics?.batchFlushes.inc({ outcome: 'ok' });
      } catch (err) {
        this.options.metrics?.batchFlushes.inc({ outcome: 'error' });
        this.options.onFlushError?.(err, { events: batch.events.length, token: batch.token });
        break;
      } finally {
        this.options.metrics?.batchPendingEvents.set(this.pending);
      }
    }
  }

  private enforceBound(): void {
    let dropped = 0;
    while (this.failed.length > 1 && this.pending > this.maxPending) {
      dropped += (this.failed.shift() as PendingBatch).events.length;
    }
    if (dropped > 0) {
      this.options.metrics?.batchDroppedEvents.inc(dropped);
      this.options.onDrop?.(dropped);
    }
  }
}
