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
  // from char codes (was `Number((digits + '00').slice(0, 3))`: two strings per Cisco message);
  // anything but ASCII digits keeps the string path (and its NaN)
  let v = 0;
  for (let k = 0; k < 3; k++) {
    if (k >= digits.length) v *= 10;
    else {
      const c = digits.charCodeAt(k);
      if (c < 48 || c > 57) return Math.floor(Number((digits + '00').slice(0, 3)));
      v = v * 10 + (c - 48);
    }
  }
  return v;
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
  return scanRfc3339(s, zone);
}

/** Value of the `n` ASCII digits at i, or -1 when one of them is not a digit. */
function digitsAt(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = i; k < i + n; k++) {
    const c = s.charCodeAt(k);
    if (!(c >= 48 && c <= 57)) return -1;
    v = v * 10 + (c - 48);
  }
  return v;
}

/**
 * `RFC3339` (kept as the specification; a property test compares the two) scanned by hand: the
 * 8-group regex, its substrings and `Number()` calls ran on every RFC 5424 message and every
 * RFC 3339-stamped 3164 one (parseRfc3339 + its regex ≈ 4.5 % of the socket-less benchmark's
 * CPU, ≈ 120 bytes/msg). The pattern has fixed positions, so there is no backtracking to mimic.
 */
function scanRfc3339(s: string, zone: string): number | undefined {
  const year = digitsAt(s, 0, 4);
  if (year < 0 || s.charCodeAt(4) !== 45) return undefined;
  const month = digitsAt(s, 5, 2);
  if (month < 0 || s.charCodeAt(7) !== 45) return undefined;
  const day = digitsAt(s, 8, 2);
  const t = s.charCodeAt(10);
  if (day < 0 || (t !== 84 && t !== 116 && t !== 32)) return undefined;
  const hour = digitsAt(s, 11, 2);
  if (hour < 0 || s.charCodeAt(13) !== 58) return undefined;
  const minute = digitsAt(s, 14, 2);
  if (minute < 0 || s.charCodeAt(16) !== 58) return undefined;
  const second = digitsAt(s, 17, 2);
  if (second < 0) return undefined;
  let i = 19;
  let ms = 0;
  const n = s.length;
  if (s.charCodeAt(i) === 46) {
    let d = 0;
    i++;
    while (d < 9 && i < n) {
      const c = s.charCodeAt(i);
      if (!(c >= 48 && c <= 57)) break;
      if (d < 3) ms = ms * 10 + (c - 48);
      d++;
      i++;
    }
    if (d === 0) return undefined;
    if (d === 1) ms *= 100;
    else if (d === 2) ms *= 10;
  }
  const w = { year, month: month - 1, day, hour, minute, second, ms };
  if (i === n) return wallClockToEpoch(w, zone);
  const z = s.charCodeAt(i);
  let offset: number;
  if ((z === 90 || z === 122) && i + 1 === n) offset = 0;
  else if (z === 43 || z === 45) {
    const oh = digitsAt(s, i + 1, 2);
    const colon = s.charCodeAt(i + 3) === 58 ? 1 : 0;
    const om = digitsAt(s, i + 3 + colon, 2);
    if (oh < 0 || om < 0 || i + 5 + colon !== n) return undefined;
    // parseZoneDesignator's limits
    if (oh > 23 || om > 59) return undefined;
    offset = (z === 45 ? -1 : 1) * (oh * 60 + om) * 60000;
  } else return undefined;
  const utc = wallClockToEpoch(w, 'UTC');
  return utc === undefined ? undefined : utc - offset;
}

/** parseRfc3339 by the RFC3339 regex: the reference scanRfc3339 implements (tests). */
export function parseRfc3339ByRegex(s: string, zone: string): number | undefined {
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
