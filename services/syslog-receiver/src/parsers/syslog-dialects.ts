import { arista, aristaVendor } from './arista';
import { cisco, ciscoVendor, parseCiscoBody } from './cisco';
import { fortinet } from './fortinet';
import { comware, huawei, infoCenterVendor } from './info-center';
import { asJunos, junos, junosVendor } from './junos';
import { paloalto, paloAltoVendor } from './paloalto';
import { fromRfc3164Parts, parseRfc3164Parts, rfc3164, type Rfc3164Parts } from './rfc3164';
import { rfc5424 } from './rfc5424';
import type { ParseContext, ParsedSyslog, PriorityPart, SyslogDialect } from './syslog-dialect';
import type { Rfc3164Vendor } from './syslog-vendor';

/** Vendors recognised from an RFC 3164 header + body, in the order auto-detection asks them. */
const RFC3164_VENDORS: readonly Rfc3164Vendor[] = [junosVendor, ciscoVendor, infoCenterVendor, aristaVendor, paloAltoVendor];

/**
 * Auto-detection, cheapest discriminators first: `1 ` after PRI is RFC 5424 (Junos when it has a
 * `@2636` SD-ID); a FortiOS key=value line; a Cisco `%FAC-SEV-MNEMONIC` layout; otherwise one RFC
 * 3164 header parse refined by the 3164-based vendors (Junos, Cisco behind a relay's header,
 * Huawei VRP / H3C Comware `%%dd…`, Arista, PAN-OS); otherwise plain RFC 3164 (never fails).
 */
export function autoParse(body: string, pri: PriorityPart, ctx: ParseContext): ParsedSyslog {
  if (body.charCodeAt(0) === 49 && body.charCodeAt(1) === 32) {
    const parsed = rfc5424.parse(body, pri, ctx);
    if (parsed) return asJunos(parsed) ?? parsed;
  }
  // FortiOS: key=value right after PRI (`date=…`, `logver=…`), or behind a 3164 header
  const c0 = body.charCodeAt(0);
  if ((c0 >= 97 && c0 <= 122) || (body.includes('devid=') && body.includes('logid='))) {
    const parsed = fortinet.parse(body, pri, ctx);
    if (parsed) return parsed;
  }
  // what `cisco.parse` does, with the RFC 3164 header parse kept for the vendors below: a
  // `%` early in the text is also Huawei/H3C `%%01…` and Arista mnemonics, which used to have
  // their header parsed twice (once here, once below)
  const pct = body.indexOf('%');
  let parts: Rfc3164Parts | undefined;
  if (pct >= 0 && pct < 96) {
    const parsed = parseCiscoBody(body, pri, ctx);
    if (parsed) return parsed;
    parts = parseRfc3164Parts(body, ctx);
    const behind = ciscoVendor.refine(parts, pri, ctx);
    if (behind) return behind;
  }
  parts ??= parseRfc3164Parts(body, ctx);
  for (const vendor of RFC3164_VENDORS) {
    const parsed = vendor.refine(parts, pri, ctx);
    if (parsed) return parsed;
  }
  return fromRfc3164Parts(parts, pri, ctx, 'rfc3164');
}

export const auto: SyslogDialect = { name: 'auto', parse: autoParse };

/**
 * Every dialect by the name used in config (`syslogReceiver.sources[].dialect`). A source pinned
 * to a dialect whose parser does not recognise a message falls back to `auto`.
 */
export const SYSLOG_DIALECTS = {
  auto,
  rfc5424,
  rfc3164,
  cisco,
  junos,
  arista,
  fortinet,
  paloalto,
  huawei,
  comware,
} as const satisfies Record<string, SyslogDialect>;

export type SyslogDialectName = keyof typeof SYSLOG_DIALECTS;
export const SYSLOG_DIALECT_NAMES = Object.keys(SYSLOG_DIALECTS) as [SyslogDialectName, ...SyslogDialectName[]];
