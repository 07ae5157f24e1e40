import { fromRfc3164Parts, parseRfc3164Parts, type Rfc3164Parts } from './rfc3164';
import type { ParseContext, ParsedSyslog, PriorityPart, SyslogDialect } from './syslog-dialect';
import type { Rfc3164Vendor } from './syslog-vendor';

/**
 * The "information center" log format of Huawei VRP and of H3C/HPE Comware (which grew out of
 * VRP), as their configuration guides document it for a log host:
 *
 *   <PRI>TIMESTAMP HOSTNAME %%ddMODULE/SEVERITY/BRIEF(l)[n]:DESCRIPTION
 *
 *   <189>Aug  6 2011 20:34:46 HUAWEI %%01HWCM/5/EXIT(l)[1]: exit from configure mode        (VRP)
 *   <189>Jan  8 2013 03:58:15+07:00 HUAWEI %%01HWCM/5/EXIT(l)[1]: exit from configure mode  (VRP, local time)
 *   <189>2011-08-18 18:08:56 HUAWEI %%01CLI/5/LOGIN(l):CID=2160731923;VTY0 login from …     (VRP V8)
 *   <189>Oct 13 16:48:08 2000 Sysname %%10SHELL/5/SHELL_LOGIN(l): VTY logged in from …     (Comware "date")
 *   <187>2009-09-21T15:32:55 Sysname %%10IFNET/3/LINK_UPDOWN(l): Ethernet0/6 link status is DOWN. (Comware "iso")
 *
 * `%%` marks the vendor, `dd` is the format version (VRP 01; Comware 10), BRIEF (Comware:
 * "digest"/"mnemonic", ≤ 32 characters) names the message; the flag says log (l), trap (t),
 * debug (d) or security (s) information, `[n]` is VRP's log counter. Comware may put a source
 * (`-DevIP=…; `, IRF member) before the content. Older VRP 3.x / Quidway releases send the same
 * without `%%dd` (`<188>Apr  9 17:28:50:524 2004 Quidway IFNET/5/UPDOWN:Line protocol …`, S5600
 * operation manual). The header's time forms (year after the time,
 * `+hh:mm` right after it, `yyyy-mm-dd hh:mm:ss`) are read by the RFC 3164 header parser.
 */
const INFO_CENTER = /^(?:%%(\d{2}))?([A-Z][\w-]*)\/([0-7])\/([\w-]+)(?:\(([a-z]+)\))?(?:\[(\d+)\])?: ?/;
const SOURCE = /^-([^;]{1,128}); /;

/** `%%…`, or `MODULE/` within the first 33 characters (a cheap test before the regex). */
function looksLikeInfoCenter(s: string): boolean {
  const c = s.charCodeAt(0);
  if (c === 37) return s.charCodeAt(1) === 37;
  if (!(c >= 65 && c <= 90)) return false;
  const slash = s.indexOf('/');
  return slash > 0 && slash <= 33;
}

const LOG_TYPES: Record<string, string> = { l: 'log', t: 'trap', d: 'debug', s: 'security' };

export const infoCenterVendor: Rfc3164Vendor = {
  name: 'info-center',
  refine(parts: Rfc3164Parts, pri: PriorityPart, ctx: ParseContext): ParsedSyslog | undefined {
    // The 3164 TAG rule reads `%%01HWCM/5/EXIT(l)[1]:` as tag `%%01HWCM/5/EXIT(l)`, pid `1`;
    // without a space after the colon (VRP V8) it is no tag and stays in the content.
    const tagged = parts.appName !== undefined && looksLikeInfoCenter(parts.appName);
    if (!tagged && !looksLikeInfoCenter(parts.content)) return undefined;
    const text = tagged ? `${parts.appName}${parts.procId !== undefined ? `[${parts.procId}]` : ''}: ${parts.content}` : parts.content;
    const m = INFO_CENTER.exec(text);
    if (!m || !m[2] || !m[3] || !m[4]) return undefined;
    const fields: Record<string, string> = m[1] ? { version: m[1], module: m[2], severity: m[3], mnemonic: m[4] } : { module: m[2], severity: m[3], mnemonic: m[4] };
    if (m[5]) fields.logType = LOG_TYPES[m[5]] ?? m[5];
    if (m[6]) fields.sequence = m[6];
    let message = text.slice(m[0].length);
    const source = SOURCE.exec(message);
    if (source?.[1]) {
      fields.source = source[1];
      message = message.slice(source[0].length);
    }
    return fromRfc3164Parts({ ...parts, appName: undefined, procId: undefined }, pri, ctx, m[1] === '10' ? 'h3c-comware' : 'huawei-vrp', {
      msgId: `${m[2]}/${m[3]}/${m[4]}`,
      message,
      fields,
    });
  },
};

const parse = (body: string, pri: PriorityPart, ctx: ParseContext) => infoCenterVendor.refine(parseRfc3164Parts(body, ctx), pri, ctx);

/** Huawei VRP (`%%01…`); pinned per source as `dialect: huawei`. */
export const huawei: SyslogDialect = { name: 'huawei', parse };
/** H3C / HPE Comware (`%%10…`); pinned per source as `dialect: comware`. */
export const comware: SyslogDialect = { name: 'comware', parse };
