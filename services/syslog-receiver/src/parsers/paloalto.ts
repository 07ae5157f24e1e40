import { parseKeyValues } from './key-values';
import { parseRfc3164Parts, type Rfc3164Parts } from './rfc3164';
import { parsedSyslog, type ParseContext, type ParsedSyslog, type PriorityPart, type SyslogDialect } from './syslog-dialect';
import { wallClockToEpoch } from './syslog-time';
import type { Rfc3164Vendor } from './syslog-vendor';

/**
 * Palo Alto Networks PAN-OS. Default syslog format: RFC 3164 header + CSV (PAN-OS
 * "Syslog Field Descriptions"): `FUTURE_USE,Receive Time,Serial Number,Type,Threat/Content Type,
 * FUTURE_USE,Generated Time,…`. Custom formats are usually key=value (`type=TRAFFIC src=…`).
 * Columns are named per log type as far as the common prefix goes; the whole line stays in
 * the message. Times are the firewall's local time, with a year: read in the source's zone.
 */
const TRAFFIC_THREAT = [
  'futureUse', 'receiveTime', 'serial', 'type', 'subtype', 'futureUse2', 'timeGenerated', 'src', 'dst', 'natsrc',
  'natdst', 'rule', 'srcuser', 'dstuser', 'app', 'vsys', 'from', 'to', 'inboundIf', 'outboundIf', 'logset',
  'futureUse3', 'sessionid', 'repeatcnt', 'sport', 'dport', 'natsport', 'natdport', 'flags', 'proto', 'action',
];
const COLUMNS: Readonly<Record<string, readonly string[]>> = {
  TRAFFIC: [...TRAFFIC_THREAT, 'bytes', 'bytesSent', 'bytesReceived', 'packets', 'start', 'elapsed', 'category'],
  THREAT: [...TRAFFIC_THREAT, 'misc', 'threatid', 'category', 'severity', 'direction'],
  SYSTEM: [
    'futureUse', 'receiveTime', 'serial', 'type', 'subtype', 'futureUse2', 'timeGenerated', 'vsys', 'eventid',
    'object', 'futureUse3', 'futureUse4', 'module', 'severity', 'description',
  ],
};
const CSV_START = /^\d+,\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2},[\w-]+,[A-Z]+,/;
const PAN_TIME = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** RFC 4180-style CSV line (PAN-OS quotes values that contain commas). */
export function splitCsv(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line.charCodeAt(i) === 34) {
      let v = '';
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q < 0) { v += line.slice(j); j = line.length; break; }
        if (line.charCodeAt(q + 1) === 34) { v += line.slice(j, q + 1); j = q + 2; continue; }
        v += line.slice(j, q);
        j = q + 1;
        break;
      }
      out.push(v);
      const comma = line.indexOf(',', j);
      i = comma < 0 ? line.length + 1 : comma + 1;
    } else {
      const comma = line.indexOf(',', i);
      out.push(comma < 0 ? line.slice(i) : line.slice(i, comma));
      i = comma < 0 ? line.length + 1 : comma + 1;
    }
  }
  return out;
}

function panTime(v: string | undefined, ctx: ParseContext): number | undefined {
  const m = PAN_TIME.exec(v ?? '');
  if (!m) return undefined;
  return wallClockToEpoch(
    { year: Number(m[1]), month: Number(m[2]) - 1, day: Number(m[3]), hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6]), ms: 0 },
    ctx.zone,
  );
}

export const paloAltoVendor: Rfc3164Vendor = {
  name: 'paloalto',
  refine(parts: Rfc3164Parts, pri: PriorityPart, ctx: ParseContext): ParsedSyslog | undefined {
    let fields: Record<string, string>;
    const c0 = parts.content.charCodeAt(0);
    // CSV_START starts with a digit: checked before the regex call (runs on every 3164 message)
    if (c0 >= 48 && c0 <= 57 && CSV_START.test(parts.content)) {
      const values = splitCsv(parts.content);
      const names = COLUMNS[values[3] ?? ''] ?? COLUMNS.SYSTEM?.slice(0, 7) ?? [];
      fields = {};
      // a plain loop, not `names.forEach(closure)`: this runs per PAN-OS message
      for (let i = 0; i < names.length; i++) {
        const name = names[i] as string;
        const v = values[i];
        if (!name.startsWith('futureUse') && v !== undefined && v !== '') fields[name] = v;
      }
    } else {
      const kv = parseKeyValues(parts.content);
      if (!kv || kv.type === undefined || (kv.serial === undefined && kv.device_name === undefined)) return undefined;
      fields = kv;
    }
    const generated = panTime(fields.timeGenerated ?? fields.time_generated, ctx);
    // no `{ ...parts, ts }` / `...(cond ? {…} : {})` spreads (per message): the same values,
    // passed as they are (fromRfc3164Parts treats an absent and an undefined msgId/message alike)
    const ts = generated === undefined ? parts.ts : generated;
    if (ts === undefined && parts.rawTime) fields.invalidTimestamp = parts.rawTime;
    return parsedSyslog({
      pri, format: 'paloalto', hostname: parts.hostname, appName: parts.appName, procId: parts.procId,
      msgId: fields.type ? fields.type : undefined, message: fields.description ? fields.description : parts.content,
      fields, ts, receivedAt: ctx.receivedAt,
    });
  },
};

export const paloalto: SyslogDialect = {
  name: 'paloalto',
  parse: (body, pri, ctx) => paloAltoVendor.refine(parseRfc3164Parts(body, ctx), pri, ctx),
};
