import { Counter, Gauge, type Registry } from 'prom-client';

export type SyslogTransport = 'udp' | 'tcp' | 'tls';

/** Why a message was not published, and where in the pipeline (Vector's component spec). */
export type DropReason = 'rate_limit' | 'empty' | 'framing' | 'bus_rejected' | 'bus_backlog' | 'shutdown';
export type DropStage = 'receive' | 'decode' | 'publish';
export type ClockSkewDirection = 'past' | 'future';

/**
 * The counting interface domain code uses (and that UDP worker threads fill as plain numbers
 * and hand to the main thread), so the hot path does not depend on prom-client.
 */
export interface SyslogCounts {
  received(transport: SyslogTransport, n?: number): void;
  parsed(format: string, n?: number): void;
  published(n: number): void;
  dropped(reason: DropReason, stage: DropStage, n?: number): void;
  truncated(transport: SyslogTransport, n?: number): void;
  /** A message whose own time is more than CLOCK_SKEW_THRESHOLD_MS from the receive time. */
  clockSkew(direction: ClockSkewDirection): void;
}

/** Every metric the syslog receiver exposes (`sonde_syslog_*`). */
export class SyslogReceiverMetrics implements SyslogCounts {
  /** Messages read from a socket (datagrams; frames for TCP/TLS), per transport. */
  readonly receivedTotal: Counter<'transport'>;
  /** Messages parsed, per detected format (rfc5424, rfc3164, cisco-ios, junos, fortinet, …). */
  readonly parsedTotal: Counter<'format'>;
  /** Events accepted by the bus. */
  readonly publishedTotal: Counter;
  /** Messages not published, by reason and stage. */
  readonly droppedTotal: Counter<'reason' | 'stage'>;
  /** Messages longer than maxMessageBytes, kept truncated and flagged, per transport. */
  readonly truncatedTotal: Counter<'transport'>;
  /** Open TCP/TLS connections. */
  readonly connections: Gauge<'transport'>;
  /** TCP/TLS connections currently paused because the bus is slower than the sender. */
  readonly pausedConnections: Gauge<'transport'>;
  /** Datagrams the kernel dropped on the UDP sockets (receive buffer full), from /proc/net/udp*. */
  readonly udpKernelDrops: Gauge;
  /** Messages stamped by a device clock far from Sonde's (kept, flagged with `clockSkewMs`). */
  readonly clockSkewTotal: Counter<'direction'>;

  constructor(registry: Registry, udpKernelDrops: () => number = () => 0) {
    const registers = [registry];
    const flush = () => this.flushCounts();
    this.receivedTotal = new Counter({
      name: 'sonde_syslog_received_total', help: 'Syslog messages read from sockets, per transport', labelNames: ['transport'], registers, collect: flush,
    });
    this.parsedTotal = new Counter({
      name: 'sonde_syslog_parsed_total', help: 'Syslog messages parsed, per detected format', labelNames: ['format'], registers, collect: flush,
    });
    this.publishedTotal = new Counter({ name: 'sonde_syslog_published_total', help: 'syslog.message events accepted by the bus', registers });
    this.droppedTotal = new Counter({ name: 'sonde_syslog_dropped_total', help: 'Syslog messages dropped, by reason and pipeline stage', labelNames: ['reason', 'stage'], registers });
    this.truncatedTotal = new Counter({ name: 'sonde_syslog_truncated_total', help: 'Syslog messages longer than maxMessageBytes, truncated and flagged', labelNames: ['transport'], registers });
    this.connections = new Gauge({ name: 'sonde_syslog_connections', help: 'Open TCP/TLS syslog connections', labelNames: ['transport'], registers });
    this.pausedConnections = new Gauge({ name: 'sonde_syslog_paused_connections', help: 'TCP/TLS connections paused for backpressure or rate limit', labelNames: ['transport'], registers });
    this.clockSkewTotal = new Counter({
      name: 'sonde_syslog_clock_skew_total',
      help: 'Messages whose own timestamp is more than 5 minutes before (past) or after (future) the receive time; stored, flagged with clockSkewMs',
      labelNames: ['direction'],
      registers,
    });
    this.udpKernelDrops = new Gauge({
      name: 'sonde_syslog_udp_kernel_drops',
      help: 'Datagrams dropped by the kernel on the receiver UDP sockets (receive buffer overflow)',
      registers,
      collect() {
        this.set(udpKernelDrops());
      },
    });
  }

  // Per-message counts go to plain numbers and reach prom-client at scrape time (collect):
  // prom-client hashes the label set on every inc, which costs more than parsing a message.
  private readonly pendingReceived: Record<SyslogTransport, number> = { udp: 0, tcp: 0, tls: 0 };
  private readonly pendingParsed = new Map<string, number>();

  received(transport: SyslogTransport, n = 1): void {
    this.pendingReceived[transport] += n;
  }
  parsed(format: string, n = 1): void {
    this.pendingParsed.set(format, (this.pendingParsed.get(format) ?? 0) + n);
  }

  /** Moves the pending per-message counts into the prom-client counters. */
  flushCounts(): void {
    for (const transport of ['udp', 'tcp', 'tls'] as const) {
      const n = this.pendingReceived[transport];
      if (n) {
        this.receivedTotal.inc({ transport }, n);
        this.pendingReceived[transport] = 0;
      }
    }
    for (const [format, n] of this.pendingParsed) this.parsedTotal.inc({ format }, n);
    this.pendingParsed.clear();
  }

  published(n: number): void {
    if (n > 0) this.publishedTotal.inc(n);
  }
  dropped(reason: DropReason, stage: DropStage, n = 1): void {
    this.droppedTotal.inc({ reason, stage }, n);
  }
  truncated(transport: SyslogTransport, n = 1): void {
    this.truncatedTotal.inc({ transport }, n);
  }
  clockSkew(direction: ClockSkewDirection): void {
    this.clockSkewTotal.inc({ direction });
  }
}
