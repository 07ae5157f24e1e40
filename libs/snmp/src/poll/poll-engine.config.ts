import { z } from 'zod';

/**
 * The settings of the poll engine (PollEngineConfig and target resolution), once for every
 * config section of a service on it: `snmpPoller:` and `rmonCollector:` spread these fields and
 * add their own, so the two sections mean the same by the same names.
 */
export const pollEngineSettings = {
  enabled: z.boolean().default(true),
  /** Poll interval of a device without its own interval (a target rule or `devices[].<section>.intervalMs`). */
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
};

/** One per-target rule (`targets:`): by device id or tag, first match wins. */
export const pollTargetRuleFields = {
  devices: z.array(z.string().min(1)).default([]),
  tags: z.array(z.string().min(1)).default([]),
  intervalMs: z.number().int().min(1000).optional(),
  enabled: z.boolean().optional(),
};
