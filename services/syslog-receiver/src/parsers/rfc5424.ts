import { parsedSyslog, type ParseContext, type ParsedSyslog, type PriorityPart, type SyslogDialect } from './syslog-dialect';
import { parseRfc3339 } from './syslog-time';

const BOM = '\uFEFF';

/** Next SP-delimited header field (RFC 5424 §6 HEADER): value and the index after its SP. */
function field(s: string, from: number): { value: string; next: number } | undefined {
  const sp = s.indexOf(' ', from);
  if (sp < 0) return from < s.length ? { value: s.slice(from), next: s.length } : undefined;
  if (sp === from) return undefined;
  return { value: s.slice(from, sp), next: sp + 1 };
}

const nil = (v: string): string | undefined => (v === '-' ? undefined : v);

/**
 * STRUCTURED-DATA (RFC 5424 §6.3): `-` or one or more `[SD-ID *(SP PARAM-NAME="PARAM-VALUE")]`.
 * In PARAM-VALUE `\"`, `\\` and `\]` are escapes (§6.3.3); any other backslash is kept as is.
 * Returns the elements and the index after them, or undefined when malformed.
 */
export function parseStructuredData(
  s: string,
  from: number,
): { sd: Record<string, Record<string, string>>; next: number } | undefined {
  const sd: Record<string, Record<string, string>> = {};
  if (s.charCodeAt(from) === 45 /* - */) return { sd, next: from + 1 };
  let i = from;
  if (s.charCodeAt(i) !== 91 /* [ */) return undefined;
  while (s.charCodeAt(i) === 91) {
    i++;
    const idEnd = scanName(s, i);
    if (idEnd === i) return undefined;
    const id = s.slice(i, idEnd);
    const params: Record<string, string> = {};
    i = idEnd;
    while (s.charCodeAt(i) === 32) {
      i++;
      const nameEnd = scanName(s, i);
      if (nameEnd === i || s.charCodeAt(nameEnd) !== 61 /* = */ || s.charCodeAt(nameEnd + 1) !== 34 /* " */) return undefined;
      const name = s.slice(i, nameEnd);
      i = nameEnd + 2;
      let value = '';
      let chunkStart = i;
      for (;;) {
        const c = s.charCodeAt(i);
        if (Number.isNaN(c)) return undefined;
        if (c === 92 /* \ */) {
          const n = s.charCodeAt(i + 1);
          if (n === 34 || n === 92 || n === 93) {
            value += s.slice(chunkStart, i) + s[i + 1];
            i += 2;
            chunkStart = i;
            continue;
          }
          i++;
          continue;
        }
        if (c === 34) break;
        i++;
      }
      value += s.slice(chunkStart, i);
      i++; // closing quote
      if (name !== '__proto__') params[name] = value;
    }
    if (s.charCodeAt(i) !== 93 /* ] */) return undefined;
    i++;
    // §6.3.2: an SD-ID must not repeat; when a sender repeats it anyway, merge the params
    if (id !== '__proto__') sd[id] = Object.hasOwn(sd, id) ? Object.assign({}, sd[id], params) : params;
  }
  return { sd, next: i };
}

/** SD-NAME: printable US-ASCII except `=`, SP, `]`, `"` (RFC 5424 §6.3.2). */
function scanName(s: string, i: number): number {
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c <= 32 || c >= 127 || c === 61 || c === 93 || c === 34) break;
    i++;
  }
  return i;
}

/** RFC 5424: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [SP MSG]`. */
export const rfc5424: SyslogDialect = {
  name: 'rfc5424',
  parse(body: string, pri: PriorityPart, ctx: ParseContext): ParsedSyslog | undefined {
    if (!pri.present || body.charCodeAt(0) !== 49 /* 1 */ || body.charCodeAt(1) !== 32) return undefined;
    const tsField = field(body, 2);
    const host = tsField && field(body, tsField.next);
    const app = host && field(body, host.next);
    const proc = app && field(body, app.next);
    const msgIdField = proc && field(body, proc.next);
    if (!tsField || !host || !app || !proc || !msgIdField) return undefined;
    const fields: Record<string, string> = {};
    let ts: number | undefined;
    if (tsField.value !== '-') {
      ts = parseRfc3339(tsField.value, ctx.zone);
      if (ts === undefined) fields.invalidTimestamp = tsField.value;
    }
    let structuredData: Record<string, Record<string, string>> = {};
    let message = '';
    const sd = parseStructuredData(body, msgIdField.next);
    if (sd) {
      structuredData = sd.sd;
      message = body.charCodeAt(sd.next) === 32 ? body.slice(sd.next + 1) : body.slice(sd.next);
    } else {
      // keep what could not be parsed in the message rather than losing it
      fields.parseError = 'structured-data';
      message = body.slice(msgIdField.next);
    }
    // §6.4: MSG may start with a BOM, which says UTF-8 and is not part of the text
    if (message.startsWith(BOM)) message = message.slice(1);
    return parsedSyslog({
      pri, format: 'rfc5424', hostname: nil(host.value), appName: nil(app.value), procId: nil(proc.value), msgId: nil(msgIdField.value),
      message, structuredData, fields, ts, receivedAt: ctx.receivedAt,
    });
  },
};
