import { z } from 'zod';

/**
 * One long-format sample, like an OpenTelemetry/Prometheus point: Grafana queries any metric
 * the same way. `type` tells how `value` was obtained: a gauge as read, a raw counter as read,
 * or a rate computed from two counter readings.
 */
export const metricSampleSchema = z.object({
  name: z.string().min(1),
  labels: z.record(z.string(), z.string()),
  value: z.number().refine(Number.isFinite, 'must be a finite number'),
  unit: z.string().default(''),
  type: z.enum(['gauge', 'counter', 'rate', 'status']).default('gauge'),
});
export type MetricSample = z.infer<typeof metricSampleSchema>;
