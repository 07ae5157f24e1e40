import type { Rfc3164Parts } from './rfc3164';
import type { ParseContext, ParsedSyslog, PriorityPart } from './syslog-dialect';

/**
 * A vendor dialect whose messages carry an RFC 3164 header (time, host, tag) and a vendor body
 * (Junos event tag, EOS mnemonic, PAN-OS CSV). Auto-detection parses the header once and asks
 * each vendor to refine it; undefined = not this vendor.
 */
export interface Rfc3164Vendor {
  readonly name: string;
  refine(parts: Rfc3164Parts, pri: PriorityPart, ctx: ParseContext): ParsedSyslog | undefined;
}
