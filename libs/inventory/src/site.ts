import { z } from 'zod';

export const SITE_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export const siteNameSchema = z.string().regex(SITE_NAME, {
  error: 'expected a site name of lower-case letters, digits, "_" and "-" (it is part of Kafka topic names)',
});

/** `sites:` — optional declarations; when any is declared, every site referenced must be one of them. */
export const sitesSchema = z
  .record(
    siteNameSchema,
    z.strictObject({
      description: z.string().optional(),
      labels: z.record(z.string(), z.string()).default({}),
    }),
  )
  .default({});

export type Sites = z.output<typeof sitesSchema>;
