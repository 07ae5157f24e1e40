import { fromRfc3164Parts, parseRfc3164Parts, type Rfc3164Parts } from './rfc3164';
import type { ParseContext, ParsedSyslog, PriorityPart, SyslogDialect } from './syslog-dialect';
import type { Rfc3164Vendor } from './syslog-vendor';

/**
 * Arista EOS: an RFC 3164 header with the agent as TAG, then a Cisco-style
 * `%FACILITY-SEVERITY-MNEMONIC:` body (EOS "System Message Guide"), e.g.
 * `<189>Nov 25 10:00:00 leaf1 Ebra: %LINEPROTO-5-UPDOWN: Line protocol on Interface Ethernet1, changed state to up`.
 * Any 3164 sender using the same body convention (IOS-XE with `logging origin-id`) parses the same.
 */
const MNEMONIC = /^%([A-Z][A-Z0-9_]*(?:-[A-Z][A-Z0-9_]*)*)-([0-7])-([A-Za-z0-9_]+) ?: ?/;

export const aristaVendor: Rfc3164Vendor = {
  name: 'arista',
  refine(parts: Rfc3164Parts, pri: PriorityPart, ctx: ParseContext): ParsedSyslog | undefined {
    // MNEMONIC starts with `%`: one char code rejects most 3164 messages before a regex call
    if (parts.content.charCodeAt(0) !== 37) return undefined;
    const m = MNEMONIC.exec(parts.content);
    if (!m || !m[1] || !m[2] || !m[3]) return undefined;
    return fromRfc3164Parts(parts, pri, ctx, 'arista-eos', {
      msgId: `${m[1]}-${m[2]}-${m[3]}`,
      message: parts.content.slice(m[0].length),
      fields: { facility: m[1], severity: m[2], mnemonic: m[3] },
    });
  },
};

export const arista: SyslogDialect = {
  name: 'arista',
  parse: (body, pri, ctx) => aristaVendor.refine(parseRfc3164Parts(body, ctx), pri, ctx),
};
