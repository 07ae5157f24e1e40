import { z } from 'zod';
import { EVENT_FAMILIES } from '@sonde/events/event-kind';

/** The `eventWriter:` section of the config file. */
export const eventWriterConfigSchema = z
  .object({
    /** Consumer group: writer replicas share the partitions. */
    group: z.string().min(1).default('sonde-event-writer'),
    families: z.array(z.enum(EVENT_FAMILIES)).min(1).default([...EVENT_FAMILIES]),
    maxBatchEvents: z.number().int().positive().default(5000),
    maxBatchWaitMs: z.number().int().positive().default(1000),
    /**
     * Kafka fetch size per partition for the writer's consumer: a batch is cut from what was
     * fetched, and the bus default (1 MiB, ~600 metric events) made every insert ~6 000 rows.
     * 8 MiB holds a full batch of 5 000 events; chDB spends about half the CPU per row on
     * 50 000-row inserts that it does on 7 000-row ones (bench/store/RESULTS.md).
     */
    maxBytesPerPartition: z.number().int().positive().default(8 * 1024 * 1024),
    /**
     * When inserts are made (fill-wait-batcher.ts): the bus batches of all partitions that
     * arrive within `maxWaitMs` of the previous insert's start go into one insert per table, so
     * under load a table gets one insert per maxWaitMs (ClickHouse: about one per second), and a
     * batch after a quiet spell is inserted at once. `maxRows` pending start an insert at once
     * (memory bound). The partitions' batches wait with them: nothing is committed before the insert.
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
    maxBatchEvents: 5000,
    maxBatchWaitMs: 1000,
    maxBytesPerPartition: 8 * 1024 * 1024,
    insert: { maxRows: 250_000, maxWaitMs: 1000 },
    subscribeRetryInitialMs: 1000,
    subscribeRetryMaxMs: 30_000,
  });

export type EventWriterConfig = z.infer<typeof eventWriterConfigSchema>;
