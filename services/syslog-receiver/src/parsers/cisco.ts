import { parseRfc3164Parts, type Rfc3164Parts } from './rfc3164';
import { parsedSyslog, type ParseContext, type ParsedSyslog, type PriorityPart, type SyslogDialect } from './syslog-dialect';
import { MONTHS, fractionToMs, resolveWallClock } from './syslog-time';
import type { Rfc3164Vendor } from './syslog-vendor';

/**
 * Cisco IOS / IOS-XE / NX-OS / ASA message layouts (Cisco "System Message Guide": message format
 * `seq no:timestamp: %FACILITY-SEVERITY-MNEMONIC: description`):
 *
 *   <189>123: *Mar  1 18:46:11.123: %SYS-5-CONFIG_I: Configured from console by vty0   (IOS)
 *   <189>124: router1: .Nov 25 10:00:00.456 UTC: %LINK-3-UPDOWN: ...                   (origin-id)
 *   <189>: 2026 Nov 25 10:00:00 UTC: %ETHPORT-5-IF_UP: Interface Ethernet1/1 is up      (NX-OS)
 *   <187>2026 Nov 25 10:00:00 N9K-1 %ETHPORT-5-IF_DOWN_CFG_CHANGE: ...                  (NX-OS)
 *   <166>Nov 25 2026 10:00:00 asa1 : %ASA-6-302013: Built outbound TCP connection ...   (ASA)
 *   <189>45: 1d02h: %SYS-5-CONFIG_I: ...                                                (uptime)
 *   <187>1234: RP/0/RSP0/CPU0:Nov 25 10:00:00.001 UTC: ifmgr[215]: %PKT_INFRA-LINK-3-UPDOWN : …  (IOS-XR)
 *
 * Clock markers (IOS `service timestamps`): `*` = the clock is not authoritative (never set or
 * not NTP-synchronized — often still in 1993), `.` = it was synchronized but has lost sync.
 * A `*` time is kept in `fields.deviceTime` but the event uses the receive time.
 */
const CISCO = new RegExp(
  '^(?:(\\d+)?: ?)?' + // 1 sequence number (`service sequence-numbers`), or NX-OS's bare ':'
    '(?:([A-Za-z][\\w.-]*): )?' + // 2 origin-id hostname
    '(?:((?:RP|RSP|LC|\\d+)/[\\w/]+):)?' + // 3 IOS-XR node-id (RP/0/RSP0/CPU0)
    '(?:([*.])?' + // 4 clock marker
    '(?:(\\d{4}) )?([A-Z][a-z]{2}) {1,2}(\\d{1,2}) (?:(\\d{4}) )?(\\d{1,2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,6}))?' + // 5-12
    '(?: ([A-Za-z]{2,5}|[+-]\\d{2}:?\\d{2}))?' + // 13 zone (`service timestamps … show-timezone`)
    '|(\\d+[ywd]\\d+[wdh]|\\d{1,2}:\\d{2}:\\d{2}))?' + // 14 uptime
    '(?:: ?| ([A-Za-z][\\w.-]*) (?:: )?| )?' + // 15 hostname (NX-OS, ASA `logging device-id`)
    '(?:([\\w-]+)\\[(\\d+)\\]: )?' + // 16, 17 IOS-XR process[pid]
    '%([A-Z][A-Z0-9_]*(?:-[A-Z][A-Z0-9_]*)*)-([0-7])-([A-Za-z0-9_]+) ?: ?', // 18-20
  's',
);

/**
 * A zone token that is a named abbreviation (CET, PST, EDT…): ambiguous, so it is kept in
 * `fields.timezone` and the source's zone is used. undefined for none, UTC/GMT/Z and offsets.
 * (Returns a string, not a `{ zone, named }` record: this runs per Cisco message.)
 */
function namedZone(token: string | undefined): string | undefined {
  if (token === undefined || token === 'UTC' || token === 'GMT' || token === 'Z') return undefined;
  if (/^[+-]\d{2}:?\d{2}$/.test(token)) return undefined;
  return token;
}

/** The Cisco body on its own (after PRI, or after a relay's RFC 3164 header: see ciscoVendor). */
export function parseCiscoBody(body: string, pri: PriorityPart, ctx: ParseContext): ParsedSyslog | undefined {
    const m = CISCO.exec(body);
    if (!m) return undefined;
    // indexed reads instead of array destructuring (which goes through the array iterator)
    const seq = m[1], originHost = m[2], node = m[3], marker = m[4], yearFirst = m[5], mon = m[6], day = m[7], yearAfter = m[8];
    const hh = m[9], mi = m[10], ss = m[11], frac = m[12], zoneToken = m[13], uptime = m[14], host2 = m[15], proc = m[16], pid = m[17];
    const fac = m[18], sev = m[19], mnemonic = m[20];
    const fields: Record<string, string> = {};
    if (seq) fields.sequence = seq;
    if (node) fields.node = node;
    if (fac) fields.facility = fac;
    if (sev) fields.severity = sev;
    if (mnemonic) fields.mnemonic = mnemonic;
    let ts: number | undefined;
    if (mon !== undefined) {
      const month = MONTHS[mon];
      const year = yearFirst ?? yearAfter;
      const named = namedZone(zoneToken);
      if (named !== undefined) fields.timezone = named;
      const zone = zoneToken === undefined || named !== undefined ? ctx.zone : zoneToken === 'GMT' || zoneToken === 'Z' ? 'UTC' : zoneToken;
      const deviceTime =
        month === undefined
          ? undefined
          : resolveWallClock(
              // plain literal, no `...(year ? {…} : {})` spread (one object per message instead of three)
              { year: year ? Number(year) : undefined, month, day: Number(day), hour: Number(hh), minute: Number(mi), second: Number(ss), ms: fractionToMs(frac) },
              zone,
              ctx.receivedAt,
            );
      if (deviceTime === undefined) fields.invalidTimestamp = m[0];
      if (marker === '*') {
        fields.clock = 'unsynchronized';
        if (deviceTime !== undefined) fields.deviceTime = new Date(deviceTime).toISOString();
      } else {
        if (marker === '.') fields.clock = 'sync-lost';
        ts = deviceTime;
      }
    } else if (uptime) {
      fields.uptime = uptime;
    }
    const format = fac === 'ASA' || fac === 'FTD' ? 'cisco-asa' : yearFirst ? 'cisco-nxos' : node ? 'cisco-iosxr' : 'cisco-ios';
    return parsedSyslog({
      pri, format, hostname: originHost ?? host2, appName: proc, procId: pid, msgId: `${fac}-${sev}-${mnemonic}`,
      message: body.slice(m[0].length), fields, ts, receivedAt: ctx.receivedAt,
    });
}

const isDigits = (s: string): boolean => {
  if (s.length === 0 || s.length > 10) return false;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) < 48 || s.charCodeAt(i) > 57) return false;
  return true;
};
/** `*Nov 25`, `.Nov 25`, `Nov 25`: a Cisco device time at the start of the 3164 content. */
const DEVICE_TIME_START = /^[*.]?[A-Z][a-z]{2} /;

/**
 * Cisco IOS behind an RFC 3164 header (a relay's, or IOS-XE `logging host … ` with a syslog
 * header), the IOS part as `service sequence-numbers` and `service timestamps log datetime msec
 * show-timezone` make it:
 *
 *   <189>Nov 25 10:00:00 router1 123: Nov 25 10:00:00.123 UTC: %SYS-5-CONFIG_I: Configured from console by vty0
 *
 * The 3164 TAG rule took `123` (the sequence number) for the app name and left the mnemonic in
 * the text. The header's host is the device when the IOS part names none; the IOS time (with
 * its msec and zone) wins over the header's, except an unsynchronized one (`*`).
 */
export const ciscoVendor: Rfc3164Vendor = {
  name: 'cisco',
  refine(parts: Rfc3164Parts, pri: PriorityPart, ctx: ParseContext): ParsedSyslog | undefined {
    const sequence = parts.appName !== undefined && parts.procId === undefined && isDigits(parts.appName);
    if (!sequence && !DEVICE_TIME_START.test(parts.content)) return undefined;
    if (parts.content.indexOf('%') < 0) return undefined;
    const parsed = parseCiscoBody(sequence ? `${parts.appName}: ${parts.content}` : parts.content, pri, ctx);
    if (!parsed) return undefined;
    const useHeaderTime = parsed.timeSource === 'received' && parsed.fields.clock !== 'unsynchronized' && parts.ts !== undefined;
    return {
      ...parsed,
      hostname: parsed.hostname ?? parts.hostname,
      ts: useHeaderTime && parts.ts !== undefined ? parts.ts : parsed.ts,
      timeSource: useHeaderTime ? 'message' : parsed.timeSource,
    };
  },
};

export const cisco: SyslogDialect = {
  name: 'cisco',
  parse: (body, pri, ctx) => parseCiscoBody(body, pri, ctx) ?? ciscoVendor.refine(parseRfc3164Parts(body, ctx), pri, ctx),
};
