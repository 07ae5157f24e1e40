import { z } from 'zod';
import { metricSampleSchema } from './metric-sample';

/** Samples read from one RMON table (etherStats, history, hosts…) of one probe. */
export const rmonSamplePayloadSchema = z.object({
  table: z.string().min(1),
  samples: z.array(metricSampleSchema),
});
export type RmonSamplePayload = z.infer<typeof rmonSamplePayloadSchema>;
