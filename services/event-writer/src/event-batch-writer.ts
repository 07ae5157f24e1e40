import type { EventBatch } from '@sonde/bus/event-bus';
import type { EventKind } from '@sonde/events/event-kind';
import { SondeError } from '@sonde/events/sonde-error';
import type { EventStore } from '@sonde/store/event-store';
import { batchRows, type TableRows } from '@sonde/store/rows/event-rows';
import { coverToken } from './cover-token';
import type { EventWriterMetrics } from './event-writer.metrics';
import { FillWaitBatcher, type BatcherClock, type FillWaitOptions } from './fill-wait-batcher';

export interface EventBatchWriterOptions {
  onError?: (err: unknown, batches: readonly EventBatch[]) => void;
  /**
   * When inserts are made (fill-wait-batcher.ts). Default `{ maxRows: 1, maxWaitMs: 0 }`: every
   * batch at once, alone unless others arrived while an insert ran; the service passes
   * `eventWriter.insert`.
   */
  insert?: FillWaitOptions;
  clock?: BatcherClock;
}

/** A bus batch waiting for its insert, with its rows already built. */
interface Waiting {
  batch: EventBatch;
  tables: TableRows[];
}

/**
 * Stores bus batches. Effectively-once from Kafka to ClickHouse (design.md §4, §6): the bus
 * commits a batch only after `write` resolved, i.e. after the insert covering it did.
 *
 * Batches handed in while an insert runs or while the fill wait lasts (`insert.maxWaitMs`, see
 * FillWaitBatcher) go into one insert per table, so under load a table gets about one insert
 * per maxWaitMs whatever the number of partitions. Its dedup token is derived from the tokens of
 * the batches it covers (cover-token.ts). A batch the bus marks `redelivered` (resumed after a
 * crash or rebalance, or offered again after a failed attempt) may have been stored by an
 * insert covering other batches, under another token: its events already in their table are
 * left out of the insert and counted as `events_deduplicated`, and the ids left out go into the
 * token, so an insert of different content never carries a token used before.
 *
 * One insert attempt per flush, not retried by the store: a failure rejects every batch it
 * covered, handing them back to the bus, which offers them again with backoff
 * (`bus.handlerRetryInitialMs`…`MaxMs`) while keeping the group membership — the one retry
 * layer of an insert (ARCHITECTURE.md, delivery).
 */
export class EventBatchWriter {
  private healthy = true;
  private lastError: string | undefined;
  private readonly batcher: FillWaitBatcher<Waiting>;

  constructor(
    private readonly store: EventStore,
    private readonly metrics: EventWriterMetrics,
    private readonly options: EventBatchWriterOptions = {},
  ) {
    this.batcher = new FillWaitBatcher(options.insert ?? { maxRows: 1, maxWaitMs: 0 }, (items, sending) => this.flush(items, sending), options.clock);
  }

  async write(batch: EventBatch): Promise<void> {
    if (batch.invalid > 0 && !batch.redelivered) this.metrics.invalidDropped.inc(batch.invalid);
    if (batch.events.length === 0) return;
    // the rows are built while the batch waits; one clock reading per batch (received_at of
    // events without one): a batch keeps its rows across the attempts of this process
    const tables = batchRows(batch.events, Date.now());
    let rows = 0;
    for (const t of tables) rows += t.rows.length;
    this.metrics.pendingBatches.inc();
    try {
      await this.batcher.add({ batch, tables }, rows);
    } finally {
      this.metrics.pendingBatches.dec();
    }
  }

  /** Shutting down: insert what waits now, and every later batch at once (no fill wait). */
  drain(): void {
    this.batcher.drain();
  }

  private async flush(items: Waiting[], sending: () => void): Promise<void> {
    // a stable order: the same batches make the same insert whatever order they came in
    items.sort((a, b) => (a.batch.dedupToken < b.batch.dedupToken ? -1 : a.batch.dedupToken > b.batch.dedupToken ? 1 : 0));
    const batches = items.map((i) => i.batch);
    let stored: ReadonlySet<string> = new Set();
    try {
      const redelivered = items.filter((i) => i.batch.redelivered).flatMap((i) => i.tables);
      if (redelivered.length) stored = await this.store.storedEventIds(redelivered);
      const tables = mergeTables(items, stored);
      const token = coverToken(
        batches.map((b) => b.dedupToken),
        stored,
      );
      sending();
      if (tables.length) await this.store.insertTableRows(tables, { dedupToken: token, retry: false });
      if (tables.length) {
        this.metrics.flushes.inc();
        this.metrics.flushRows.inc(tables.reduce((n, t) => n + t.rows.length, 0));
      }
    } catch (err) {
      this.healthy = false;
      this.lastError = err instanceof Error ? err.message : String(err);
      this.metrics.insertFailures.inc({ code: err instanceof SondeError ? err.code : 'internal' });
      this.metrics.batchesReturned.inc(batches.length);
      this.options.onError?.(err, batches);
      throw err;
    }
    this.healthy = true;
    this.lastError = undefined;
    this.metrics.batchesWritten.inc(batches.length);
    this.metrics.lastWriteTimestamp.set(Date.now() / 1000);
    const written = new Map<EventKind, number>();
    const deduplicated = new Map<EventKind, number>();
    for (const b of batches) {
      for (const e of b.events) {
        const counts = stored.has(e.id.toLowerCase()) ? deduplicated : written;
        counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
      }
    }
    for (const [kind, n] of written) this.metrics.eventsWritten.inc({ kind }, n);
    for (const [kind, n] of deduplicated) this.metrics.eventsDeduplicated.inc({ kind }, n);
  }

  /** Not healthy while the last insert attempt failed: readiness reports the store error. */
  status(): { ok: boolean; detail: string } {
    return this.healthy ? { ok: true, detail: 'last insert succeeded' } : { ok: false, detail: `insert failing: ${this.lastError}` };
  }
}

/** One row set per table, tables in first-seen order, batches in the given order; stored events left out. */
function mergeTables(items: readonly Waiting[], stored: ReadonlySet<string>): TableRows[] {
  const byTable = new Map<string, TableRows>();
  for (const { tables } of items) {
    for (const { table, rows } of tables) {
      let acc = byTable.get(table);
      if (!acc) byTable.set(table, (acc = { table, rows: [] }));
      if (stored.size === 0) for (const r of rows) acc.rows.push(r);
      else for (const r of rows) if (!stored.has(String(r.id).toLowerCase())) acc.rows.push(r);
    }
  }
  return [...byTable.values()].filter((t) => t.rows.length > 0);
}
