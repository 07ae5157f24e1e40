import { Counter, Gauge, type Registry } from 'prom-client';

/** Every counter the ICMP prober exposes (ADR 0001: `sonde_<area>_<what>_total`). */
export class IcmpProberMetrics {
  readonly sent: Counter<'family'>;
  readonly received: Counter<'family'>;
  readonly timeouts: Counter<'family'>;
  readonly errors: Counter<'family' | 'error'>;
  readonly dropped: Counter<'reason' | 'stage'>;
  readonly published: Counter;
  readonly targets: Gauge<'family'>;
  readonly inFlight: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    this.sent = new Counter({ name: 'sonde_icmp_probes_sent_total', help: 'Echo requests sent', labelNames: ['family'], registers });
    this.received = new Counter({
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
    this.dropped = new Counter({
      name: 'sonde_icmp_dropped_total',
      help: 'Packets or events dropped, by reason and stage (decode, match, send, publish)',
      labelNames: ['reason', 'stage'],
      registers,
    });
    this.published = new Counter({ name: 'sonde_icmp_events_published_total', help: 'icmp.probe events accepted by the bus', registers });
    this.targets = new Gauge({ name: 'sonde_icmp_targets', help: 'Addresses being probed', labelNames: ['family'], registers });
    this.inFlight = new Gauge({ name: 'sonde_icmp_probes_in_flight', help: 'Probes awaiting a reply', registers });
  }
}
