import { z } from 'zod';

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const HHMM = /^([01]\d|2[0-4]):([0-5]\d)$/;

export interface Range {
  start: number;
  end: number;
}

/** `monday:friday`, `saturday`, `1:5`, `-1`, `january:march`, `2026:2027` → inclusive ranges. */
function rangeSchema(what: string, parse: (s: string) => number | null) {
  return z.string().transform((s, ctx): Range => {
    const parts = s.split(':');
    const start = parts.length <= 2 ? parse(parts[0] ?? '') : null;
    const end = parts.length === 2 ? parse(parts[1] ?? '') : start;
    if (start === null || end === null) {
      ctx.addIssue({ code: 'custom', message: `invalid ${what} "${s}"` });
      return z.NEVER;
    }
    return { start, end };
  });
}

const named = (names: string[], offset: number) => (s: string) => {
  const lower = s.trim().toLowerCase();
  const i = names.indexOf(lower);
  if (i >= 0) return i + offset;
  const n = Number(lower);
  return lower !== '' && Number.isInteger(n) && n >= offset && n < names.length + offset ? n : null;
};

const dayOfMonth = (s: string) => {
  const n = Number(s.trim());
  return s.trim() !== '' && Number.isInteger(n) && n !== 0 && n >= -31 && n <= 31 ? n : null;
};
const year = (s: string) => {
  const n = Number(s.trim());
  return Number.isInteger(n) && n > 0 ? n : null;
};

const minutesOfDay = z.string().transform((s, ctx) => {
  const m = HHMM.exec(s);
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  if (!m || minutes > 1440) {
    ctx.addIssue({ code: 'custom', message: `invalid time "${s}" (expected HH:MM, 00:00–24:00)` });
    return z.NEVER;
  }
  return minutes;
});

/**
 * One Alertmanager time interval (`time_intervals[].time_intervals[]`): every field given must
 * match; an omitted field matches always. `times` are [start, end) minutes of the day in
 * `location` (an IANA zone, default UTC), as Alertmanager's timeinterval package defines them.
 */
export const timeIntervalSchema = z
  .strictObject({
    times: z.array(z.strictObject({ start_time: minutesOfDay, end_time: minutesOfDay })).optional(),
    weekdays: z.array(rangeSchema('weekday', named(WEEKDAYS, 0))).optional(),
    days_of_month: z.array(rangeSchema('day of month', dayOfMonth)).optional(),
    months: z.array(rangeSchema('month', named(MONTHS, 1))).optional(),
    years: z.array(rangeSchema('year', year)).optional(),
    location: z
      .string()
      .default('UTC')
      .refine(
        (tz) => {
          try {
            new Intl.DateTimeFormat('en-US', { timeZone: tz });
            return true;
          } catch {
            return false;
          }
        },
        { error: 'unknown time zone (use an IANA name such as Europe/Paris)' },
      ),
  })
  .superRefine((t, ctx) => {
    t.times?.forEach((r, i) => {
      if (!(r.end_time > r.start_time)) ctx.addIssue({ code: 'custom', path: ['times', i, 'end_time'], message: 'end_time must be after start_time' });
    });
  });
export type TimeInterval = z.infer<typeof timeIntervalSchema>;

interface LocalParts {
  year: number;
  month: number;
  day: number;
  weekday: number;
  minutes: number;
  daysInMonth: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function localParts(ts: number, tz: string): LocalParts {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'long' });
    formatters.set(tz, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(ts)) p[part.type] = part.value;
  const y = Number(p.year);
  const mo = Number(p.month);
  return {
    year: y,
    month: mo,
    day: Number(p.day),
    weekday: WEEKDAYS.indexOf((p.weekday ?? '').toLowerCase()),
    minutes: Number(p.hour) * 60 + Number(p.minute),
    daysInMonth: new Date(Date.UTC(y, mo, 0)).getUTCDate(),
  };
}

const inAny = (ranges: readonly Range[] | undefined, v: number) => ranges === undefined || ranges.some((r) => v >= r.start && v <= r.end);

/** True if instant `ts` (epoch ms) lies in the interval. */
export function timeIntervalContains(t: TimeInterval, ts: number): boolean {
  const p = localParts(ts, t.location);
  if (t.times && !t.times.some((r) => p.minutes >= r.start_time && p.minutes < r.end_time)) return false;
  if (!inAny(t.weekdays, p.weekday)) return false;
  if (!inAny(t.months, p.month)) return false;
  if (!inAny(t.years, p.year)) return false;
  if (t.days_of_month) {
    // Negative days count from the end of the month: -1 is the last day.
    const norm = (d: number) => (d < 0 ? p.daysInMonth + d + 1 : d);
    if (!t.days_of_month.some((r) => p.day >= norm(r.start) && p.day <= norm(r.end))) return false;
  }
  return true;
}
