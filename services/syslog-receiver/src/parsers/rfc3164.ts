import { parsedSyslog, type ParseContext, type ParsedSyslog, type PriorityPart, type SyslogDialect } from './syslog-dialect';
import { parseRfc3339, resolveWallClock } from './syslog-time';

/**
 * RFC 3164 HEADER timestamp as devices really send it: `Mmm dd hh:mm:ss` (dd space-padded),
 * optionally with milliseconds (`.123`, Cisco/Arista `msec`) or a year (`Mmm dd yyyy hh:mm:ss`,
 * Cisco `year`, ASA), and `yyyy Mmm dd hh:mm:ss` (NX-OS).
 */
/** The specification scanBsdTime implements by hand (see there why); a property test compares them. */
export const BSD_TIME = /^(?:(\d{4}) )?([A-Z][a-z]{2}) {1,2}(\d{1,2}) (?:(\d{4}) )?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?/;
const ISO_START = /^\d{4}-\d{2}-\d{2}[Tt ]/;
const TAG = /^([^\s[\]:]{1,64})(?:\[([^\]]{0,64})\])?:(?: |$)/;

export interface DeviceTime {
  /** index after the timestamp */
  end: number;
  /** epoch ms, undefined when the text looked like a time but is not a valid date */
  ts: number | undefined;
  raw: string;
}

const digit = (c: number): boolean => c >= 48 && c <= 57;

/** Reads a device timestamp (BSD or RFC 3339) at the start of `s`; undefined when there is none. */
export function readDeviceTime(s: string, ctx: ParseContext): DeviceTime | undefined {
  const c0 = s.charCodeAt(0);
  if (digit(c0)) {
    // RFC 3339 (`2026-11-25T…`) or NX-OS year-first (`2026 Nov 25 …`)
    if (s.charCodeAt(4) === 45 && ISO_START.test(s)) {
      // `2011-08-18 18:08:56` (Huawei VRP V8's default): the date and time are two words
      const spaced = s.charCodeAt(10) === 32 && digit(s.charCodeAt(11)) && s.charCodeAt(13) === 58;
      const sp = s.indexOf(' ', spaced ? 11 : 0);
      const raw = sp < 0 ? s : s.slice(0, sp);
      return { end: raw.length, ts: parseRfc3339(raw, ctx.zone), raw };
    }
    if (s.charCodeAt(4) !== 32) return undefined;
  } else if (!(c0 >= 65 && c0 <= 90) || s.charCodeAt(3) !== 32) {
    return undefined; // a BSD timestamp starts with a capitalised month name
  }
  return scanBsdTime(s, ctx);
}

const MONTH_NAMES = 'JanFebMarAprMayJunJulAugSepOctNovDec';

/** `Mmm` at i → 0-11, or -1 (three char codes compared, no substring). */
function monthAt(s: string, i: number): number {
  const a = s.charCodeAt(i), b = s.charCodeAt(i + 1), c = s.charCodeAt(i + 2);
  for (let k = 0; k < 36; k += 3) {
    if (MONTH_NAMES.charCodeAt(k) === a && MONTH_NAMES.charCodeAt(k + 1) === b && MONTH_NAMES.charCodeAt(k + 2) === c) return k / 3;
  }
  return -1;
}

/** Value of the `n` ASCII digits at i, or -1 when one of them is not a digit. */
function digitsAt(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = i; k < i + n; k++) {
    const c = s.charCodeAt(k);
    if (!digit(c)) return -1;
    v = v * 10 + (c - 48);
  }
  return v;
}

/**
 * Exactly what `BSD_TIME` (kept above as the specification) matches, scanned by hand: the regex
 * with 8 capture groups ran on every 3164-based message and, with its match array, substrings
 * and `Number()` calls, was the largest allocation site in the parser (≈ 210 of ≈ 2 900
 * bytes/msg, sampling heap profiler over the load generator's mix); readDeviceTime was 3.4 % of
 * the receiver's CPU. Backtracking cases: ` {1,2}` and `\d{1,2}` must be followed by a digit /
 * the next literal, so a greedy scan that fails has no shorter alternative that succeeds.
 */
function scanBsdTime(s: string, ctx: ParseContext): DeviceTime | undefined {
  let i = 0;
  let year = -1;
  // (?:(\d{4}) )?
  if (digit(s.charCodeAt(0))) {
    year = digitsAt(s, 0, 4);
    if (year < 0 || s.charCodeAt(4) !== 32) return undefined;
    i = 5;
  }
  // ([A-Z][a-z]{2}) — any such name matches the regex; only the 12 months give a date
  const m0 = s.charCodeAt(i), m1 = s.charCodeAt(i + 1), m2 = s.charCodeAt(i + 2);
  if (!(m0 >= 65 && m0 <= 90) || !(m1 >= 97 && m1 <= 122) || !(m2 >= 97 && m2 <= 122)) return undefined;
  const month = monthAt(s, i);
  i += 3;
  // " {1,2}"
  if (s.charCodeAt(i) !== 32) return undefined;
  i++;
  if (s.charCodeAt(i) === 32) i++;
  // (\d{1,2}) " "
  if (!digit(s.charCodeAt(i))) return undefined;
  let day = s.charCodeAt(i) - 48;
  i++;
  if (digit(s.charCodeAt(i))) day = day * 10 + (s.charCodeAt(i++) - 48);
  if (s.charCodeAt(i) !== 32) return undefined;
  i++;
  // (?:(\d{4}) )? — taking it is the only way on: 3+ digits cannot be an hour
  const yearAfter = digitsAt(s, i, 4);
  if (yearAfter >= 0 && s.charCodeAt(i + 4) === 32) {
    if (year < 0) year = yearAfter;
    i += 5;
  }
  // (\d{1,2}):(\d{2}):(\d{2})
  if (!digit(s.charCodeAt(i))) return undefined;
  let hour = s.charCodeAt(i) - 48;
  i++;
  if (digit(s.charCodeAt(i))) hour = hour * 10 + (s.charCodeAt(i++) - 48);
  if (s.charCodeAt(i) !== 58) return undefined;
  const minute = digitsAt(s, i + 1, 2);
  if (minute < 0 || s.charCodeAt(i + 3) !== 58) return undefined;
  const second = digitsAt(s, i + 4, 2);
  if (second < 0) return undefined;
  i += 6;
  // (?:\.(\d{1,6}))? → ms from the first three digits (fractionToMs: truncated)
  let ms = 0;
  if (s.charCodeAt(i) === 46 && digit(s.charCodeAt(i + 1))) {
    let n = 0;
    i++;
    while (n < 6 && digit(s.charCodeAt(i))) {
      if (n < 3) ms = ms * 10 + (s.charCodeAt(i) - 48);
      n++;
      i++;
    }
    if (n === 1) ms *= 100;
    else if (n === 2) ms *= 10;
  }
  if (month < 0) return undefined;
  const ts = resolveWallClock({ year: year < 0 ? undefined : year, month, day, hour, minute, second, ms }, ctx.zone, ctx.receivedAt);
  return { end: i, ts, raw: s.slice(0, i) };
}

const HAS_YEAR = /^\d{4} |^[A-Z][a-z]{2} {1,2}\d{1,2} \d{4} /;

/**
 * What some devices put right after a BSD time, read as part of it: milliseconds after a colon
 * (`17:28:50:524`, old VRP/Comware), a UTC offset glued to the seconds (`03:58:15+07:00`, VRP
 * local time) and the year after the time (`Oct 13 16:48:08 2000`, Comware's "date" format).
 * Without this the year was taken for the host name. Cheap when absent: a space then a letter.
 */
export function withTimeSuffix(body: string, time: DeviceTime, ctx: ParseContext): DeviceTime {
  let i = time.end;
  const c = body.charCodeAt(i);
  if (c === 32 ? !digit(body.charCodeAt(i + 1)) : c !== 58 && c !== 43 && c !== 45) return time;
  if (time.raw.charCodeAt(4) === 45) return time; // RFC 3339: its own zone rules
  let ms = '';
  let zone = ctx.zone;
  let year = '';
  if (c === 58 && digitsAt(body, i + 1, 3) >= 0 && !digit(body.charCodeAt(i + 4)) && !time.raw.includes('.')) {
    ms = `.${body.slice(i + 1, i + 4)}`;
    i += 4;
  }
  const sign = body.charCodeAt(i);
  if ((sign === 43 || sign === 45) && digitsAt(body, i + 1, 2) >= 0 && body.charCodeAt(i + 3) === 58 && digitsAt(body, i + 4, 2) >= 0 && !digit(body.charCodeAt(i + 6))) {
    zone = body.slice(i, i + 6);
    i += 6;
  }
  if (body.charCodeAt(i) === 32 && !HAS_YEAR.test(time.raw)) {
    const y = digitsAt(body, i + 1, 4);
    const after = body.charCodeAt(i + 5);
    if (y >= 1970 && y <= 2099 && (after === 32 || Number.isNaN(after))) {
      year = String(y);
      i += 5;
    }
  }
  if (i === time.end) return time;
  const cut = time.raw.lastIndexOf(' ');
  const wall = year ? `${time.raw.slice(0, cut)} ${year}${time.raw.slice(cut)}${ms}` : `${time.raw}${ms}`;
  const reread = readDeviceTime(wall, { receivedAt: ctx.receivedAt, zone });
  return { end: i, ts: reread?.ts, raw: body.slice(0, i) };
}

export interface Rfc3164Parts {
  ts: number | undefined;
  rawTime: string | undefined;
  hostname: string | undefined;
  appName: string | undefined;
  procId: string | undefined;
  /** the MSG CONTENT after the TAG (or after the header when there is no TAG) */
  content: string;
}

/**
 * RFC 3164 §4.1.2 HEADER and §4.1.3 TAG, with the deviations seen in the field: no timestamp
 * (§4.3.2: the whole text is CONTENT), no HOSTNAME (the token after the time is already a
 * `tag:` / `tag[pid]:`), RFC 3339 timestamps (rsyslog's forward format), and 2 spaces.
 */
export function parseRfc3164Parts(body: string, ctx: ParseContext): Rfc3164Parts {
  let rest = body;
  let ts: number | undefined;
  let rawTime: string | undefined;
  const bare = readDeviceTime(body, ctx);
  const time = bare && withTimeSuffix(body, bare, ctx);
  let hostname: string | undefined;
  let tag: RegExpExecArray | null;
  if (time) {
    ts = time.ts;
    rawTime = time.raw;
    let start = time.end;
    while (body.charCodeAt(start) === 32) start++;
    rest = body.slice(start);
    const sp = rest.indexOf(' ');
    const token = sp < 0 ? rest : rest.slice(0, sp);
    // one TAG match serves both the "is the next token a host?" test and the TAG itself
    tag = TAG.exec(rest);
    if (token && !tag && !token.endsWith(':')) {
      hostname = token;
      rest = sp < 0 ? '' : rest.slice(sp + 1);
      tag = TAG.exec(rest);
    }
  } else {
    tag = TAG.exec(rest);
  }
  if (tag) {
    return { ts, rawTime, hostname, appName: tag[1], procId: tag[2], content: rest.slice(tag[0].length) };
  }
  return { ts, rawTime, hostname, appName: undefined, procId: undefined, content: rest };
}

/** Assembles the parsed message from RFC 3164 parts (shared by the dialects built on 3164). */
export function fromRfc3164Parts(
  parts: Rfc3164Parts,
  pri: PriorityPart,
  ctx: ParseContext,
  format: string,
  extra: { message?: string; msgId?: string; fields?: Record<string, string> } = {},
): ParsedSyslog {
  const fields: Record<string, string> = extra.fields ?? {};
  if (parts.ts === undefined && parts.rawTime) fields.invalidTimestamp = parts.rawTime;
  return parsedSyslog({
    pri, format, hostname: parts.hostname, appName: parts.appName, procId: parts.procId, msgId: extra.msgId,
    message: extra.message ?? parts.content, fields, ts: parts.ts, receivedAt: ctx.receivedAt,
  });
}

/** RFC 3164 (BSD syslog) and its common deviations; accepts any text (the last resort). */
export const rfc3164: SyslogDialect = {
  name: 'rfc3164',
  parse(body: string, pri: PriorityPart, ctx: ParseContext): ParsedSyslog {
    return fromRfc3164Parts(parseRfc3164Parts(body, ctx), pri, ctx, 'rfc3164');
  },
};
