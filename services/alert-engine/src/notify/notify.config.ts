import { z } from 'zod';
import { durationSchema } from './duration';
import { parseMatchers } from './matcher';
import { NOTIFIER_CONFIG_SCHEMAS } from './notifier-configs';
import { timeIntervalSchema } from './time-interval';

/**
 * Matchers as Alertmanager writes them: a list of `name="value"` / `name=~"re"` strings (or one
 * `{a="b", c!~"d"}` string per entry). Parsed at load so an error names the route path.
 */
export const matchersSchema = z
  .array(z.string())
  .default([])
  .transform((list, ctx) => {
    try {
      return list.flatMap((s) => parseMatchers(s));
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  });

/** One node of the routing tree: Alertmanager's `route` (unset keys inherit from the parent). */
export interface RouteConfigInput {
  receiver?: string;
  matchers?: string[];
  group_by?: string[];
  continue?: boolean;
  group_wait?: string | number;
  group_interval?: string | number;
  repeat_interval?: string | number;
  mute_time_intervals?: string[];
  active_time_intervals?: string[];
  routes?: RouteConfigInput[];
}

const routeShape = {
  receiver: z.string().min(1).optional(),
  matchers: matchersSchema,
  /** Labels to group by; `['...']` groups by every label (one alert per group). */
  group_by: z.array(z.string().min(1)).optional(),
  continue: z.boolean().default(false),
  group_wait: durationSchema.optional(),
  group_interval: durationSchema.optional(),
  repeat_interval: durationSchema.optional(),
  mute_time_intervals: z.array(z.string().min(1)).default([]),
  active_time_intervals: z.array(z.string().min(1)).default([]),
};

export const routeConfigSchema: z.ZodType<RouteConfig, RouteConfigInput> = z.strictObject({
  ...routeShape,
  get routes() {
    return z.array(routeConfigSchema).default([]);
  },
});

export interface RouteConfig {
  receiver?: string | undefined;
  matchers: ReturnType<typeof parseMatchers>;
  group_by?: string[] | undefined;
  continue: boolean;
  group_wait?: number | undefined;
  group_interval?: number | undefined;
  repeat_interval?: number | undefined;
  mute_time_intervals: string[];
  active_time_intervals: string[];
  routes: RouteConfig[];
}

const RECEIVER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export const receiverConfigSchema = z.strictObject({
  name: z.string().regex(RECEIVER_NAME, { error: 'receiver names use letters, digits, ".", "_" and "-"' }),
  /** Where a notification of this receiver goes; each entry is sent (and logged) on its own. */
  notifiers: z.array(z.discriminatedUnion('type', NOTIFIER_CONFIG_SCHEMAS)).default([]),
});
export type ReceiverConfig = z.infer<typeof receiverConfigSchema>;

/** A named set of times (Alertmanager `time_intervals`), used by routes' mute/active lists. */
export const namedTimeIntervalSchema = z.strictObject({
  name: z.string().min(1),
  time_intervals: z.array(timeIntervalSchema).min(1),
});

const isoTime = z.union([z.iso.datetime({ offset: true }), z.number().int().nonnegative()]).transform((v) => (typeof v === 'number' ? v : Date.parse(v)));

/**
 * A maintenance window: alerts matching `matchers` (device, site, tag labels) are muted during
 * any of its weekly schedules (`weekly`, Alertmanager time-interval syntax) or one-off `ranges`.
 */
export const maintenanceWindowSchema = z
  .strictObject({
    name: z.string().min(1),
    matchers: matchersSchema,
    weekly: z.array(timeIntervalSchema).default([]),
    ranges: z.array(z.strictObject({ start: isoTime, end: isoTime })).default([]),
  })
  .superRefine((w, ctx) => {
    w.ranges.forEach((r, i) => {
      if (!(r.end > r.start)) ctx.addIssue({ code: 'custom', path: ['ranges', i, 'end'], message: 'end must be after start' });
    });
    if (w.weekly.length === 0 && w.ranges.length === 0) ctx.addIssue({ code: 'custom', path: ['weekly'], message: 'a maintenance window needs weekly schedules or ranges' });
  });
export type MaintenanceWindowConfig = z.infer<typeof maintenanceWindowSchema>;

/** The notification half of the `alertEngine:` section (README "Notifications"). */
export const notifyConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    /** Consumer group of the notification stage on `sonde.alert.v1` (partitioned by group key). */
    group: z.string().min(1).default('sonde-alert-notify'),
    /** Base URL of this engine's API, printed in notifications (`externalURL`). */
    externalURL: z.string().default('http://localhost:9093'),
    // Grouped by alert and device by default: an empty group_by (Alertmanager's default) would put every
    // alert in one group, hence on one Kafka partition and one replica.
    route: routeConfigSchema.prefault({ receiver: 'log', group_by: ['alertname', 'device'] }),
    receivers: z.array(receiverConfigSchema).default([{ name: 'log', notifiers: [{ type: 'log' }] }]),
    time_intervals: z.array(namedTimeIntervalSchema).default([]),
    maintenanceWindows: z.array(maintenanceWindowSchema).default([]),
    retry: z
      .strictObject({
        initialBackoff: durationSchema.default(500),
        maxBackoff: durationSchema.default(30_000),
        /** After this long without success a notification is given up (metric + log line). */
        giveUpAfter: durationSchema.default(600_000),
        timeout: durationSchema.default(10_000),
      })
      .prefault({}),
    /** Per receiver: a token bucket; notifications over it wait (they are not dropped). */
    rateLimit: z.strictObject({ perSecond: z.number().positive().default(10), burst: z.number().int().positive().default(20) }).prefault({}),
    /** Destinations refused unless listed: link-local (169.254.0.0/16, fe80::/10) and metadata hosts. */
    outbound: z.strictObject({ allowHosts: z.array(z.string().min(1)).default([]) }).prefault({}),
    notificationLog: z
      .strictObject({
        /** A claim not confirmed within this is taken over by another replica (crash mid-send). */
        claimTtl: durationSchema.default(120_000),
        retention: durationSchema.default(5 * 86_400_000),
      })
      .prefault({}),
    /** How often silences are re-read from the StateStore and muted alerts re-checked. */
    syncInterval: durationSchema.default(5_000),
    keyPrefix: z.string().min(1).default('sonde:notify:'),
    maxBatchEvents: z.number().int().positive().default(1000),
    maxBatchWaitMs: z.number().int().positive().default(50),
  })
  .superRefine((c, ctx) => {
    const receivers = new Set<string>();
    c.receivers.forEach((r, i) => {
      if (receivers.has(r.name)) ctx.addIssue({ code: 'custom', path: ['receivers', i, 'name'], message: `duplicate receiver "${r.name}"` });
      receivers.add(r.name);
    });
    const intervals = new Set(c.time_intervals.map((t) => t.name));
    if (c.route.receiver === undefined) ctx.addIssue({ code: 'custom', path: ['route', 'receiver'], message: 'the root route needs a receiver' });
    const walk = (r: RouteConfig, path: (string | number)[]) => {
      if (r.receiver !== undefined && !receivers.has(r.receiver)) ctx.addIssue({ code: 'custom', path: [...path, 'receiver'], message: `unknown receiver "${r.receiver}"` });
      for (const key of ['mute_time_intervals', 'active_time_intervals'] as const) {
        r[key].forEach((name, i) => {
          if (!intervals.has(name)) ctx.addIssue({ code: 'custom', path: [...path, key, i], message: `unknown time interval "${name}"` });
        });
      }
      r.routes.forEach((child, i) => walk(child, [...path, 'routes', i]));
    };
    walk(c.route, ['route']);
  });

export type NotifyConfig = z.infer<typeof notifyConfigSchema>;
