import { z } from 'zod';

// What the poll engine reads from an agent: metric groups (scalars and/or one table) and the
// profiles that pick groups by sysObjectID. Shared by the snmp-poller's config section and any
// other collector on the engine (rmon-collector).

export const oid = z.string().regex(/^\d+(\.\d+)+$/, { error: 'expected a numeric OID such as 1.3.6.1.2.1.2.2.1.10' });

/**
 * How a column/scalar becomes a sample. `counter` publishes the raw value (type counter) and
 * its rate (`<name>_rate`, type rate) — Counter32 or Counter64 is taken from the varbind type.
 * `status` is an enumerated INTEGER (ifOperStatus); `label` turns a value into a label.
 */
export const metricKindSchema = z.enum(['gauge', 'counter', 'status', 'label']);

export const metricObjectSchema = z.strictObject({
  oid,
  name: z.string().min(1),
  type: metricKindSchema.default('gauge'),
  unit: z.string().default(''),
  /** Multiply the value (e.g. 0.01 for TimeTicks → seconds). */
  scale: z.number().positive().optional(),
  /** Multiply by another column of the same row (hrStorageUsed × hrStorageAllocationUnits). */
  scaleByColumn: z.string().optional(),
  /** When this column has no rows (SNMPv1 has no Counter64), walk this one instead. */
  fallback: z.strictObject({ oid, name: z.string().min(1) }).optional(),
  /** Ceiling for the rate: value of this column × multiplier (ifHighSpeed × 125000 = bytes/s). */
  rateCeiling: z.strictObject({ column: z.string(), multiplier: z.number().positive() }).optional(),
  /** This column is the row's counter discontinuity indicator (ifCounterDiscontinuityTime). */
  discontinuity: z.boolean().optional(),
});

export const metricGroupSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]*$/),
    /** Fetched with one GET; `label` scalars label every sample of the group. */
    scalars: z.array(metricObjectSchema).default([]),
    /** Columns walked side by side (one GETBULK for all); rows keyed by the index. */
    table: z
      .strictObject({
        /** Label name(s) for the index: one name = the whole index; several = one per sub-identifier. */
        index: z.array(z.string().min(1)).min(1).default(['index']),
        columns: z.array(metricObjectSchema).min(1),
      })
      .optional(),
  })
  .refine((g) => g.scalars.length > 0 || g.table, { error: 'a metric group needs scalars or a table' });

/** A named list of groups, chosen by sysObjectID prefix. */
export const profileSchema = z.strictObject({
  name: z.string().min(1),
  /** sysObjectID prefixes this profile applies to; the longest matching prefix wins. */
  sysObjectIdPrefixes: z.array(oid).default([]),
  groups: z.array(z.string().min(1)).min(1),
});

export type MetricGroup = z.infer<typeof metricGroupSchema>;
export type MetricObject = z.infer<typeof metricObjectSchema>;
export type Profile = z.infer<typeof profileSchema>;
