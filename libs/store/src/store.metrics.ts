import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Every metric the store lib exposes (`sonde_store_*`). */
export class StoreMetrics {
  /** Rows acknowledged by ClickHouse, per table (a deduplicated retry still counts: the server does not say). */
  readonly rowsInserted: Counter<'table'>;
  /** Inserts that failed for good (after retries), per table and StoreError code. */
  readonly insertErrors: Counter<'table' | 'code'>;
  /** Transient failures that were retried, per table (`query` for selects and DDL). */
  readonly retries: Counter<'table'>;
  /** Wall time of one insert including retries, per table. */
  readonly insertDuration: Histogram<'table'>;
  /** Inserts sent without their dedup token because the server does not know the setting (ClickHouse < 22.2). */
  readonly dedupTokenUnsupported: Counter<'table'>;
  /** Batching writer: flushes by outcome, events waiting, events dropped because the pending bound was hit. */
  readonly batchFlushes: Counter<'outcome'>;
  readonly batchPendingEvents: Gauge;
  readonly batchDroppedEvents: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.rowsInserted = new Counter({
      name: 'sonde_store_rows_inserted_total',
      help: 'Rows inserted into ClickHouse, per table',
      labelNames: ['table'],
      registers,
    });
    this.insertErrors = new Counter({
      name: 'sonde_store_insert_errors_total',
      help: 'Inserts that failed after retries, per table and error code (auth, not-found, unavailable, malformed)',
      labelNames: ['table', 'code'],
      registers,
    });
    this.retries = new Counter({
      name: 'sonde_store_retries_total',
      help: 'Transient ClickHouse failures retried with backoff, per table',
      labelNames: ['table'],
      registers,
    });
    this.insertDuration = new Histogram({
      name: 'sonde_store_insert_duration_seconds',
      help: 'Time to insert one batch into one table, retries included',
      labelNames: ['table'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.dedupTokenUnsupported = new Counter({
      name: 'sonde_store_dedup_token_unsupported_total',
      help: 'Inserts whose dedup token the server cannot honour (no insert_deduplication_token setting)',
      labelNames: ['table'],
      registers,
    });
    this.batchFlushes = new Counter({
      name: 'sonde_store_batch_flushes_total',
      help: 'Batching writer flushes by outcome (ok, error)',
      labelNames: ['outcome'],
      registers,
    });
    this.batchPendingEvents = new Gauge({
      name: 'sonde_store_batch_pending_events',
      help: 'Events buffered or awaiting a retried flush in the batching writer',
      registers,
    });
    this.batchDroppedEvents = new Counter({
      name: 'sonde_store_batch_dropped_events_total',
      help: 'Events the batching writer dropped because its pending bound was reached while ClickHouse failed',
      registers,
    });
  }
}
