import { CollectorMetrics } from '@sonde/collector/collector-metrics';
import { Counter, Gauge, type Registry } from 'prom-client';

/** What the gauges read at scrape time (the receiver parts that exist once it is built). */
export interface TrapMetricSources {
  /** kernel drops on the bound UDP sockets (/proc/net/udp*) */
  kernelDrops(): number;
  /** rate-limit drops since start: top sources and `other` */
  droppedBySource(): Array<{ source: string; dropped: number }>;
  /** SO_RCVBUF the kernel granted each socket (bytes), summed */
  receiveBufferBytes(): number;
}

/**
 * Every metric the trap receiver exposes (style.md rule 9): the collector vocabulary
 * (`sonde_trap_received_total`, `_parsed_total`, `_published_total`,
 * `_dropped_total{reason,stage,detail}`; unit: one UDP datagram) and the receiver's own.
 */
export class TrapReceiverMetrics extends CollectorMetrics {
  readonly informsAcknowledged: Counter<'version'>;
  readonly usmKeys: Gauge;
  readonly trackedSources: Gauge;

  constructor(registry: Registry, sources: Partial<TrapMetricSources> = {}) {
    super(registry, { prefix: 'sonde_trap', unit: 'datagrams' });
    const registers = [registry];
    this.informsAcknowledged = new Counter({ name: 'sonde_trap_informs_acknowledged_total', help: 'Inform Responses sent (only once the event was accepted by the bus)', labelNames: ['version'], registers });
    this.usmKeys = new Gauge({ name: 'sonde_trap_usm_localized_keys', help: 'Pre-localized (engine ID, user) keys; fixed at config load', registers });
    this.trackedSources = new Gauge({ name: 'sonde_trap_ratelimit_sources', help: 'Sources with a token bucket', registers });
    new Gauge({
      name: 'sonde_trap_udp_kernel_drops',
      help: 'Datagrams dropped by the kernel on the receiver UDP sockets (receive buffer overflow), from /proc/net/udp*',
      registers,
      collect() {
        this.set(sources.kernelDrops?.() ?? 0);
      },
    });
    new Gauge({
      name: 'sonde_trap_udp_receive_buffer_bytes',
      help: 'SO_RCVBUF granted by the kernel, summed over the receiver sockets (capped by net.core.rmem_max)',
      registers,
      collect() {
        this.set(sources.receiveBufferBytes?.() ?? 0);
      },
    });
    new Gauge({
      name: 'sonde_trap_rate_limited_by_source',
      help: 'Datagrams dropped by the per-source rate limit since start, for the top sources and `other`',
      labelNames: ['source'],
      registers,
      collect() {
        this.reset();
        for (const s of sources.droppedBySource?.() ?? []) this.set({ source: s.source }, s.dropped);
      },
    });
  }
}
