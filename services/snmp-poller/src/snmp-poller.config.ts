import { z } from 'zod';
import { metricGroupSchema, profileSchema } from '@sonde/snmp/poll/metric-group';

const DEFAULT_GROUPS = ['system', 'interfaces', 'host-resources', 'host-cpu', 'host-storage'];

const snmpPollerSectionSchema = z.strictObject({
    enabled: z.boolean().default(true),
    /** Poll interval of a device without its own `devices[].snmpPoller.intervalMs`. */
    intervalMs: z.number().int().min(1000).default(60_000),
    /** Random extra delay per cycle, as a fraction of the interval (on top of a stable per-device phase). */
    jitter: z.number().min(0).max(0.5).default(0.05),
    /** A cycle starting later than this past its due time counts as late. */
    lateAfterMs: z.number().int().min(0).default(1000),
    timeoutMs: z.number().int().min(50).default(2000),
    retries: z.number().int().min(0).max(10).default(2),
    /** Each retry waits timeout × backoff^n. */
    backoff: z.number().min(1).max(4).default(1.5),
    maxRepetitions: z.number().int().min(1).max(1000).default(25),
    /** Varbinds asked per GETBULK when several columns are walked together. */
    bulkVarbindBudget: z.number().int().min(1).max(2000).default(60),
    maxVarbindsPerWalk: z.number().int().min(1).default(100_000),
    concurrency: z
      .strictObject({
        perDevice: z.number().int().min(1).default(2),
        overall: z.number().int().min(1).default(256),
      })
      .default({ perDevice: 2, overall: 256 }),
    sockets: z
      .strictObject({
        /** Real UDP sockets shared by all sessions (per address family); 0 = one per session. */
        shared: z.number().int().min(0).max(64).default(4),
        recvBufferBytes: z.number().int().min(65536).default(4 * 1024 * 1024),
        maxOpenSessions: z.number().int().min(1).default(20_000),
      })
      .default({ shared: 4, recvBufferBytes: 4 * 1024 * 1024, maxOpenSessions: 20_000 }),
    /**
     * A group with more samples is split into several events (a 500-port switch's interfaces
     * group is ~12 000 samples; Kafka's default message limit is 1 MB). ~130 bytes per sample.
     */
    maxSamplesPerEvent: z.number().int().min(10).default(2000),
    /** A rate is not computed across a gap longer than this many intervals. */
    maxGapIntervals: z.number().min(1).default(3),
    /** Metric groups beside the built-in `system`, `interfaces`, `host-resources`; same name = replace. */
    groups: z.array(metricGroupSchema).default([]),
    /** Chosen by sysObjectID prefix; no match = `defaultGroups`. */
    profiles: z.array(profileSchema).default([]),
    defaultGroups: z.array(z.string().min(1)).min(1).default(DEFAULT_GROUPS),
    /**
     * Per-target settings by device id or tag (first match wins; `devices[].snmpPoller:` on a
     * device, when the process loads that device section, takes precedence).
     */
    targets: z
      .array(
        z.strictObject({
          devices: z.array(z.string().min(1)).default([]),
          tags: z.array(z.string().min(1)).default([]),
          intervalMs: z.number().int().min(1000).optional(),
          profile: z.string().min(1).optional(),
          enabled: z.boolean().optional(),
        }),
      )
      .default([]),
});

/** The `snmpPoller:` section of the config file; every field has a default. */
export const snmpPollerConfigSchema = snmpPollerSectionSchema.default(() => snmpPollerSectionSchema.parse({}));

export type SnmpPollerConfig = z.infer<typeof snmpPollerConfigSchema>;

/** `devices[].snmpPoller:` — per-target overrides. */
export const deviceSnmpPollerSchema = z.strictObject({
  intervalMs: z.number().int().min(1000).optional(),
  /** Force a profile instead of choosing by sysObjectID. */
  profile: z.string().min(1).optional(),
  enabled: z.boolean().default(true),
});
export type DeviceSnmpPoller = z.infer<typeof deviceSnmpPollerSchema>;
