import { createEvent, type EventOrigin } from '@sonde/events/create-event';
import type { DeviceRef, EventOfKind } from '@sonde/events/sonde-event';
import { parseSyslog } from './parsers/parse-syslog';
import type { ParsedSyslog } from './parsers/syslog-dialect';
import { completeUtf8Length, utf8TruncationPoint } from './parsers/syslog-text';
import type { SyslogReceiverConfig } from './syslog-receiver.config';
import { clockSkewDirection } from './clock-skew';
import type { SyslogCounts, SyslogTransport } from './syslog-receiver.metrics';

export type SyslogMessageEvent = EventOfKind<'syslog.message'>;

/** Source address → device (libs/inventory's `Inventory` satisfies it). */
export interface SourceResolver {
  resolveSource(address: string): DeviceRef;
}

/** Where and how one message arrived. */
export interface MessageMeta {
  transport: SyslogTransport;
  /** the sender's address, normalised (libs/inventory normalizeAddress: no `::ffff:` prefix) */
  address: string;
  port: number;
  receivedAt: number;
  /** already cut by the TCP frame decoder */
  truncated: boolean;
}

/**
 * Bytes of one message → parsed fields → `syslog.message` event. Split in two so UDP worker
 * threads can parse (`parse`) and the main thread, which holds the inventory, builds the event
 * (`toEvent`). Counts `parsed` and `truncated`; never throws.
 */
export class SyslogIngest {
  private readonly devices = new Map<string, DeviceRef>();

  constructor(
    private readonly config: Pick<SyslogReceiverConfig, 'maxMessageBytes' | 'defaultZone' | 'defaultDialect' | 'sources'>,
    private readonly counts: SyslogCounts,
    private readonly origin?: EventOrigin,
    private readonly resolver?: SourceResolver,
  ) {}

  /** Parses one message; undefined (counted as dropped, reason empty) for an empty one. */
  parse(bytes: Buffer, meta: MessageMeta): { parsed: ParsedSyslog; truncated: boolean } | undefined {
    let truncated = meta.truncated;
    let data = bytes;
    if (data.length > this.config.maxMessageBytes) {
      data = data.subarray(0, utf8TruncationPoint(data, this.config.maxMessageBytes));
      truncated = true;
    } else if (truncated) {
      // the frame decoder cut at a byte count: do not leave half a character at the end
      data = data.subarray(0, completeUtf8Length(data));
    }
    if (truncated) this.counts.truncated(meta.transport);
    if (data.length === 0) {
      this.counts.dropped('empty', 'decode');
      return undefined;
    }
    const source = this.config.sources[meta.address];
    const parsed = parseSyslog(data, {
      receivedAt: meta.receivedAt,
      zone: source?.zone ?? this.config.defaultZone,
      dialect: source?.dialect ?? this.config.defaultDialect,
    });
    this.counts.parsed(parsed.format);
    return { parsed, truncated };
  }

  /** Builds the event for a parsed message (main thread: needs origin and inventory). */
  toEvent(parsed: ParsedSyslog, truncated: boolean, meta: MessageMeta): SyslogMessageEvent {
    if (!this.origin || !this.resolver) throw new Error('SyslogIngest.toEvent needs an origin and a source resolver');
    let device = this.devices.get(meta.address);
    if (!device) {
      device = this.resolver.resolveSource(meta.address);
      if (this.devices.size >= 100_000) this.devices.clear();
      this.devices.set(meta.address, device);
    }
    // explicit fields, no rest/spread: this runs per message
    const payload: SyslogMessageEvent['payload'] = {
      facility: parsed.facility,
      severity: parsed.severity,
      format: parsed.format,
      hostname: parsed.hostname,
      appName: parsed.appName,
      procId: parsed.procId,
      msgId: parsed.msgId,
      message: parsed.message,
      structuredData: parsed.structuredData,
      fields: parsed.fields,
      timeSource: parsed.timeSource,
      // device time − receive time when the time came from the message (ADR 0002); undefined is
      // left out by the codec
      clockSkewMs: parsed.timeSource === 'message' ? parsed.ts - meta.receivedAt : undefined,
      transport: meta.transport,
      source: { address: meta.address, port: meta.port },
      truncated,
    };
    if (payload.clockSkewMs !== undefined) {
      const direction = clockSkewDirection(payload.clockSkewMs);
      if (direction) this.counts.clockSkew(direction);
    }
    return createEvent('syslog.message', this.origin, device, payload, parsed.ts, meta.receivedAt);
  }

  /** parse + toEvent. */
  ingest(bytes: Buffer, meta: MessageMeta): SyslogMessageEvent | undefined {
    const result = this.parse(bytes, meta);
    return result && this.toEvent(result.parsed, result.truncated, meta);
  }
}
