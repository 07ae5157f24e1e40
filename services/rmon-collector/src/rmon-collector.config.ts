import { pollEngineSettings, pollTargetRuleFields } from '@sonde/snmp/poll/poll-engine.config';
import { z } from 'zod';

/**
 * The `rmonCollector:` section of the config file; every field has a default. The engine
 * settings (interval, timeouts, sockets, concurrency) mean what they mean in `snmpPoller:` —
 * both run on libs/snmp/src/poll.
 */
const dataSourceRow = { ifIndex: z.number().int().min(1).max(2147483647) };

/**
 * Probe configuration (RFC 2819 EntryStatus row creation), off by default. The rows wanted on
 * each probe; the configurator creates the missing ones at free indexes with `owner`, and
 * removes rows owned by `owner` that are no longer wanted. Rows of any other owner are never
 * touched. See the README "Probe configuration".
 */
const probeConfigSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** OwnerString written into every row created (RFC 2819 §2: "the entity that configured this entry"). Only rows with exactly this owner are ever changed. */
  owner: z.string().min(1).max(127).default('sonde'),
  /** How often rows are reconciled (also once at start); default = the poll interval. */
  intervalMs: z.number().int().min(1000).optional(),
  /**
   * The control tables managed (read and written). A table left out is never read nor written:
   * net-snmp 5.9.3's RMON agent dies on a GETNEXT from the last row of a non-empty alarmTable, so
   * leave `alarm` out against it.
   */
  tables: z.array(z.enum(['etherStats', 'history', 'alarm', 'event'])).min(1).default(['etherStats', 'history', 'alarm', 'event']),
  /** Rows wanted per probe (inventory device id). A probe not listed wants none: rows it has with `owner` are removed. */
  devices: z
    .array(
      z.strictObject({
        device: z.string().min(1),
        /** etherStats rows on these interfaces (etherStatsDataSource = ifIndex.<n>). */
        etherStats: z.array(z.strictObject(dataSourceRow)).default([]),
        /** historyControl rows: buckets requested and bucket interval in seconds (RFC 2819: 1–3600). */
        history: z.array(z.strictObject({ ...dataSourceRow, buckets: z.number().int().min(1).max(65535).default(50), intervalS: z.number().int().min(1).max(3600).default(1800) })).default([]),
        /** eventTable rows; type as RFC 2819 eventType. */
        events: z
          .array(z.strictObject({ description: z.string().max(127), type: z.enum(['none', 'log', 'snmp-trap', 'log-and-trap']).default('log') }))
          .default([]),
        /** alarmTable rows: the sampled variable (numeric OID), thresholds and the eventIndex each crossing fires (0 = none). */
        alarms: z
          .array(
            z.strictObject({
              variable: z.string().regex(/^\d+(\.\d+)+$/, 'numeric OID'),
              intervalS: z.number().int().min(1).default(60),
              sampleType: z.enum(['absolute', 'delta']).default('delta'),
              startup: z.enum(['rising', 'falling', 'risingOrFalling']).default('risingOrFalling'),
              risingThreshold: z.number().int(),
              fallingThreshold: z.number().int(),
              risingEvent: z.number().int().min(0).max(65535).default(0),
              fallingEvent: z.number().int().min(0).max(65535).default(0),
            }),
          )
          .default([]),
      }),
    )
    .default([]),
});

const rmonCollectorSectionSchema = z.strictObject({
  // the engine's settings (libs/snmp/src/poll/poll-engine.config.ts), as in `snmpPoller:`
  ...pollEngineSettings,
  /**
   * RMON groups read from every probe: statistics (etherStats + HC), history (control, buckets,
   * HC buckets), alarm (alarm, event and log tables), rmon2 (probeCapabilities, protocol
   * distribution, hosts, matrix — best effort). A group the agent lacks is reported once as
   * "not supported" (rmon_supported 0), never as an error per cycle.
   */
  groups: z.array(z.enum(['statistics', 'history', 'alarm', 'rmon2'])).min(1).default(['statistics', 'history', 'alarm', 'rmon2']),
  /** Which devices are probes: those with an `snmp:` block matching a rule here (first match wins); none = every SNMP device. */
  targets: z.array(z.strictObject(pollTargetRuleFields)).default([]),
  probeConfig: probeConfigSchema.default(() => probeConfigSchema.parse({})),
});

export const rmonCollectorConfigSchema = rmonCollectorSectionSchema.default(() => rmonCollectorSectionSchema.parse({}));
export type RmonCollectorConfig = z.infer<typeof rmonCollectorConfigSchema>;
export type RmonGroupName = RmonCollectorConfig['groups'][number];
export type ProbeConfig = RmonCollectorConfig['probeConfig'];
export type ProbeDeviceConfig = ProbeConfig['devices'][number];
export type ProbeTableName = ProbeConfig['tables'][number];
