import { fromRfc3164Parts, parseRfc3164Parts, type Rfc3164Parts } from './rfc3164';
import { rfc5424 } from './rfc5424';
import type { ParseContext, ParsedSyslog, PriorityPart, SyslogDialect } from './syslog-dialect';
import type { Rfc3164Vendor } from './syslog-vendor';

/**
 * Junos OS. Standard format (Junos "System Log Explorer"): `Mmm dd hh:mm:ss host process[pid]:
 * ERRMSG_TAG: text`, e.g. `mgd[3046]: UI_COMMIT: User 'admin' requested 'commit' operation`.
 * Event tags are upper case with an underscore-separated prefix naming the subsystem (UI_, RPD_,
 * SNMP_, KERN_, CHASSISD_). `structured-data` format is RFC 5424 with MSGID = the tag and an
 * SD-ID `junos@2636.…` (2636 = Juniper's IANA enterprise number).
 */
const EVENT_TAG = /^([A-Z][A-Z0-9]*_[A-Z0-9_]+): ?/;

export const junosVendor: Rfc3164Vendor = {
  name: 'junos',
  refine(parts: Rfc3164Parts, pri: PriorityPart, ctx: ParseContext): ParsedSyslog | undefined {
    if (!parts.appName) return undefined;
    // EVENT_TAG starts with [A-Z]: checked before the regex call (runs on every 3164 message)
    const c0 = parts.content.charCodeAt(0);
    if (!(c0 >= 65 && c0 <= 90)) return undefined;
    const m = EVENT_TAG.exec(parts.content);
    if (!m || !m[1]) return undefined;
    return fromRfc3164Parts(parts, pri, ctx, 'junos', { msgId: m[1], message: parts.content.slice(m[0].length) });
  },
};

/** Junos structured-data (RFC 5424 with a `…@2636…` SD-ID): the 5424 parse, labelled junos. */
export function junosStructured(body: string, pri: PriorityPart, ctx: ParseContext): ParsedSyslog | undefined {
  const parsed = rfc5424.parse(body, pri, ctx);
  return parsed && asJunos(parsed);
}

/** An RFC 5424 parse relabelled `junos` when it carries a Juniper (`@2636`) SD-ID. */
export function asJunos(parsed: ParsedSyslog): ParsedSyslog | undefined {
  for (const id in parsed.structuredData) {
    if (/@2636(\.|$)/.test(id)) {
      parsed.format = 'junos';
      return parsed;
    }
  }
  return undefined;
}

export const junos: SyslogDialect = {
  name: 'junos',
  parse(body, pri, ctx) {
    return junosStructured(body, pri, ctx) ?? junosVendor.refine(parseRfc3164Parts(body, ctx), pri, ctx);
  },
};
