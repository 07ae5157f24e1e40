import { z } from 'zod';

/** Retention of each table, in days (ClickHouse `TTL ts + INTERVAL N DAY`). */
const ttlDays = z.number().int().min(1).max(36500);

export const STORE_TYPES = ['chdb', 'clickhouse'] as const;
export type StoreType = (typeof STORE_TYPES)[number];

/**
 * The `store:` section of the config file. Every field has a default, so an empty section is
 * valid and means embedded chDB under `/var/lib/sonde/chdb`. `clickhouse.password` is a plain
 * string here: libs/inventory resolves `env:`/`file:` secret references before this parses.
 */
export const storeConfigSchema = z
  .object({
    type: z.enum(STORE_TYPES).default('chdb'),
    database: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier')
      .default('sonde'),
    chdb: z
      .object({
        /**
         * Data folder of the embedded engine (one per process: chDB binds one path per process).
         * Absolute by default (never the working directory); `sonde up` puts it in its --data folder.
         */
        path: z.string().min(1).default('/var/lib/sonde/chdb'),
      })
      .strict()
      .prefault({}),
    clickhouse: z
      .object({
        url: z.url().default('http://127.0.0.1:8123'),
        username: z.string().min(1).default('default'),
        password: z.string().default(''),
        /** Per HTTP request, ms. */
        requestTimeoutMs: z.number().int().min(100).default(30_000),
        maxOpenConnections: z.number().int().min(1).default(10),
      })
      .strict()
      .prefault({}),
    /** Transient failures (server down, timeouts, too many parts) are retried with exponential backoff. */
    retry: z
      .object({
        /** Retries after the first attempt (0 = fail at once). */
        retries: z.number().int().min(0).max(100).default(5),
        initialBackoffMs: z.number().int().min(0).default(200),
        maxBackoffMs: z.number().int().min(0).default(10_000),
      })
      .strict()
      .prefault({}),
    ttlDays: z
      .object({
        icmpProbe: ttlDays.default(30),
        snmpMetric: ttlDays.default(30),
        snmpTrap: ttlDays.default(90),
        syslogMessage: ttlDays.default(30),
        rmonSample: ttlDays.default(30),
        alertState: ttlDays.default(365),
        rollup1m: ttlDays.default(90),
        rollup1h: ttlDays.default(730),
        icmpRollup1m: ttlDays.default(90),
        icmpRollup1h: ttlDays.default(730),
        /** A device not seen for this long leaves the `devices` table. */
        devices: ttlDays.default(365),
      })
      .strict()
      .prefault({}),
    /** The batching writer (services that write directly; the event-writer cuts its own batches). */
    batch: z
      .object({
        maxEvents: z.number().int().min(1).default(5000),
        lingerMs: z.number().int().min(0).default(1000),
      })
      .strict()
      .prefault({}),
    /**
     * Window of remembered insert tokens per table (`non_replicated_deduplication_window`):
     * a retried batch is dropped if its token is among the last N inserts of that table.
     */
    dedupWindow: z.number().int().min(1).default(1000),
  })
  .strict();

export type StoreConfig = z.infer<typeof storeConfigSchema>;
export type StoreConfigInput = z.input<typeof storeConfigSchema>;
