import type { ParseContext, ParsedSyslog } from './syslog-dialect';
import { SYSLOG_DIALECTS, auto, autoParse, type SyslogDialectName } from './syslog-dialects';
import { parsePriority } from './syslog-priority';
import { decodeSyslogText } from './syslog-text';

export interface ParseOptions extends ParseContext {
  dialect: SyslogDialectName;
}

/**
 * One syslog message (the bytes of one datagram or one TCP frame) → its parsed fields.
 * Never throws: text no dialect recognises is kept whole as an RFC 3164 CONTENT.
 * Flags added to `fields`: `invalidUtf8` (see syslog-text.ts), `missingPri` (RFC 3164 §4.3.3
 * default 13 applied), `parseError` (a dialect failed; the text is kept in `message`).
 */
export function parseSyslog(bytes: Uint8Array, options: ParseOptions): ParsedSyslog {
  const { text: raw, invalidUtf8 } = decodeSyslogText(bytes);
  // senders terminate datagrams with LF, CRLF or NUL (RFC 6587 §3.4.2 trailers); not content
  let end = raw.length;
  while (end > 0) {
    const c = raw.charCodeAt(end - 1);
    if (c === 10 || c === 13 || c === 0) end--;
    else break;
  }
  const text = end === raw.length ? raw : raw.slice(0, end);
  const { pri, end: bodyStart } = parsePriority(text);
  const body = bodyStart ? text.slice(bodyStart) : text;
  let parsed: ParsedSyslog;
  try {
    const dialect = SYSLOG_DIALECTS[options.dialect];
    parsed = (dialect === auto ? undefined : dialect.parse(body, pri, options)) ?? autoParse(body, pri, options);
  } catch (err) {
    // a dialect bug must not lose the message (the property tests hunt for these)
    parsed = {
      facility: pri.facility, severity: pri.severity, format: 'raw', message: body, structuredData: {},
      fields: { parseError: String(err instanceof Error ? err.message : err).slice(0, 200) },
      ts: options.receivedAt, timeSource: 'received',
    };
  }
  if (!Number.isSafeInteger(parsed.ts) || parsed.ts < 0) {
    parsed.fields.invalidTimestamp ??= String(parsed.ts);
    parsed.ts = options.receivedAt;
    parsed.timeSource = 'received';
  }
  if (invalidUtf8) parsed.fields.invalidUtf8 = 'true';
  if (!pri.present) parsed.fields.missingPri = 'true';
  return parsed;
}
