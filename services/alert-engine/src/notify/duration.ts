import { z } from 'zod';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };
const DURATION = /^(?:\d+(?:ms|s|m|h|d|w|y))+$/;
const PART = /(\d+)(ms|s|m|h|d|w|y)/g;

/**
 * Parses a Prometheus/Alertmanager duration (`30s`, `1h30m`, `500ms`, `0s`) into milliseconds,
 * or null if it is not one. Units in descending order, as Prometheus' model.ParseDuration demands.
 */
export function parseDuration(input: string): number | null {
  if (!DURATION.test(input)) return null;
  let total = 0;
  let lastUnit = Infinity;
  for (const [, n, unit] of input.matchAll(PART)) {
    const ms = unit === undefined ? undefined : UNIT_MS[unit];
    if (ms === undefined || ms >= lastUnit) return null;
    lastUnit = ms;
    total += Number(n) * ms;
  }
  return Number.isSafeInteger(total) ? total : null;
}

/** Prints milliseconds the way Alertmanager does (`1h30m`, `0s`, `250ms`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const unit of ['w', 'd', 'h', 'm', 's', 'ms']) {
    const size = UNIT_MS[unit];
    if (size === undefined || rest < size) continue;
    out += `${Math.floor(rest / size)}${unit}`;
    rest %= size;
  }
  return out;
}

/** A duration field: a Prometheus duration string or a number of milliseconds. */
export const durationSchema = z.union([
  z.number().int().nonnegative(),
  z.string().transform((s, ctx) => {
    const ms = parseDuration(s);
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: `invalid duration "${s}" (expected e.g. 30s, 5m, 1h30m, 500ms)` });
      return z.NEVER;
    }
    return ms;
  }),
]);
