import { z } from 'zod';

/** Lifecycle of one alert series (ADR 0003): pending → firing → resolved. */
export const alertStateSchema = z.enum(['pending', 'firing', 'resolved']);
export type AlertState = z.infer<typeof alertStateSchema>;

/**
 * What changed in this event (ADR 0003). `pending`/`firing`/`resolved` move the lifecycle;
 * `cancelled` is a pending alert whose condition cleared before `for:` (never notified);
 * `flapping-start`/`flapping-stop` are the one pair a flapping series emits instead of a storm;
 * `inhibited`/`uninhibited` mark a firing alert muted (or no longer) by topology or inhibit_rules.
 */
export const alertTransitionSchema = z.enum([
  'pending',
  'firing',
  'resolved',
  'cancelled',
  'flapping-start',
  'flapping-stop',
  'inhibited',
  'uninhibited',
]);
export type AlertTransition = z.infer<typeof alertTransitionSchema>;

export const alertSeveritySchema = z.enum(['info', 'warning', 'critical']);
export type AlertSeverity = z.infer<typeof alertSeveritySchema>;

/** One transition of one alert series (docs/adr/0003-alert-state-payload.md). */
export const alertStatePayloadSchema = z.object({
  ruleId: z.string().min(1),
  ruleName: z.string().min(1),
  state: alertStateSchema,
  severity: alertSeveritySchema,
  /** Hash of the sorted labels: same labels = same alert across restarts and replicas; the dedupe key of notifications. */
  fingerprint: z.string().min(1),
  /** When the series entered its current state (epoch ms). */
  since: z.number().int().nonnegative(),
  /** The rendered `summary` annotation (kept for the status screen and old readers). */
  summary: z.string(),
  /** Identity of the series: always alertname, rule, device, site, severity, plus the rule's own labels. */
  labels: z.record(z.string(), z.string()).default({}),
  /** Rendered annotation templates: summary, description, link, … (Alertmanager's annotations). */
  annotations: z.record(z.string(), z.string()).default({}),
  /** When the condition first held (pending start), epoch ms; Alertmanager's startsAt. */
  startsAt: z.number().int().nonnegative(),
  /** Set on `resolved`/`cancelled`: when the series stopped (epoch ms). */
  endsAt: z.number().int().nonnegative().optional(),
  /** Fingerprints (topology) or `inhibit:<rule id>` entries that mute this alert; empty when not muted. */
  inhibitedBy: z.array(z.string()).default([]),
  /** Nagios-style percent-state-change detection says the series is flapping. */
  flapping: z.boolean().default(false),
  transition: alertTransitionSchema,
  /** `<fingerprint>:<sequence>`: unique and deterministic per transition (checkpointed); the notification idempotency key. */
  transitionId: z.string().min(1),
  /** Notification group this transition belongs to (the notify side's routing resolver; default: the fingerprint). */
  groupKey: z.string().optional(),
  /** The value that made the condition hold (or clear), when the rule has one. */
  value: z.number().optional(),
  threshold: z.number().optional(),
});
export type AlertStatePayload = z.infer<typeof alertStatePayloadSchema>;
