/**
 * Turning the times devices write into UTC epoch ms.
 *
 * Year-less timestamps (RFC 3164 `Mmm dd hh:mm:ss`, Cisco, Junos, Arista) are resolved by ONE rule:
 * of the years Y-1, Y and Y+1 (Y = the receive time's year in the source's zone), take the latest
 * that puts the timestamp no more than 24 h after the receive time. So a message a little from
 * the future (device clock ahead, or sent just before midnight on Dec 31 and received after) keeps
 * its year, and a December message received in January lands in the previous year. A date that
 * does not exist in any candidate year (Feb 29) is rejected and the receive time is used instead.
 *
 * Zone-less timestamps are wall-clock time in the zone configured for the source (default UTC).
 */

export const MONTHS: Readonly<Record<string, number>> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};

/** How far into the future (after receive time) a year-less timestamp may land. */
export const FUTURE_TOLERANCE_MS = 24 * 3600 * 1000;

export interface WallClock {
  year?: number | undefined;
  month: number; // 0-11
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
const FIXED_OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

/** Checks a zone name once (at config load): throws RangeError naming the zone when invalid. */
export function assertZone(zone: string): void {
  if (zone === 'UTC' || FIXED_OFFSET.test(zone)) return;
  new Intl.DateTimeFormat('en-US', { timeZone: zone });
}

/** Offset of `zone` from UTC in ms at instant `utcMs` (positive east of Greenwich). */
export function zoneOffsetMs(zone: string, utcMs: number): number {
  if (zone === 'UTC' || zone === 'Z') return 0;
  const fixed = FIXED_OFFSET.exec(zone);
  if (fixed) return (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3])) * 60000;
  let fmt = offsetFormatters.get(zone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    offsetFormatters.set(zone, fmt);
  }
  const p: Record<string, number> = {};
  for (const part of fmt.formatToParts(utcMs)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const asUtc = Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  return asUtc - (utcMs - (utcMs % 1000 + 1000) % 1000);
}

/**
 * Wall-clock time in `zone` → epoch ms, or undefined when the date does not exist (Feb 30).
 * In a DST gap or overlap the offset in force just before the transition is used.
 */
export function wallClockToEpoch(w: WallClock & { year: number }, zone: string): number | undefined {
  return epochInZone(w, w.year, zone);
}

function daysInMonth(year: number, month: number): number {
  if (month === 1) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 3 || month === 5 || month === 8 || month === 10 ? 30 : 31;
}

function epochInZone(w: WallClock, year: number, zone: string): number | undefined {
  if (w.month < 0 || w.month > 11 || w.day < 1 || w.day > daysInMonth(year, w.month)) return undefined;
  if (w.hour > 23 || w.minute > 59 || w.second > 60) return undefined;
  const naive = Date.UTC(year, w.month, w.day, w.hour, w.minute, w.second, w.ms);
  if (zone === 'UTC') return naive;
  const first = naive - zoneOffsetMs(zone, naive);
  return naive - zoneOffsetMs(zone, first);
}

// The UTC year of the last instant asked and that year's bounds: consecutive messages almost
// always fall in the same year, so a range check replaces a `new Date(t).getUTCFullYear()`
// (a Date object per year-less message; resolveWallClock was ≈ 80 bytes/msg of allocation).
let cachedYear = NaN;
let cachedYearStart = 0;
let cachedYearEnd = 0;

/** `new Date(t).getUTCFullYear()`, cached by year range. */
export function utcYear(t: number): number {
  if (t >= cachedYearStart && t < cachedYearEnd) return cachedYear;
  const y = new Date(t).getUTCFullYear();
  // Date.UTC maps years 0-99 to 1900-1999: cache only years it represents as given
  if (y >= 100 && y <= 275000) {
    cachedYear = y;
    cachedYearStart = Date.UTC(y, 0, 1);
    cachedYearEnd = Date.UTC(y + 1, 0, 1);
  }
  return y;
}

/** Applies the year rule above, then the zone. undefined when no candidate year is valid. */
export function resolveWallClock(w: WallClock, zone: string, receivedAt: number): number | undefined {
  if (w.year !== undefined) return epochInZone(w, w.year, zone);
  const y = utcYear(receivedAt + zoneOffsetMs(zone, receivedAt));
  const latest = receivedAt + FUTURE_TOLERANCE_MS;
  for (let year = y + 1; year >= y - 1; year--) {
    const ts = epochInZone(w, year, zone);
    if (ts !== undefined && ts <= latest) return ts;
  }
  return undefined;
}

/** `123` / `123456` fraction digits → ms (truncated, never rounded up past the second). */
export function fractionToMs(digits: string | undefined): number {
  if (!digits) return 0;
  return Math.floor(Number((digits + '00').slice(0, 3)));
}

/** `+02:00`, `-0530`, `Z`, `UTC`, `GMT` → offset ms; undefined for names we cannot map (CET). */
export function parseZoneDesignator(z: string): number | undefined {
  if (z === 'Z' || z === 'z' || z === 'UTC' || z === 'GMT') return 0;
  const m = FIXED_OFFSET.exec(z);
  if (!m) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  if (Number(m[2]) > 23 || Number(m[3]) > 59) return undefined;
  return (m[1] === '-' ? -1 : 1) * minutes * 60000;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:?\d{2})?$/;

/**
 * RFC 3339 / RFC 5424 §6.2.3 timestamp → epoch ms. A timestamp without offset (some relays
 * drop it) is read in `zone`. undefined when it is not a valid date-time.
 */
export function parseRfc3339(s: string, zone: string): number | undefined {
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const w = {
    year: Number(m[1]), month: Number(m[2]) - 1, day: Number(m[3]),
    hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6]), ms: fractionToMs(m[7]),
  };
  if (m[8] === undefined) return wallClockToEpoch(w, zone);
  const offset = parseZoneDesignator(m[8]);
  const utc = offset === undefined ? undefined : wallClockToEpoch(w, 'UTC');
  return utc === undefined || offset === undefined ? undefined : utc - offset;
}
