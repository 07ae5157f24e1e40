import type { EventBatch } from '@sonde/bus/event-bus';
import { SondeError } from '@sonde/events/sonde-error';
import type { EventStore } from '@sonde/store/event-store';
import type { EventWriterMetrics } from './event-writer.metrics';

export interface EventBatchWriterOptions {
  insertAttempts: number;
  retryBackoffMs: number;
  sleep?: (ms: number) => Promise<void>;
  onError?: (err: unknown, batch: EventBatch, attempt: number) => void;
}

const MAX_BACKOFF_MS = 30_000;

/**
 * Stores one bus batch. Effectively-once from Kafka to ClickHouse (design.md §4, §6):
 * the bus commits a batch only after this resolves, and a redelivered batch carries the same
 * dedupToken, which the store passes as insert_deduplication_token — so a crash between the
 * insert and the commit writes nothing twice. Throwing hands the batch back to the bus.
 */
export class EventBatchWriter {
  private readonly sleep: (ms: number) => Promise<void>;
  private healthy = true;
  private lastError: string | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly metrics: EventWriterMetrics,
    private readonly options: EventBatchWriterOptions,
  ) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async write(batch: EventBatch): Promise<void> {
    if (batch.invalid > 0) this.metrics.invalidDropped.inc(batch.invalid);
    if (batch.events.length === 0) return;
    let backoff = this.options.retryBackoffMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.store.insert(batch.events, { dedupToken: batch.dedupToken });
        break;
      } catch (err) {
        this.healthy = false;
        this.lastError = err instanceof Error ? err.message : String(err);
        this.metrics.insertFailures.inc({ code: err instanceof SondeError ? err.code : 'internal' });
        this.options.onError?.(err, batch, attempt);
        if (attempt >= this.options.insertAttempts) {
          this.metrics.batchesReturned.inc();
          throw err;
        }
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
    this.healthy = true;
    this.lastError = undefined;
    this.metrics.batchesWritten.inc();
    this.metrics.lastWriteTimestamp.set(Date.now() / 1000);
    const perKind = new Map<string, number>();
    for (const e of batch.events) perKind.set(e.kind, (perKind.get(e.kind) ?? 0) + 1);
    for (const [kind, n] of perKind) this.metrics.eventsWritten.inc({ kind }, n);
  }

  /** Not healthy while the last insert attempt failed: readiness reports the store error. */
  status(): { ok: boolean; detail: string } {
    return this.healthy ? { ok: true, detail: 'last insert succeeded' } : { ok: false, detail: `insert failing: ${this.lastError}` };
  }
}
