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
     * Insert attempts (each one already retried by the store with backoff) for one batch before giving it back to the bus (which redelivers it
     * with the same dedup token). Backoff doubles from retryBackoffMs up to 30 s.
     */
    insertAttempts: z.number().int().positive().default(3),
    retryBackoffMs: z.number().int().positive().default(500),
  })
  .default({
    group: 'sonde-event-writer',
    families: [...EVENT_FAMILIES],
    maxBatchEvents: 5000,
    maxBatchWaitMs: 1000,
    insertAttempts: 3,
    retryBackoffMs: 500,
  });

export type EventWriterConfig = z.infer<typeof eventWriterConfigSchema>;
