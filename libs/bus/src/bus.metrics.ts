import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * Every counter the bus exposes (sonde_bus_*). Several bus instances may share one registry
 * (tests, the standalone app): a metric already registered there is reused.
 */
export class BusMetrics {
  /** Events accepted by publish(): acknowledged by the broker, queued in memory, or spooled. */
  readonly published: Counter<'adapter' | 'via'>;
  /** Events publish() rejected: the caller counts them as dropped. */
  readonly publishFailures: Counter<'adapter' | 'reason'>;
  /** Events sent to the broker from the spool after an outage. */
  readonly replayed: Counter;
  readonly spoolEvents: Gauge;
  readonly spoolBytes: Gauge;
  /** Bytes of spool segments found corrupt on open or replay (lost; see the log). */
  readonly spoolCorruptBytes: Counter;
  readonly consumerBatches: Counter<'adapter' | 'group'>;
  readonly consumedEvents: Counter<'adapter' | 'group'>;
  readonly handlerFailures: Counter<'adapter' | 'group'>;
  /** Messages that failed to decode: counted, skipped, their offsets committed with the batch. */
  readonly invalidMessages: Counter<'adapter' | 'source'>;
  readonly memoryQueueEvents: Gauge<'group'>;
  readonly memoryQueueDrops: Counter<'group'>;

  constructor(registry: Registry) {
    const counter = <L extends string>(name: string, help: string, labelNames: L[] = []): Counter<L> =>
      (registry.getSingleMetric(name) as Counter<L> | undefined) ?? new Counter({ name, help, labelNames, registers: [registry] });
    const gauge = <L extends string>(name: string, help: string, labelNames: L[] = []): Gauge<L> =>
      (registry.getSingleMetric(name) as Gauge<L> | undefined) ?? new Gauge({ name, help, labelNames, registers: [registry] });

    this.published = counter('sonde_bus_published_total', 'Events accepted by publish(), by where they went (broker, spool, queue)', ['adapter', 'via']);
    this.publishFailures = counter('sonde_bus_publish_failures_total', 'Events publish() rejected (counted as dropped by the caller)', ['adapter', 'reason']);
    this.replayed = counter('sonde_bus_spool_replayed_total', 'Spooled events sent to the broker once it was reachable again');
    this.spoolEvents = gauge('sonde_bus_spool_events', 'Events waiting in the local spool');
    this.spoolBytes = gauge('sonde_bus_spool_bytes', 'Bytes of the local spool on disk');
    this.spoolCorruptBytes = counter('sonde_bus_spool_corrupt_bytes_total', 'Spool bytes found corrupt or truncated and skipped');
    this.consumerBatches = counter('sonde_bus_consumer_batches_total', 'Batches handed to subscribers and completed', ['adapter', 'group']);
    this.consumedEvents = counter('sonde_bus_consumed_events_total', 'Events in completed batches', ['adapter', 'group']);
    this.handlerFailures = counter('sonde_bus_handler_failures_total', 'Batch handler calls that threw (the batch is redelivered)', ['adapter', 'group']);
    this.invalidMessages = counter('sonde_bus_invalid_messages_total', 'Messages that failed to decode, skipped', ['adapter', 'source']);
    this.memoryQueueEvents = gauge('sonde_bus_memory_queue_events', 'Events queued for a subscription group (memory adapter)', ['group']);
    this.memoryQueueDrops = counter('sonde_bus_memory_queue_drops_total', 'Events dropped because a group queue stayed full (memory adapter)', ['group']);
  }
}
