import { z } from 'zod';
import { EVENT_FAMILIES } from '@sonde/events/event-kind';

/** The `eventWriter:` section of the config file. */
export const eventWriterConfigSchema = z
  .object({
    /** Consumer group: writer replicas share the partitions. */
    group: z.string().min(1).default('sonde-event-writer'),
    families: z.array(z.enum(EVENT_FAMILIES)).min(1).default([...EVENT_FAMILIES]),
    /**
     * Events per bus batch, per partition. A partition has one batch in flight, and a batch
     * waits for the next insert (one per `insert.maxWaitMs`): so this is also what one partition
     * — one device, since a device's events share a partition, or one syslog relay — can get
     * stored per second. 5 000 capped a single busy source at 5 000 events/s
     * (bench/pipeline/RESULTS.md, 2026-12-03); 20 000 is a 20 MB batch of 1 KB events.
     */
    maxBatchEvents: z.number().int().positive().default(20_000),
    maxBatchWaitMs: z.number().int().positive().default(1000),
    /**
     * Kafka fetch size per partition for the writer's consumer: a batch is cut from what was
     * fetched, and the bus default (1 MiB, ~600 metric events) made every insert ~6 000 rows.
     * 32 MiB holds a full batch of 20 000 events; chDB spends about half the CPU per row on
     * 50 000-row inserts that it does on 7 000-row ones (bench/store/RESULTS.md). A fetch
     * brings at most `bus.kafka.consumer.maxBytesPerFetch` (50 MiB) over all partitions.
     */
    maxBytesPerPartition: z.number().int().positive().default(32 * 1024 * 1024),
    /**
     * Partitions whose batches the writer holds at once (Kafka; the bus default is 6): every
     * partition it owns, so that all of them share each insert. With the bus default, 4
     * families × 6 partitions took turns, six at a time, each turn waiting for an insert of its
     * own: a third of the rows per insert and the writer behind at 20 000 events/s
     * (bench/pipeline/RESULTS.md, 2026-12-03). Set it at least to families × partitions per
     * replica; one more costs nothing. Memory on @platformatic/kafka: the consumer pauses its
     * fetches above 2 batches (maxBatchEvents) per partition held, or above 2 ×
     * `bus.kafka.consumer.maxBytesPerFetch` (100 MiB) of buffered values; on kafkajs a partition
     * holds what one fetch brought (maxBytesPerPartition).
     */
    partitionsConsumedConcurrently: z.number().int().positive().default(64),
    /**
     * When inserts are made (fill-wait-batcher.ts): the bus batches of all partitions that
     * arrive within `maxWaitMs` of the previous insert's start go into one insert per table, so
     * under load a table gets one insert per maxWaitMs (ClickHouse: about one per second) and
     * never more, and a batch after a quiet spell is inserted at once. `maxRows` pending start
     * an insert as soon as maxWaitMs allows, without waiting for the partitions an insert just
     * released. The partitions' batches wait with them: nothing is committed before the insert,
     * and a partition has one batch pending at most (memory: partitions × maxBatchEvents).
     */
    insert: z
      .object({
        maxRows: z.number().int().positive().default(250_000),
        maxWaitMs: z.number().int().nonnegative().default(1000),
      })
      .default({ maxRows: 250_000, maxWaitMs: 1000 }),
    /** Subscribing while the broker is unreachable (boot before Kafka, an outage): retried, doubling up to the max; not ready meanwhile. */
    subscribeRetryInitialMs: z.number().int().positive().default(1000),
    subscribeRetryMaxMs: z.number().int().positive().default(30_000),
  })
  .default({
    group: 'sonde-event-writer',
    families: [...EVENT_FAMILIES],
    maxBatchEvents: 20_000,
    maxBatchWaitMs: 1000,
    maxBytesPerPartition: 32 * 1024 * 1024,
    partitionsConsumedConcurrently: 64,
    insert: { maxRows: 250_000, maxWaitMs: 1000 },
    subscribeRetryInitialMs: 1000,
    subscribeRetryMaxMs: 30_000,
  });

export type EventWriterConfig = z.infer<typeof eventWriterConfigSchema>;
