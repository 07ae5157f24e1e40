import { z } from 'zod';

/**
 * The `rmonCollector:` section of the config file; every field has a default. The engine
 * settings (interval, timeouts, sockets, concurrency) mean what they mean in `snmpPoller:` —
 * both run on libs/snmp/src/poll.
 */
const rmonCollectorSectionSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Poll interval of a probe; etherStats rates and new history buckets are computed per interval. */
  intervalMs: z.number().int().min(1000).default(60_000),
  jitter: z.number().min(0).max(0.5).default(0.05),
  lateAfterMs: z.number().int().min(0).default(1000),
  timeoutMs: z.number().int().min(50).default(2000),
  retries: z.number().int().min(0).max(10).default(2),
  backoff: z.number().min(1).max(4).default(1.5),
  maxRepetitions: z.number().int().min(1).max(1000).default(25),
  bulkVarbindBudget: z.number().int().min(1).max(2000).default(60),
  maxVarbindsPerWalk: z.number().int().min(1).default(100_000),
  concurrency: z
    .strictObject({ perDevice: z.number().int().min(1).default(2), overall: z.number().int().min(1).default(256) })
    .default({ perDevice: 2, overall: 256 }),
  sockets: z
    .strictObject({
      shared: z.number().int().min(0).max(64).default(4),
      recvBufferBytes: z.number().int().min(65536).default(4 * 1024 * 1024),
      maxOpenSessions: z.number().int().min(1).default(20_000),
    })
    .default({ shared: 4, recvBufferBytes: 4 * 1024 * 1024, maxOpenSessions: 20_000 }),
  maxSamplesPerEvent: z.number().int().min(10).default(2000),
  /** A rate is not computed across a gap longer than this many intervals. */
  maxGapIntervals: z.number().min(1).default(3),
  /**
   * RMON groups read from every probe: statistics (etherStats + HC), history (control, buckets,
   * HC buckets), alarm (alarm, event and log tables), rmon2 (probeCapabilities, protocol
   * distribution, hosts, matrix — best effort). A group the agent lacks is reported once as
   * "not supported" (rmon_supported 0), never as an error per cycle.
   */
  groups: z.array(z.enum(['statistics', 'history', 'alarm', 'rmon2'])).min(1).default(['statistics', 'history', 'alarm', 'rmon2']),
  /** Which devices are probes: those with an `snmp:` block matching a rule here (first match wins); none = every SNMP device. */
  targets: z
    .array(
      z.strictObject({
        devices: z.array(z.string().min(1)).default([]),
        tags: z.array(z.string().min(1)).default([]),
        intervalMs: z.number().int().min(1000).optional(),
        enabled: z.boolean().optional(),
      }),
    )
    .default([]),
});

export const rmonCollectorConfigSchema = rmonCollectorSectionSchema.default(() => rmonCollectorSectionSchema.parse({}));
export type RmonCollectorConfig = z.infer<typeof rmonCollectorConfigSchema>;
export type RmonGroupName = RmonCollectorConfig['groups'][number];
