import { z } from 'zod';

export const STATE_TYPES = ['memory', 'redis'] as const;

/**
 * The `state:` section. `memory` is the embedded default (`sonde up`, one process); `redis`
 * is for deployments where replicas share alert state, the notification log and leases.
 */
export const stateConfigSchema = z.strictObject({
  type: z.enum(STATE_TYPES).default('memory'),
  redis: z
    .strictObject({
      /** redis://[user:password@]host:port[/db] or rediss:// for TLS. Put a password here via SONDE_STATE__REDIS__URL. */
      url: z.string().regex(/^rediss?:\/\//, { error: 'expected a redis:// or rediss:// URL' }).default('redis://127.0.0.1:6379'),
      /** Prepended to every key, so several deployments can share one Redis. */
      keyPrefix: z.string().default('sonde:'),
      connectTimeoutMs: z.number().int().min(1).default(5000),
      /** Retries of one command while reconnecting before it fails with StateError('unavailable'). */
      maxRetriesPerRequest: z.number().int().min(0).default(2),
    })
    .prefault({}),
  memory: z
    .strictObject({
      /** How often expired keys are swept (they are also dropped when read). */
      sweepIntervalMs: z.number().int().min(1).default(1000),
      /** At most this many keys examined per sweep, so a sweep never stalls the event loop. */
      sweepBatch: z.number().int().min(1).default(1000),
    })
    .prefault({}),
});

export type StateConfig = z.infer<typeof stateConfigSchema>;
export type StateConfigInput = z.input<typeof stateConfigSchema>;
