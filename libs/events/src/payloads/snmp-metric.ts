import { z } from 'zod';
import { metricSampleSchema } from './metric-sample';

/**
 * Samples of one poll of one metric group on one device. Batched per group so 48 interfaces
 * × 10 counters is one event, not 480; the store writes one row per sample. Poll status
 * (reachable, response time, version used) is published as `snmp_poll_*` samples.
 */
export const snmpMetricPayloadSchema = z.object({
  group: z.string().min(1),
  samples: z.array(metricSampleSchema),
});
export type SnmpMetricPayload = z.infer<typeof snmpMetricPayloadSchema>;
