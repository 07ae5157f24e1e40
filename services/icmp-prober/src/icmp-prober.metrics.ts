import { CollectorMetrics } from '@sonde/collector/collector-metrics';
import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * Every counter the ICMP prober exposes (ADR 0001: `sonde_<area>_<what>_total`): the collector
 * vocabulary (`sonde_icmp_received_total` / `_parsed_total`: ICMP packets of our probes;
 * `_published_total`: icmp.probe events; `_dropped_total{reason,stage,detail}`) and its own.
 */
export class IcmpProberMetrics extends CollectorMetrics {
  readonly sent: Counter<'family'>;
  readonly replies: Counter<'family'>;
  readonly timeouts: Counter<'family'>;
  readonly errors: Counter<'family' | 'error'>;
  readonly targets: Gauge<'family'>;
  readonly inFlight: Gauge;

  constructor(registry: Registry) {
    super(registry, { prefix: 'sonde_icmp', unit: 'ICMP packets of our probes' });
    const registers = [registry];
    this.sent = new Counter({ name: 'sonde_icmp_probes_sent_total', help: 'Echo requests sent', labelNames: ['family'], registers });
    this.replies = new Counter({
      name: 'sonde_icmp_replies_received_total',
      help: 'Echo replies matched to a probe in time',
      labelNames: ['family'],
      registers,
    });
    this.timeouts = new Counter({
      name: 'sonde_icmp_probe_timeouts_total',
      help: 'Probes that got neither a reply nor an ICMP error within timeoutMs',
      labelNames: ['family'],
      registers,
    });
    this.errors = new Counter({
      name: 'sonde_icmp_errors_received_total',
      help: 'ICMP errors (destination unreachable, TTL exceeded, …) attributed to a probe, and local send errors',
      labelNames: ['family', 'error'],
      registers,
    });
    this.targets = new Gauge({ name: 'sonde_icmp_targets', help: 'Addresses being probed', labelNames: ['family'], registers });
    this.inFlight = new Gauge({ name: 'sonde_icmp_probes_in_flight', help: 'Probes awaiting a reply', registers });
  }
}
