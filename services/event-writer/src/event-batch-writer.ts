import type { EventBatch } from '@sonde/bus/event-bus';
import type { EventKind } from '@sonde/events/event-kind';
import { SondeError } from '@sonde/events/sonde-error';
import type { EventStore } from '@sonde/store/event-store';
import type { EventWriterMetrics } from './event-writer.metrics';

export interface EventBatchWriterOptions {
  onError?: (err: unknown, batch: EventBatch) => void;
}

/**
 * Stores one bus batch. Effectively-once from Kafka to ClickHouse (design.md §4, §6):
 * the bus commits a batch only after this resolves, and a redelivered batch carries the same
 * dedupToken, which the store passes as insert_deduplication_token — so a crash between the
 * insert and the commit writes nothing twice.
 *
 * One insert attempt per call, not retried by the store either: throwing hands the batch back
 * to the bus, which offers it again with backoff (`bus.handlerRetryInitialMs`…`MaxMs`) while
 * keeping the group membership — the one retry layer of an insert (ARCHITECTURE.md, delivery).
 * A batch that may have been stored before (the bus says `redelivered`) is checked first, so
 * `events_written` counts only new rows and `events_deduplicated` what ClickHouse dropped.
 */
export class EventBatchWriter {
  private healthy = true;
  private lastError: string | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly metrics: EventWriterMetrics,
    private readonly options: EventBatchWriterOptions = {},
  ) {}

  async write(batch: EventBatch): Promise<void> {
    if (batch.invalid > 0 && !batch.redelivered) this.metrics.invalidDropped.inc(batch.invalid);
    if (batch.events.length === 0) return;
    let deduplicated: ReadonlySet<EventKind>;
    try {
      const report = await this.store.insert(batch.events, { dedupToken: batch.dedupToken, mayBeRedelivered: batch.redelivered === true, retry: false });
      deduplicated = report.deduplicatedKinds;
    } catch (err) {
      this.healthy = false;
      this.lastError = err instanceof Error ? err.message : String(err);
      this.metrics.insertFailures.inc({ code: err instanceof SondeError ? err.code : 'internal' });
      this.metrics.batchesReturned.inc();
      this.options.onError?.(err, batch);
      throw err;
    }
    this.healthy = true;
    this.lastError = undefined;
    this.metrics.batchesWritten.inc();
    this.metrics.lastWriteTimestamp.set(Date.now() / 1000);
    const perKind = new Map<EventKind, number>();
    for (const e of batch.events) perKind.set(e.kind, (perKind.get(e.kind) ?? 0) + 1);
    for (const [kind, n] of perKind) {
      if (deduplicated.has(kind)) this.metrics.eventsDeduplicated.inc({ kind }, n);
      else this.metrics.eventsWritten.inc({ kind }, n);
    }
  }

  /** Not healthy while the last insert attempt failed: readiness reports the store error. */
  status(): { ok: boolean; detail: string } {
    return this.healthy ? { ok: true, detail: 'last insert succeeded' } : { ok: false, detail: `insert failing: ${this.lastError}` };
  }
}
