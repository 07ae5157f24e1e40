import { CollectorMetrics } from '@sonde/collector/collector-metrics';
import type { DropReason, DropStage } from '@sonde/collector/drop-reason';
import { Counter, Gauge, type Registry } from 'prom-client';

export type SyslogTransport = 'udp' | 'tcp' | 'tls';

export type { DropReason, DropStage };
export type ClockSkewDirection = 'past' | 'future';

/**
 * The counting interface domain code uses (and that UDP worker threads fill as plain numbers
 * and hand to the main thread), so the hot path does not depend on prom-client. The vocabulary
 * is the collectors' one (libs/collector): unit one message (a datagram, or a TCP/TLS frame).
 */
export interface SyslogCounts {
  received(transport: SyslogTransport, n?: number): void;
  parsed(format: string, n?: number): void;
  published(n: number): void;
  dropped(reason: DropReason, stage: DropStage, n?: number, detail?: string): void;
  truncated(transport: SyslogTransport, n?: number): void;
  /** A message whose own time is more than CLOCK_SKEW_THRESHOLD_MS from the receive time. */
  clockSkew(direction: ClockSkewDirection): void;
}

/** Every metric the syslog receiver exposes (`sonde_syslog_*`). */
export class SyslogReceiverMetrics implements SyslogCounts {
  /** received{transport}, parsed{format}, published, dropped{reason,stage,detail} */
  readonly counts: CollectorMetrics;
  /** Messages longer than maxMessageBytes, kept truncated and flagged, per transport. */
  readonly truncatedTotal: Counter<'transport'>;
  /** Open TCP/TLS connections. */
  readonly connections: Gauge<'transport'>;
  /** TCP/TLS connections currently paused because the bus is slower than the sender. */
  readonly pausedConnections: Gauge<'transport'>;
  /** Connections the receiver closed (idle) or refused (per-source cap, maxConnections). */
  readonly connectionsClosed: Counter<'transport' | 'reason'>;
  /** Datagrams the kernel dropped on the UDP sockets (receive buffer full), from /proc/net/udp*. */
  readonly udpKernelDrops: Gauge;
  /** Messages stamped by a device clock far from Sonde's (kept, flagged with `clockSkewMs`). */
  readonly clockSkewTotal: Counter<'direction'>;

  constructor(registry: Registry, sources: Partial<SyslogMetricSources> = {}) {
    const registers = [registry];
    this.counts = new CollectorMetrics(registry, { prefix: 'sonde_syslog', unit: 'messages', receivedLabel: 'transport', parsedLabel: 'format' });
    this.truncatedTotal = new Counter({ name: 'sonde_syslog_truncated_total', help: 'Syslog messages longer than maxMessageBytes, truncated and flagged', labelNames: ['transport'], registers });
    this.connections = new Gauge({ name: 'sonde_syslog_connections', help: 'Open TCP/TLS syslog connections', labelNames: ['transport'], registers });
    this.pausedConnections = new Gauge({ name: 'sonde_syslog_paused_connections', help: 'TCP/TLS connections paused for backpressure or rate limit', labelNames: ['transport'], registers });
    this.connectionsClosed = new Counter({
      name: 'sonde_syslog_connections_closed_total',
      help: 'TCP/TLS connections closed by the receiver (reason=idle) or refused (reason=per_source_limit, max_connections)',
      labelNames: ['transport', 'reason'],
      registers,
    });
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
        this.set(sources.udpKernelDrops?.() ?? 0);
      },
    });
    new Gauge({
      name: 'sonde_syslog_udp_receive_buffer_bytes',
      help: 'SO_RCVBUF granted by the kernel (twice the size set, after the net.core.rmem_max cap), summed over the shared UDP sockets',
      registers,
      collect() {
        this.set(sources.udpReceiveBufferBytes?.() ?? 0);
      },
    });
    new Gauge({
      name: 'sonde_syslog_udp_kernel_drops_by_source',
      help: 'Kernel drops of sources on a UDP socket of their own (over their rate limit, udp.isolation), by source; `other` = the shared sockets, whose drops name no source',
      labelNames: ['source'],
      registers,
      collect() {
        this.reset();
        for (const s of sources.kernelDropsBySource?.() ?? []) this.set({ source: s.source }, s.dropped);
      },
    });
    new Gauge({
      name: 'sonde_syslog_udp_isolated_sources',
      help: 'Sources over their rate limit given a UDP socket of their own (udp.isolation)',
      registers,
      collect() {
        this.set(sources.udpIsolatedSources?.() ?? 0);
      },
    });
    new Gauge({
      name: 'sonde_syslog_rate_limited_by_source',
      help: 'UDP datagrams dropped by the per-source rate limit since start, for the top sources and `other`',
      labelNames: ['source'],
      registers,
      collect() {
        this.reset();
        for (const s of sources.droppedBySource?.() ?? []) this.set({ source: s.source }, s.dropped);
      },
    });
  }

  received(transport: SyslogTransport, n = 1): void {
    this.counts.received(n, transport);
  }
  parsed(format: string, n = 1): void {
    this.counts.parsed(n, format);
  }
  published(n: number): void {
    this.counts.published(n);
  }
  dropped(reason: DropReason, stage: DropStage, n = 1, detail?: string): void {
    this.counts.dropped(reason, stage, n, detail);
  }
  truncated(transport: SyslogTransport, n = 1): void {
    this.truncatedTotal.inc({ transport }, n);
  }
  clockSkew(direction: ClockSkewDirection): void {
    this.clockSkewTotal.inc({ direction });
  }
}

/** What the gauges read at scrape time. */
export interface SyslogMetricSources {
  udpKernelDrops(): number;
  udpReceiveBufferBytes(): number;
  droppedBySource(): Array<{ source: string; dropped: number }>;
  kernelDropsBySource(): Array<{ source: string; dropped: number }>;
  udpIsolatedSources(): number;
}
