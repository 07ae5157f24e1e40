import { z } from 'zod';

/**
 * A stand-in for a caller's section (libs/bus owns the real one), so inventory's tests show
 * how sections plug in without depending on other libs. Not used outside specs.
 */
export const testBusSection = z.strictObject({
  type: z.enum(['memory', 'kafka']).default('memory'),
  kafka: z
    .strictObject({
      brokers: z.array(z.string()).default([]),
      clientId: z.string().optional(),
      acks: z.number().int().default(-1),
      idempotent: z.boolean().default(true),
    })
    .prefault({}),
});
