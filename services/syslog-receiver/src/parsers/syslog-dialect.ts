import type { SyslogMessagePayload } from '@sonde/events/payloads/syslog-message';

/** What a dialect needs besides the text: the receive time and the zone for zone-less times. */
export interface ParseContext {
  /** Epoch ms when the receiver read the message: anchors year-less timestamps. */
  receivedAt: number;
  /** IANA zone (`Europe/Paris`), fixed offset (`+02:00`) or `UTC`, for timestamps without zone. */
  zone: string;
}

/** A message after PRI decoding: the dialect parses what follows `<PRI>`. */
export interface PriorityPart {
  facility: number;
  severity: number;
  /** false when the message had no valid PRI and RFC 3164 §4.3.3's default (13) was applied. */
  present: boolean;
}

/** The payload fields a parser fills; transport, source and truncation are added by the receiver. */
export type ParsedSyslog = Pick<
  SyslogMessagePayload,
  'facility' | 'severity' | 'format' | 'hostname' | 'appName' | 'procId' | 'msgId' | 'message' | 'structuredData' | 'fields' | 'timeSource'
> & {
  /** Epoch ms of the event: from the message, or `receivedAt` when it had no usable time. */
  ts: number;
};

/**
 * A syslog dialect: parses the text after PRI, or returns undefined when the text is not in
 * this dialect (so auto-detection tries the next one). Never throws on any input.
 */
export interface SyslogDialect {
  readonly name: string;
  parse(body: string, pri: PriorityPart, ctx: ParseContext): ParsedSyslog | undefined;
}

export interface ParsedInit {
  pri: PriorityPart;
  format: string;
  hostname?: string | undefined;
  appName?: string | undefined;
  procId?: string | undefined;
  msgId?: string | undefined;
  message: string;
  structuredData?: Record<string, Record<string, string>>;
  fields?: Record<string, string>;
  /** undefined = the message had no usable time: the receive time is used */
  ts: number | undefined;
  receivedAt: number;
}

const orUndefined = (v: string | undefined): string | undefined => (v === '' ? undefined : v);

/**
 * Builds the result every dialect returns, always with the same keys in the same order (one
 * hidden class on the hot path; absent header fields are `undefined`, which JSON leaves out).
 */
export function parsedSyslog(p: ParsedInit): ParsedSyslog {
  return {
    facility: p.pri.facility,
    severity: p.pri.severity,
    format: p.format,
    hostname: orUndefined(p.hostname),
    appName: orUndefined(p.appName),
    procId: orUndefined(p.procId),
    msgId: orUndefined(p.msgId),
    message: p.message,
    structuredData: p.structuredData ?? {},
    fields: p.fields ?? {},
    ts: p.ts ?? p.receivedAt,
    timeSource: p.ts === undefined ? 'received' : 'message',
  };
}
