import { z } from 'zod';

export const alertStateSchema = z.enum(['pending', 'firing', 'resolved']);

export const alertStatePayloadSchema = z.object({
  ruleId: z.string().min(1),
  ruleName: z.string().min(1),
  state: alertStateSchema,
  severity: z.enum(['info', 'warning', 'critical']),
  /** Stable per (rule, device, labels): the dedupe key of notifications. */
  fingerprint: z.string().min(1),
  since: z.number().int().nonnegative(),
  summary: z.string(),
  labels: z.record(z.string(), z.string()).default({}),
  value: z.number().optional(),
});
export type AlertStatePayload = z.infer<typeof alertStatePayloadSchema>;
