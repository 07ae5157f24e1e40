import { z } from 'zod';
import { metricGroupSchema, profileSchema } from '@sonde/snmp/poll/metric-group';
import { pollEngineSettings, pollTargetRuleFields } from '@sonde/snmp/poll/poll-engine.config';

const DEFAULT_GROUPS = ['system', 'interfaces', 'host-resources', 'host-cpu', 'host-storage'];

const snmpPollerSectionSchema = z.strictObject({
    // the engine's settings (libs/snmp/src/poll/poll-engine.config.ts), as in `rmonCollector:`
    ...pollEngineSettings,
    /** Metric groups beside the built-in `system`, `interfaces`, `host-resources`; same name = replace. */
    groups: z.array(metricGroupSchema).default([]),
    /** Chosen by sysObjectID prefix; no match = `defaultGroups`. */
    profiles: z.array(profileSchema).default([]),
    defaultGroups: z.array(z.string().min(1)).min(1).default(DEFAULT_GROUPS),
    /**
     * Per-target settings by device id or tag (first match wins; `devices[].snmpPoller:` on a
     * device, when the process loads that device section, takes precedence).
     */
    targets: z
      .array(
        z.strictObject({
          devices: pollTargetRuleFields.devices,
          tags: pollTargetRuleFields.tags,
          intervalMs: pollTargetRuleFields.intervalMs,
          profile: z.string().min(1).optional(),
          enabled: pollTargetRuleFields.enabled,
        }),
      )
      .default([]),
});

/** The `snmpPoller:` section of the config file; every field has a default. */
export const snmpPollerConfigSchema = snmpPollerSectionSchema.default(() => snmpPollerSectionSchema.parse({}));

export type SnmpPollerConfig = z.infer<typeof snmpPollerConfigSchema>;

/** `devices[].snmpPoller:` — per-target overrides. */
export const deviceSnmpPollerSchema = z.strictObject({
  intervalMs: z.number().int().min(1000).optional(),
  /** Force a profile instead of choosing by sysObjectID. */
  profile: z.string().min(1).optional(),
  enabled: z.boolean().default(true),
});
export type DeviceSnmpPoller = z.infer<typeof deviceSnmpPollerSchema>;
