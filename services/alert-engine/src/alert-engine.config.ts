import { z } from 'zod';
import { EVENT_FAMILIES } from '@sonde/events/event-kind';
import { notifyConfigSchema } from './notify/notify.config';

/**
 * The `alertEngine:` section of the config file. Evaluation keys are here; the notification
 * half (src/notify) adds its own keys (route, receivers, silences, timeIntervals) to this section.
 */
export const alertEngineConfigSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Consumer group of the evaluation: replicas share the event partitions (partitioned by device). */
  group: z.string().min(1).default('sonde-alert-engine'),
  /** Event families evaluated (never `alert`: the engine does not evaluate its own output). */
  families: z
    .array(z.enum(EVENT_FAMILIES).refine((f) => f !== 'alert', { error: 'the alert family is the engine’s own output' }))
    .min(1)
    .default(['icmp', 'snmp', 'syslog', 'rmon']),
  /** Run the built-in rule set (README "Default rules") besides `rules` and `ruleFiles`. */
  defaultRules: z.boolean().default(true),
  /** Inline rules (validated by the rule schema when loaded, so errors name the rule and path). */
  rules: z.array(z.unknown()).default([]),
  /** YAML files of rules (`rules:` list, optional `inhibitRules:`); watched and reloaded on change. */
  ruleFiles: z.array(z.string().min(1)).default([]),
  /** Alertmanager-style inhibit rules (validated like rules): source_matchers, target_matchers, equal. */
  inhibit_rules: z.array(z.unknown()).default([]),
  /** CEL implementation of `condition:` and `expr:` (README "CEL": measured in bench/alerts). */
  cel: z.enum(['cel-js', 'bufbuild']).default('cel-js'),
  /** Reload the rule files when they change on disk (besides SIGHUP, POST /api/rules/reload, `sonde rules reload`). */
  watchRuleFiles: z.boolean().default(true),
  /** How often timers run (for:, keep_firing_for:, absence, collector silence) besides event time. */
  tickIntervalMs: z.number().int().min(100).default(5000),
  /** StateStore key prefix of the per-device checkpoints (written before a batch is acknowledged). */
  checkpointKeyPrefix: z.string().min(1).default('sonde:alert-engine:'),
  maxBatchEvents: z.number().int().positive().default(5000),
  maxBatchWaitMs: z.number().int().positive().default(200),
  /** The notification half: route, receivers, silences, maintenance windows (src/notify/notify.config.ts). */
  notify: notifyConfigSchema.prefault({}),
});

export type AlertEngineConfig = z.infer<typeof alertEngineConfigSchema>;
