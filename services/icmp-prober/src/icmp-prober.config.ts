import { isIP } from 'node:net';
import { z } from 'zod';

/** One address to probe that is not (or not only) in the inventory. */
export const icmpStaticTargetSchema = z.object({
  address: z.string().refine((a) => isIP(a) !== 0, { message: 'must be an IPv4 or IPv6 address' }),
  /** Device id used as the event key; defaults to the address. */
  id: z.string().min(1).optional(),
  name: z.string().optional(),
});

/**
 * The `icmpProber:` section of the config file. Every field has a default: an empty section
 * probes every inventory device address with 5 echo requests a minute.
 */
export const icmpProberConfigSchema = z
  .object({
    /** Start of one cycle to the start of the next, per target. */
    cycleIntervalMs: z.number().int().min(100).default(60_000),
    /** Echo requests per target per cycle (fping -C): loss and jitter need more than one. */
    probesPerCycle: z.number().int().min(1).max(1000).default(5),
    /** Gap between two echo requests to the same target within a cycle (fping -p). */
    probeSpacingMs: z.number().int().min(1).default(1000),
    /** A probe with no reply after this long is lost (fping -t). */
    timeoutMs: z.number().int().min(10).max(60_000).default(1000),
    /** Global send limit over all targets and both families (fping -i, inverted). */
    maxPacketsPerSecond: z.number().int().min(1).max(100_000).default(1000),
    /** ICMP payload bytes (fping -b); at least the 16-byte probe stamp. */
    payloadBytes: z.number().int().min(16).max(1452).default(56),
    /** Failed cycles in a row before a target is declared down. */
    downAfterCycles: z.number().int().min(1).default(3),
    /** Good cycles in a row before a down target is declared up again. */
    upAfterCycles: z.number().int().min(1).default(2),
    /** Probe the address of every inventory device. */
    probeInventory: z.boolean().default(true),
    /** Addresses probed in addition to the inventory's. */
    targets: z.array(icmpStaticTargetSchema).default([]),
    /** Kernel receive buffer per socket: replies to a burst must fit while the loop is busy. */
    socketReceiveBufferBytes: z.number().int().min(65_536).default(4 * 1024 * 1024),
  })
  .superRefine((c, ctx) => {
    const cycleSpan = (c.probesPerCycle - 1) * c.probeSpacingMs + c.timeoutMs;
    if (c.cycleIntervalMs < cycleSpan) {
      ctx.addIssue({
        code: 'custom',
        path: ['cycleIntervalMs'],
        message: `must be at least (probesPerCycle - 1) × probeSpacingMs + timeoutMs = ${cycleSpan} ms so cycles do not overlap`,
      });
    }
    // Replies are matched by the 16-bit echo sequence: what can be in flight must fit in it.
    const inFlight = Math.ceil((c.maxPacketsPerSecond * c.timeoutMs) / 1000);
    if (inFlight > 60_000) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxPacketsPerSecond'],
        message: `× timeoutMs allows ${inFlight} probes in flight; the 16-bit echo sequence space holds 60000`,
      });
    }
  });

export type IcmpProberConfig = z.infer<typeof icmpProberConfigSchema>;
export type IcmpStaticTarget = z.infer<typeof icmpStaticTargetSchema>;
