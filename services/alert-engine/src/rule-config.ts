import { z } from 'zod';
import { EVENT_KINDS } from '@sonde/events/event-kind';
import { alertSeveritySchema } from '@sonde/events/payloads/alert-state';
import { durationSchema } from './notify/duration';

/**
 * One matcher value on an event field: a string is equality, `{ regex }` a full-match regular
 * expression, `{ cidr }` an address range (IPv4/IPv6), a list any of them.
 */
const matcherValueSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.strictObject({ regex: z.string().min(1) }),
  z.strictObject({ cidr: z.string().min(1) }),
  z.strictObject({ not: z.string() }),
]);
export const fieldMatcherSchema = z.union([matcherValueSchema, z.array(matcherValueSchema).min(1)]);
export type FieldMatcher = z.infer<typeof fieldMatcherSchema>;

/**
 * Selection by event field: `device` (id), `device.name`, `device.address`, `site`, `collector`,
 * `tags` (inventory tags of the device; any tag matching), or `payload.<path>`.
 */
const matchSchema = z.record(z.string().regex(/^(device|device\.name|device\.address|site|collector|tags|payload(\.[A-Za-z0-9_]+)+)$/, {
  error: 'expected device, device.name, device.address, site, collector, tags or payload.<field>',
}), fieldMatcherSchema);

const labelName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'expected a label name ([A-Za-z_][A-Za-z0-9_]*)' });
const comparison = z.enum(['>', '>=', '<', '<=', '==', '!=']);

/** What a firing alert of this rule mutes (topology inhibition, README "Inhibition"). */
const inhibitsSchema = z.strictObject({
  /** Kinds of the muted alerts on the same device (`all` = every other rule). */
  sameDevice: z.union([z.literal('all'), z.array(z.enum(EVENT_KINDS))]).default('all'),
  /** Mute the alerts of devices that list this one in `devices[].parents` (transitively), at any site. */
  children: z.boolean().default(true),
});

const common = {
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, { error: 'expected an id of letters, digits, _ . - (at most 100)' }),
  /** `alertname`; defaults to the id. */
  name: z.string().min(1).optional(),
  severity: alertSeveritySchema.default('warning'),
  labels: z.record(labelName, z.string()).default({}),
  /** Templates: {{device}} {{deviceName}} {{site}} {{value}} {{threshold}} {{labels.X}} {{rule}} {{link}}. */
  annotations: z.record(z.string().min(1), z.string()).default({}),
  match: matchSchema.default({}),
  /** A CEL condition on the event (`payload`, `device`, `site`, `labels`, `value`, `tags`); false = not selected. */
  condition: z.string().min(1).optional(),
  /** How long the condition holds before pending becomes firing (Prometheus `for`). */
  for: durationSchema.default(0),
  /** How long a firing alert stays firing after the condition cleared (Prometheus `keep_firing_for`). */
  keep_firing_for: durationSchema.default(0),
  /** Labels of the sample / varbinds that split one rule into several series per device. */
  by: z.array(z.string().min(1)).optional(),
  inhibits: inhibitsSchema.optional(),
  /** Nagios-style flap detection thresholds (percent state change over the last 21 states). */
  flap: z.strictObject({ enabled: z.boolean().default(true), low: z.number().min(0).max(100).default(20), high: z.number().min(0).max(100).default(30) }).optional(),
};

/** `type: threshold` — a metric sample (`snmp.metric` / `rmon.sample`) compared to a threshold. */
const thresholdRule = z.strictObject({
  ...common,
  type: z.literal('threshold'),
  kind: z.enum(['snmp.metric', 'rmon.sample', 'icmp.probe']).default('snmp.metric'),
  /** Sample name; with `value: rate` the poller's `<metric>_rate` sample is used. For icmp.probe: lossPct, rttAvgMs, rttMaxMs … */
  metric: z.string().min(1).optional(),
  value: z.enum(['raw', 'rate']).default('raw'),
  /** Label matchers on the sample (same forms as `match`). */
  sample: z.record(z.string().min(1), fieldMatcherSchema).default({}),
  /** A CEL expression computing the value from the row's samples (`samples.<name>`) and `labels`, instead of `metric`. */
  expr: z.string().min(1).optional(),
  op: comparison.default('>'),
  threshold: z.number(),
});

/** `type: event` — a trap (by name/OID, varbinds) or a syslog message (severity, facility, msgid, regex). */
const eventRule = z.strictObject({
  ...common,
  type: z.literal('event'),
  trap: z
    .strictObject({
      /** trapName (e.g. linkDown, IF-MIB::linkDown) or numeric trapOid. */
      name: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
      /** Varbind matchers by varbind name (e.g. ifIndex) or OID, on the displayed value. */
      varbinds: z.record(z.string().min(1), fieldMatcherSchema).default({}),
    })
    .optional(),
  syslog: z
    .strictObject({
      /** Numeric severity at most this (0 emerg … 7 debug): `2` = critical and worse. */
      maxSeverity: z.number().int().min(0).max(7).optional(),
      facility: z.union([z.number().int().min(0).max(23), z.array(z.number().int().min(0).max(23))]).optional(),
      msgId: fieldMatcherSchema.optional(),
      appName: fieldMatcherSchema.optional(),
      message: z.string().min(1).optional(),
    })
    .optional(),
  /** An event alert has no "clear" event: it resolves this long after the last match. */
  resolve_after: durationSchema.default(300_000),
});

/** `type: state` — a state machine the collectors report. */
const stateRule = z.strictObject({
  ...common,
  type: z.literal('state'),
  state: z.enum(['icmp-unreachable', 'interface-down', 'poll-failing']),
  /** poll-failing: consecutive failed poll cycles before the alert (`for` adds time on top). */
  cycles: z.number().int().min(1).default(3),
});

/** `type: absence` — no event of a kind from a device (in the inventory or heard before) for `for`. */
const absenceRule = z.strictObject({
  ...common,
  type: z.literal('absence'),
  kind: z.enum(EVENT_KINDS).refine((k) => k !== 'alert.state', { error: 'alert.state is the engine’s own output' }),
});

/** `type: silence` — no event at all from a site or a collector for `for` ("silence is not health"). */
const silenceRule = z.strictObject({
  ...common,
  type: z.literal('silence'),
  scope: z.enum(['site', 'collector']).default('collector'),
});

/** `type: window` — more than `count` selected events from a device within `window`. */
const windowRule = z.strictObject({
  ...common,
  type: z.literal('window'),
  kind: z.enum(EVENT_KINDS).refine((k) => k !== 'alert.state', { error: 'alert.state is the engine’s own output' }),
  trap: eventRule.shape.trap,
  syslog: eventRule.shape.syslog,
  count: z.number().int().min(1),
  window: durationSchema,
});

export const alertRuleSchema = z.discriminatedUnion('type', [thresholdRule, eventRule, stateRule, absenceRule, silenceRule, windowRule]);
export type AlertRuleConfig = z.infer<typeof alertRuleSchema>;
export type AlertRuleType = AlertRuleConfig['type'];
export type RuleOfType<T extends AlertRuleType> = Extract<AlertRuleConfig, { type: T }>;

/** Alertmanager's inhibit_rules: a firing source mutes targets that share the `equal` labels. */
export const inhibitRuleSchema = z.strictObject({
  id: z.string().min(1).optional(),
  source_matchers: z.array(z.string().min(1)).min(1),
  target_matchers: z.array(z.string().min(1)).min(1),
  equal: z.array(labelName).default([]),
});
export type InhibitRuleConfig = z.infer<typeof inhibitRuleSchema>;

/** A rule file: `rules:` and optional `inhibit_rules:`. */
export const ruleFileSchema = z.strictObject({
  rules: z.array(z.unknown()).default([]),
  inhibit_rules: z.array(z.unknown()).default([]),
});
