import { parseKeyValues } from './key-values';
import { parseRfc3164Parts } from './rfc3164';
import { parsedSyslog, type ParseContext, type ParsedSyslog, type PriorityPart, type SyslogDialect } from './syslog-dialect';
import { wallClockToEpoch } from './syslog-time';

/**
 * Fortinet FortiOS (FortiOS "Log Message Reference"): the default syslog format is bare
 * key=value pairs right after PRI, no RFC 3164 header:
 *   <189>date=2026-11-25 time=10:00:00 devname="FGT60F" devid="FGT60FTK1234" logid="0000000013"
 *   type="traffic" subtype="forward" level="notice" vd="root" eventtime=1764064800123456789 tz="+0100" …
 * `eventtime` is epoch (s, ms, µs or ns depending on the release: read by its digit count);
 * otherwise `date`+`time` are device-local, in `tz` when present, else in the source's zone.
 */
function epochFromDigits(v: string): number | undefined {
  if (!/^\d{10,19}$/.test(v)) return undefined;
  const scale = v.length >= 19 ? 1e6 : v.length >= 16 ? 1e3 : v.length >= 13 ? 1 : 1e-3;
  return Math.floor(Number(v) / scale);
}

function fortiTime(kv: Record<string, string>, ctx: ParseContext): number | undefined {
  const event = kv.eventtime === undefined ? undefined : epochFromDigits(kv.eventtime);
  if (event !== undefined) return event;
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(kv.date ?? '');
  const t = /^(\d{2}):(\d{2}):(\d{2})$/.exec(kv.time ?? '');
  if (!d || !t) return undefined;
  const zone = kv.tz && /^[+-]\d{2}:?\d{2}$/.test(kv.tz) ? kv.tz : ctx.zone;
  return wallClockToEpoch(
    { year: Number(d[1]), month: Number(d[2]) - 1, day: Number(d[3]), hour: Number(t[1]), minute: Number(t[2]), second: Number(t[3]), ms: 0 },
    zone,
  );
}

export const fortinet: SyslogDialect = {
  name: 'fortinet',
  parse(body: string, pri: PriorityPart, ctx: ParseContext): ParsedSyslog | undefined {
    let text = body;
    let kv = parseKeyValues(text);
    if (!kv) {
      // FortiOS with a 3164 header in front (some FortiAnalyzer forwards)
      const parts = parseRfc3164Parts(body, ctx);
      text = parts.content;
      kv = parseKeyValues(text);
    }
    if (!kv || (kv.devid === undefined && kv.logid === undefined)) return undefined;
    const ts = fortiTime(kv, ctx);
    return parsedSyslog({
      pri, format: 'fortinet', hostname: kv.devname, msgId: kv.logid, message: kv.msg ?? kv.logdesc ?? text, fields: kv, ts, receivedAt: ctx.receivedAt,
    });
  },
};
