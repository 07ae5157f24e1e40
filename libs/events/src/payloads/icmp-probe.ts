import { z } from 'zod';

export const reachabilitySchema = z.enum(['up', 'down', 'unknown']);
export type Reachability = z.infer<typeof reachabilitySchema>;

/** One probe cycle of one target (N echo requests), or a reachability transition. */
export const icmpProbePayloadSchema = z.object({
  target: z.string().min(1),
  family: z.union([z.literal(4), z.literal(6)]),
  sent: z.number().int().nonnegative(),
  received: z.number().int().nonnegative(),
  lossPct: z.number().min(0).max(100),
  rttMinMs: z.number().nonnegative().nullable(),
  rttAvgMs: z.number().nonnegative().nullable(),
  rttMaxMs: z.number().nonnegative().nullable(),
  rttStddevMs: z.number().nonnegative().nullable(),
  /** ICMP errors attributed to this target: e.g. { "unreachable:1": 3, "ttl-exceeded": 1 } */
  errors: z.record(z.string(), z.number().int().nonnegative()).default({}),
  reachability: reachabilitySchema,
  /** Set only on the event that reports a change of reachability. */
  transition: z.object({ from: reachabilitySchema, to: reachabilitySchema }).optional(),
});
export type IcmpProbePayload = z.infer<typeof icmpProbePayloadSchema>;
