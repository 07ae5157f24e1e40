import { Counter, Gauge, type Registry } from 'prom-client';

export class EventWriterMetrics {
  readonly eventsWritten: Counter<'kind'>;
  readonly eventsDeduplicated: Counter<'kind'>;
  readonly batchesWritten: Counter;
  readonly insertFailures: Counter<'code'>;
  readonly batchesReturned: Counter;
  readonly invalidDropped: Counter;
  readonly lastWriteTimestamp: Gauge;
  readonly flushes: Counter;
  readonly flushRows: Counter;
  readonly pendingBatches: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    this.eventsWritten = new Counter({
      name: 'sonde_event_writer_events_written_total',
      help: 'Events stored as new rows, by kind (a redelivered batch ClickHouse dropped is not counted here)',
      labelNames: ['kind'],
      registers,
    });
    this.eventsDeduplicated = new Counter({
      name: 'sonde_event_writer_events_deduplicated_total',
      help: 'Events of redelivered batches that were stored already (ClickHouse dropped the insert by its dedup token), by kind',
      labelNames: ['kind'],
      registers,
    });
    this.batchesWritten = new Counter({ name: 'sonde_event_writer_batches_written_total', help: 'Batches stored', registers });
    this.insertFailures = new Counter({
      name: 'sonde_event_writer_insert_failures_total',
      help: 'Failed insert attempts, by StoreError code (the bus redelivers the batch)',
      labelNames: ['code'],
      registers,
    });
    this.batchesReturned = new Counter({
      name: 'sonde_event_writer_batches_returned_total',
      help: 'Batches handed back to the bus for redelivery after a failed insert',
      registers,
    });
    this.invalidDropped = new Counter({
      name: 'sonde_event_writer_dropped_total',
      help: 'Messages dropped because they did not decode as events (reason=invalid, stage=decode)',
      registers,
    });
    this.lastWriteTimestamp = new Gauge({
      name: 'sonde_event_writer_last_write_timestamp_seconds',
      help: 'When the last batch was stored',
      registers,
    });
    this.flushes = new Counter({
      name: 'sonde_event_writer_flushes_total',
      help: 'Flushes that inserted rows: each is one INSERT per table it touched, covering every bus batch that was waiting',
      registers,
    });
    this.flushRows = new Counter({ name: 'sonde_event_writer_flush_rows_total', help: 'Rows inserted by the flushes (all tables)', registers });
    this.pendingBatches = new Gauge({
      name: 'sonde_event_writer_pending_batches',
      help: 'Bus batches waiting for the next flush (their partitions wait with them: nothing is committed before the insert)',
      registers,
    });
  }
}
