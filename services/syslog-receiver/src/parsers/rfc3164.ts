import { parsedSyslog, type ParseContext, type ParsedSyslog, type PriorityPart, type SyslogDialect } from './syslog-dialect';
import { MONTHS, fractionToMs, parseRfc3339, resolveWallClock } from './syslog-time';

/**
 * RFC 3164 HEADER timestamp as devices really send it: `Mmm dd hh:mm:ss` (dd space-padded),
 * optionally with milliseconds (`.123`, Cisco/Arista `msec`) or a year (`Mmm dd yyyy hh:mm:ss`,
 * Cisco `year`, ASA), and `yyyy Mmm dd hh:mm:ss` (NX-OS).
 */
const BSD_TIME = /^(?:(\d{4}) )?([A-Z][a-z]{2}) {1,2}(\d{1,2}) (?:(\d{4}) )?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?/;
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
      const sp = s.indexOf(' ');
      const raw = sp < 0 ? s : s.slice(0, sp);
      return { end: raw.length, ts: parseRfc3339(raw, ctx.zone), raw };
    }
    if (s.charCodeAt(4) !== 32) return undefined;
  } else if (!(c0 >= 65 && c0 <= 90) || s.charCodeAt(3) !== 32) {
    return undefined; // a BSD timestamp starts with a capitalised month name
  }
  const m = BSD_TIME.exec(s);
  if (!m) return undefined;
  const month = MONTHS[m[2] ?? ''];
  if (month === undefined) return undefined;
  const year = m[1] ?? m[4];
  const ts = resolveWallClock(
    {
      year: year ? Number(year) : undefined,
      month, day: Number(m[3]), hour: Number(m[5]), minute: Number(m[6]), second: Number(m[7]), ms: fractionToMs(m[8]),
    },
    ctx.zone,
    ctx.receivedAt,
  );
  return { end: m[0].length, ts, raw: m[0] };
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
  const time = readDeviceTime(body, ctx);
  let hostname: string | undefined;
  if (time) {
    ts = time.ts;
    rawTime = time.raw;
    let start = time.end;
    while (body.charCodeAt(start) === 32) start++;
    rest = body.slice(start);
    const sp = rest.indexOf(' ');
    const token = sp < 0 ? rest : rest.slice(0, sp);
    if (token && !TAG.test(rest) && !token.endsWith(':')) {
      hostname = token;
      rest = sp < 0 ? '' : rest.slice(sp + 1);
    }
  }
  const tag = TAG.exec(rest);
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
